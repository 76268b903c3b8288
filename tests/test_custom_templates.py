"""A custom template folder replaces built-ins by name; everything else falls back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, SPEC


def test_custom_template_replaces_the_builtin_of_the_same_name(tmp_path: Path) -> None:
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "README.md.j2").write_text(
        "# {{ api.distribution }}\n\nOur own guide for {{ api.client_class }}: "
        "{% for r in api.resources %}{{ r.attribute }} {% endfor %}\n",
        encoding="utf-8",
    )
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(SPEC),
            "-o",
            "out",
            "--package",
            "custom_client",
            "--templates",
            str(custom),
            "--config",
            "empty.toml",
            "-q",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    readme = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# custom-client\n\nOur own guide for OpenRouter: chat completions")
    # The rest still comes from the built-in templates.
    assert "class Keys(SyncAPIResource)" in (
        tmp_path / "out" / "custom_client" / "resources" / "keys.py"
    ).read_text(encoding="utf-8")


def test_a_broken_custom_template_is_a_clear_error(tmp_path: Path) -> None:
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "README.md.j2").write_text("{{ api.no_such_field }}\n", encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(SPEC),
            "-o",
            "out",
            "--package",
            "custom_client",
            "--templates",
            str(custom),
            "--config",
            "empty.toml",
            "-q",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "README.md.j2" in result.stderr and "no_such_field" in result.stderr
    assert not (tmp_path / "out").exists()
