"""The `oagen-check` pre-commit hook, run by pre-commit itself on a temporary repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

SPEC = """\
openapi: 3.1.0
info: {title: Hooked, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: {type: string}
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@t",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@t",
        },
    ).stdout


def _hook_repository(tmp_path: Path) -> Path:
    """A git repository holding this project's installable files, as pre-commit fetches it."""
    hooks = tmp_path / "oagen"
    hooks.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(REPO / name, hooks / name)
    shutil.copytree(
        REPO / "generator",
        hooks / "generator",
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(REPO / "templates", hooks / "templates")  # generator/templates links here
    _git(hooks, "init", "-q")
    _git(hooks, "add", "-A")
    _git(hooks, "commit", "-qm", "hooks")
    return hooks


def test_oagen_check_hook(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hooks = _hook_repository(tmp_path)
    rev = _git(hooks, "rev-parse", "HEAD").strip()
    project = tmp_path / "project"
    project.mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "client"\npackage = "hooked"\n',
        encoding="utf-8",
    )
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: oagen-check\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", "-q"],
        cwd=project,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "client")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "OAGEN_CACHE_DIR": "off"}
    pre_commit = [sys.executable, "-m", "pre_commit", "run", "oagen-check", "--all-files"]

    fresh = subprocess.run(
        pre_commit, cwd=project, env=env, capture_output=True, text=True, timeout=900
    )
    assert fresh.returncode == 0, fresh.stdout[-3000:] + fresh.stderr[-3000:]

    (project / "spec.yaml").write_text(
        SPEC.replace(
            "name: {type: string}", "name: {type: string}\n                  size: {type: integer}"
        ),
        encoding="utf-8",
    )
    stale = subprocess.run(
        pre_commit, cwd=project, env=env, capture_output=True, text=True, timeout=900
    )
    assert stale.returncode == 1, stale.stdout[-3000:]
    assert "+    size: int | None = None" in stale.stdout
    assert "is stale" in stale.stdout
