"""The committed generated/ is the snapshot: a fresh generation must equal it byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import GENERATED, REPO, SPEC


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
        and not path.name.endswith(".pyc")
        # caches and build folders that tools leave behind are not part of the output
        and not any(
            part.startswith(".") or part in ("__pycache__", "build", "dist")
            for part in path.relative_to(root).parts[:-1]
        )
    }


def _generate(out: Path, seed: str, cache: str = "off") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(SPEC), "-o", str(out), "-q"],
        cwd=REPO,
        env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "OAGEN_CACHE_DIR": cache},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "generated"
    result = _generate(out, "1")
    assert result.returncode == 0, result.stderr
    return out


def test_fresh_generation_equals_committed_output(fresh: Path) -> None:
    expected = {k: v for k, v in _tree(GENERATED).items() if ".egg-info" not in k}
    actual = _tree(fresh)
    assert sorted(actual) == sorted(expected), (
        "generated/ lists different files: run `make generate` and commit"
    )
    for path, content in actual.items():
        assert content == expected[path], f"{path} differs: run `make generate` and commit"


def test_generation_is_deterministic_across_hash_seeds(fresh: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    result = _generate(out, "4242")
    assert result.returncode == 0, result.stderr
    assert _tree(out) == _tree(fresh)


def test_cached_generation_is_identical(fresh: Path, tmp_path: Path) -> None:
    """A cold cache is filled, a warm one is used; both give the uncached bytes."""
    cache = str(tmp_path / "cache")
    for attempt in ("cold", "warm"):
        out = tmp_path / attempt
        result = _generate(out, "7", cache)
        assert result.returncode == 0, result.stderr
        assert _tree(out) == _tree(fresh), attempt
    assert any((tmp_path / "cache").rglob("*")), "nothing was cached"


def test_oagen_check_passes_on_committed_output() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "check", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
