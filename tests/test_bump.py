"""`oagen generate --bump auto`: version and changelog from what changed for users."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO

SPEC = """\
openapi: 3.1.0
info: {title: Bumped, version: "1.0.0"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: string}}}}
  /other:
    get:
      operationId: getOther
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: string}}}}
"""
ENV = {
    **os.environ,
    "PYTHONPATH": str(REPO),
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t",
}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, env=ENV, capture_output=True, text=True, timeout=300)


def _generate(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(cwd, sys.executable, "-m", "generator", "generate", "-q", *extra)


def _version(project: Path) -> str:
    for line in (project / "out" / "pyproject.toml").read_text().splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssertionError("no version")


def test_bump_auto(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "bumped"\n', encoding="utf-8"
    )
    assert _run(tmp_path, "git", "init", "-q").returncode == 0
    assert _generate(tmp_path).returncode == 0
    assert _version(tmp_path) == "1.0.0"
    _run(tmp_path, "git", "add", "-A")
    assert _run(tmp_path, "git", "commit", "-qm", "v1").returncode == 0

    unchanged = _generate(tmp_path, "--bump", "auto")
    assert unchanged.returncode == 0, unchanged.stderr
    assert _version(tmp_path) == "1.0.0"
    assert not (tmp_path / "out" / "CHANGELOG.md").exists()

    # An addition is a minor release.
    added = (
        SPEC
        + """\
  /more:
    get:
      operationId: getMore
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: string}}}}
"""
    )
    (tmp_path / "spec.yaml").write_text(added, encoding="utf-8")
    minor = _generate(tmp_path, "--bump", "auto")
    assert minor.returncode == 0, minor.stderr
    assert _version(tmp_path) == "1.1.0"
    changelog = (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n\n## 1.1.0")
    assert "client.more" in changelog
    _run(tmp_path, "git", "add", "-A")
    assert _run(tmp_path, "git", "commit", "-qm", "v1.1").returncode == 0

    # A removal is a major release; the new entry goes on top of the old one.
    (tmp_path / "spec.yaml").write_text(
        added.replace("operationId: getOther", "operationId: getOther\n      x-oagen-name: fetch"),
        encoding="utf-8",
    )
    major = _generate(tmp_path, "--bump", "auto")
    assert major.returncode == 0, major.stderr
    assert _version(tmp_path) == "2.0.0"
    changelog = (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.index("## 2.0.0") < changelog.index("## 1.1.0")
    assert "Breaking" in changelog

    # The changelog is the user's file now: a plain regeneration keeps it.
    assert _generate(tmp_path).returncode == 0
    assert (tmp_path / "out" / "CHANGELOG.md").read_text(encoding="utf-8") == changelog


def test_bump_auto_needs_a_previous_generation(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    result = _generate(tmp_path, "spec.yaml", "-o", "out", "--bump", "auto")
    assert result.returncode == 1
    assert "no record of a previous generation" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_prints_the_api_summary(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "checked"\n', encoding="utf-8"
    )
    _run(tmp_path, "git", "init", "-q")
    assert _generate(tmp_path).returncode == 0
    _run(tmp_path, "git", "add", "-A")
    assert _run(tmp_path, "git", "commit", "-qm", "v1").returncode == 0
    (tmp_path / "spec.yaml").write_text(
        SPEC.replace(
            "operationId: getOther", "operationId: getOther\n      x-oagen-name: fetch_other"
        ),
        encoding="utf-8",
    )
    stale = _run(tmp_path, sys.executable, "-m", "generator", "check")
    assert stale.returncode == 1
    assert "+    def fetch_other(" in stale.stdout  # the unified diff
    assert "### Breaking changes" in stale.stdout  # and what it means for users
    assert "client.other.retrieve()" in stale.stdout
