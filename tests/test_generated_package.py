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
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            os.devnull,
            "-p",
            PACKAGE,
        ],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]


def test_generated_package_is_black_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "black", "--check", "--quiet", "."],  # its own [tool.black]
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_generated_package_passes_ruff() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", PACKAGE],
        cwd=GENERATED,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_generated_distribution_builds_checks_and_installs(tmp_path: Path) -> None:
    """sdist and wheel build, pass `twine check`, and the wheel installs into a fresh venv."""
    source = tmp_path / "src"  # a copy: building in place would litter generated/
    shutil.copytree(GENERATED, source, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--sdist",
            "--wheel",
            "--outdir",
            str(dist),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    artifacts = sorted(path.name for path in dist.iterdir())
    assert any(name.endswith(".whl") for name in artifacts), artifacts
    assert any(name.endswith(".tar.gz") for name in artifacts), artifacts
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dist.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    wheel = next(dist.glob("*.whl"))
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    probe = subprocess.run(
        [
            str(python),
            "-c",
            f"import {PACKAGE} as p, {PACKAGE}.models as m; "
            "c = p.OpenRouter(api_key='k'); print(type(c).__name__, m.ChatMessage.__name__, "
            "p.__file__.startswith(" + repr(str(venv)) + "))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == ["OpenRouter", "ChatMessage", "True"]
