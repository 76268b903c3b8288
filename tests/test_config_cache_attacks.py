"""Config, cache and changelog under attack: NUL, empty, deeply nested, huge, non-UTF-8 or FIFO
config files; a cache entry swapped for a link or a FIFO; the mode and bytes of CHANGELOG.md.
Each ends in a located error or a miss, never a traceback or a hang."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from generator import cache
from generator.cli import EXIT_USAGE, main
from generator.review.release import prepend_changelog

from .test_output_attacks import SPEC, _finishes


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "project"
    (folder / "spec").mkdir(parents=True)
    (folder / "spec" / "api.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("HOME", str(tmp_path))
    return folder


# --- config values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[tool.oagen]\nspec = "spec/api.yaml"\noutput = "out\\u0000x"\n', "not a usable path"),
        ('[tool.oagen]\nspec = "spec/api.yaml"\nroot = "\\u0000"\n', "not a usable path"),
        ('[tool.oagen]\nspec = "spec/api.yaml"\noverlays = ["a\\u0000"]\n', "not a usable path"),
        ('[tool.oagen]\nspec = "spec/api.yaml"\noutput = ""\n', "not a usable path"),
        ("[tool.oagen]\nx = " + "[" * 50_000 + "]" * 50_000 + "\n", "nests arrays or tables"),
        ("[tool.oagen]\n" + "#" * (5 * 2**20) + "\n", "larger than 4 MiB"),
        (b"[tool.oagen]\n# \xff\n", "is not UTF-8"),
    ],
)
def test_hostile_config_values_are_located_errors(
    project: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, message: str
) -> None:
    config = project / "pyproject.toml"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text, encoding="utf-8")
    code = main(["generate", "-q"])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "E010" in err and message in err and "Traceback" not in err
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml", "spec"]


def test_a_config_that_is_a_fifo_is_not_opened(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.mkfifo(project / "oagen.toml")
    code = _finishes(lambda: main(["generate", "-q", "--config", "oagen.toml"]))
    assert code == EXIT_USAGE and "not a regular file" in capsys.readouterr().err


# --- the cache -----------------------------------------------------------------------------------


def test_a_cache_entry_replaced_by_a_link_or_fifo_is_a_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "cache"
    monkeypatch.setenv("OAGEN_CACHE_DIR", str(base))
    folder = cache.folder("attack", "1")
    entry = cache.key(b"a")
    cache.write(folder, entry, "x = 1\n")
    assert cache.read(folder, entry) == "x = 1\n"
    assert folder is not None
    stored = folder / entry[:2] / entry
    elsewhere = tmp_path / "elsewhere"
    os.replace(stored, elsewhere)
    stored.symlink_to(elsewhere)  # a valid signed entry, but only through a link
    assert cache.read(folder, entry) is None
    stored.unlink()
    os.mkfifo(stored)
    assert _finishes(lambda: cache.read(folder, entry)) is None


# --- the changelog -----------------------------------------------------------------------------


def test_the_changelog_keeps_its_mode_and_bytes_or_follows_the_umask(tmp_path: Path) -> None:
    fresh = tmp_path / "CHANGELOG.md"
    previous = os.umask(0o027)
    try:
        prepend_changelog(fresh, "## 1.0.1\n")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.lstat(fresh).st_mode) == 0o640  # mkstemp's 0600 before
    kept = tmp_path / "kept.md"
    kept.write_bytes(b"# Changelog\n\n## 1.0.0\nlatin-1: \xe9\n")
    os.chmod(kept, 0o664)
    prepend_changelog(kept, "## 1.0.1\n")
    assert stat.S_IMODE(os.lstat(kept).st_mode) == 0o664
    assert kept.read_bytes() == b"# Changelog\n\n## 1.0.1\n\n## 1.0.0\nlatin-1: \xe9\n"


def test_a_config_named_through_a_link_is_read(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "real.toml").write_text('[tool.oagen]\nspec = "nope.yaml"\n', encoding="utf-8")
    (project / "oagen.toml").symlink_to(project / "real.toml")
    code = main(["validate", "-q", "--config", "oagen.toml"])
    assert code == EXIT_USAGE and "nope.yaml" in capsys.readouterr().err
