"""The committed client installs cleanly, type-checks under `mypy --strict`, and is black-clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import GENERATED

PACKAGE = "openrouter_client"


def test_generated_package_passes_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental",
         "--cache-dir", os.devnull, "-p", PACKAGE],
        cwd=GENERATED, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_generated_package_is_black_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", "--line-length", "100",
         "--target-version", "py310", PACKAGE],
        cwd=GENERATED, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_generated_package_passes_ruff() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", PACKAGE],
        cwd=GENERATED, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_generated_distribution_installs_and_imports(tmp_path: Path) -> None:
    """pip installs a copy of generated/ (building in place would litter it) into a target."""
    source = tmp_path / "src"
    shutil.copytree(GENERATED, source, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "--target", str(target), str(source)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    probe = subprocess.run(
        [sys.executable, "-c",
         f"import sys; sys.path.insert(0, {str(target)!r}); import {PACKAGE} as p; "
         f"assert p.__file__.startswith({str(target)!r}), p.__file__; "
         "c = p.OpenRouter(api_key='k'); print(type(c).__name__)"],
        capture_output=True, text=True, timeout=120,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "OpenRouter"
