"""The content cache signs its entries: a forged entry (code with a canary) is never used, the
output stays byte-identical to a cold run, and a cache folder others could write is not used.

A custom template makes one file go through black, so the black cache is on the path; the
validator's findings are cached too. Each test runs generate in subprocesses with its own
OAGEN_CACHE_DIR.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cache
from generator.render.package import template_dirs

from .conftest import REPO
from .support.specs import PETS_SPEC

SPEC = PETS_SPEC
CANARY = 'CANARY = "poisoned"\n'


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pets.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    custom = tmp_path / "templates" / "package"
    custom.mkdir(parents=True)
    shutil.copy(template_dirs()[0] / "package" / "__init__.py.j2", custom / "__init__.py.j2")
    return tmp_path


def _generate(folder: Path, output: str, cache_dir: Path) -> dict[str, bytes]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "pets.yaml",
            "-o",
            output,
            "--config",
            "empty.toml",
            "--templates",
            "templates",
            "-q",
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": str(cache_dir)},
    )
    assert result.returncode == 0, result.stderr
    root = folder / output
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(p for p in cache_dir.glob("*-*/??/*") if p.is_file())


def _black_entries(cache_dir: Path) -> list[Path]:
    return [p for p in _entries(cache_dir) if p.parts[-3].startswith("black-")]


def _signed(secret: bytes, entry: Path, text: str) -> bytes:
    content = text.encode("utf-8")
    return (
        b"oagen-hmac-sha256 " + cache._sign(secret, entry.name, content).encode() + b"\n" + content
    )


def test_forged_entries_are_not_used_and_the_output_matches_a_cold_run(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    store = tmp_path / "cache"
    cold = _generate(folder, "cold", store)
    assert _black_entries(store), "the custom template's file should go through black's cache"
    assert not any(b"poisoned" in content for content in cold.values())
    stranger = secrets.token_bytes(32)
    for number, entry in enumerate(_entries(store)):
        forged = CANARY if entry.parts[-3].startswith("black-") else '[["error", "E999"]]'
        # unsigned (as an older oagen wrote them, or an attacker), or signed with another key
        entry.write_bytes(forged.encode() if number % 2 else _signed(stranger, entry, forged))
    assert _generate(folder, "warm", store) == cold


def test_a_correctly_signed_entry_is_used(tmp_path: Path) -> None:
    """The control: the cache is on the path, so the test above can fail."""
    folder = _project(tmp_path)
    store = tmp_path / "cache"
    _generate(folder, "cold", store)
    secret = (store / "secret.key").read_bytes()
    for entry in _black_entries(store):
        entry.write_bytes(_signed(secret, entry, CANARY))
    warm = _generate(folder, "warm", store)
    assert any(content == CANARY.encode() for content in warm.values())


def test_a_key_others_can_read_is_not_trusted(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    store = tmp_path / "cache"
    cold = _generate(folder, "cold", store)
    secret = (store / "secret.key").read_bytes()
    for entry in _black_entries(store):
        entry.write_bytes(_signed(secret, entry, CANARY))
    os.chmod(store / "secret.key", 0o644)
    assert _generate(folder, "warm", store) == cold


def test_a_cache_folder_others_can_write_is_not_used(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    store = tmp_path / "shared-cache"
    store.mkdir()
    os.chmod(store, 0o777)
    cold = _generate(folder, "cold", store)
    assert list(store.iterdir()) == []  # no key, no entries: caching is off
    assert _generate(folder, "again", store) == cold


def test_signed_entries_live_apart_from_an_older_oagens_unsigned_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An older oagen sharing the cache folder read a signed entry as its result (a validator
    finding list that was not JSON: a traceback). The format is part of the folder name."""
    monkeypatch.setenv("OAGEN_CACHE_DIR", str(tmp_path / "cache"))
    older = "black-" + hashlib.sha256(b"24.1|mode").hexdigest()[:16]
    current = cache.folder("black", "24.1|mode")
    assert current is not None and current.name.startswith("black-")
    assert current.name != older
