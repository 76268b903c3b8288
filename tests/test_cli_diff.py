"""`oagen diff` and `--overlay` through the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, SPEC


def _oagen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _edited(tmp_path: Path) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    assert "operationId: listKeys" in text
    edited = tmp_path / "new.yaml"
    renamed = "operationId: listKeys\n      x-oagen-name: list_api_keys"
    edited.write_text(text.replace("operationId: listKeys", renamed), encoding="utf-8")
    return edited


def test_diff_markdown_and_json(tmp_path: Path) -> None:
    new = _edited(tmp_path)
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    markdown = _oagen("diff", str(SPEC), str(new), "--config", "empty.toml", cwd=tmp_path)
    assert markdown.returncode == 0, markdown.stderr
    assert "### Breaking changes" in markdown.stdout
    assert "`client.keys.list()` is now `client.keys.list_api_keys()`" in markdown.stdout
    as_json = _oagen(
        "diff",
        str(SPEC),
        str(new),
        "--config",
        "empty.toml",
        "--format",
        "json",
        "--fail-on-breaking",
        cwd=tmp_path,
    )
    assert as_json.returncode == 1  # something breaks
    report = json.loads(as_json.stdout)
    assert report["suggested_bump"] == "major"
    assert {"kind", "location", "message"} <= set(report["breaking"][0])


def test_diff_of_identical_specs_is_empty(tmp_path: Path) -> None:
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    result = _oagen(
        "diff",
        str(SPEC),
        str(SPEC),
        "--config",
        "empty.toml",
        "--format",
        "json",
        "--fail-on-breaking",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["suggested_bump"] == "none"


def test_diff_against_a_git_revision() -> None:
    result = _oagen(
        "diff", "HEAD:spec/openrouter.yaml", "spec/openrouter.yaml", "--format", "json", cwd=REPO
    )
    if "unknown revision" in result.stderr or "not a git repository" in result.stderr:
        return  # an exported tree without history: nothing to compare against
    assert result.returncode == 0, result.stderr
    assert "suggested_bump" in json.loads(result.stdout)


def test_overlay_changes_the_generated_client(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay.yaml"
    overlay.write_text(
        "overlay: 1.0.0\ninfo: {title: rename, version: '1'}\nactions:\n"
        "  - target: \"$.paths['/keys'].get\"\n    update: {x-oagen-name: list_all_keys}\n"
        "  - target: \"$.paths['/nowhere']\"\n    remove: true\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    result = _oagen(
        "generate",
        str(SPEC),
        "-o",
        "out",
        "--package",
        "overlaid",
        "--overlay",
        str(overlay),
        "--config",
        "empty.toml",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "W702" in result.stderr  # the second action's target matches nothing
    keys = (tmp_path / "out" / "overlaid" / "resources" / "keys.py").read_text(encoding="utf-8")
    assert "def list_all_keys(" in keys and "def list(" not in keys
