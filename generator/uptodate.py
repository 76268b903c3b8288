"""Skipping a generation whose output already is what it would write.

After a generation, a record is cached (signed, like every entry of `cache.py`) under a key made
of everything the output depends on: the spec's bytes, the overlays, the effective config, the
custom templates, oagen itself and the installed libraries (`fingerprint.py`), and the output
folder. It holds the digest of the manifest written, the other files the run read (through
`$ref`) with their digests, and the diagnostics printed. A later run with the same key checks
those files, the manifest and every file the manifest lists (by content, never through a link);
when all match, the output is exactly what generating would write, so the run only prints the
recorded diagnostics. Any mismatch is a plain miss: the run generates as usual.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import cache, fingerprint
from generator.config import Config
from generator.load.plainfile import read_regular

_FORMAT = "uptodate-2"
_INPUT_LIMIT = 64 * 2**20  # bytes of any one input, as the loader allows
_OUTPUT_LIMIT = 256 * 2**20  # bytes of one generated file
_MANIFEST = ".oagen-manifest.json"  # swap.MANIFEST, not imported: swap is not needed here
_MANIFEST_LIMIT = 64 * 2**20


@dataclass(frozen=True, slots=True)
class Record:
    """What a generation printed: (severity, formatted line) per diagnostic, and the counts of
    its summary line: operations generated, operations in the spec, models, named schemas,
    warnings, errors."""

    diagnostics: tuple[tuple[int, str], ...]
    complete: bool  # False: a quiet run's, which printed (and located) only its errors
    counts: tuple[int, ...]
    inputs: tuple[Path, ...] = ()  # the files the generation read (the spec and `$ref`d files)


def input_key(config: Config, output: Path) -> str | None:
    """The key of this generation's inputs; None when caching is off (nothing is recorded or
    checked, so the inputs are not hashed) or when one cannot be read (the run then fails or
    succeeds on its own, without the shortcut)."""
    assert config.spec is not None
    if _store() is None:
        return None
    parts = [_FORMAT.encode(), fingerprint.tool().encode(), repr(config).encode()]
    try:
        parts.append(_digest(config.spec).encode())
        parts.extend(_digest(overlay).encode() for overlay in config.overlays)
        if config.templates is not None:
            parts.append(fingerprint.folder(config.templates).encode())
    except OSError:
        return None
    parts.append(os.fsencode(os.path.realpath(output)))
    return cache.key(*parts)


def check(key: str, output: Path) -> Record | None:
    """The recorded run when the output is still exactly what it wrote, else None."""
    text = cache.read(_store(), key)
    if text is None:
        return None
    try:
        saved = json.loads(text)
        manifest_digest: str = saved["manifest"]
        inputs: list[list[str]] = saved["inputs"]
        editable: list[str] = saved.get("editable", [])
        record = Record(
            tuple((int(severity), str(line)) for severity, line in saved["diagnostics"]),
            saved["complete"] is True,
            tuple(int(count) for count in saved["counts"]),
            tuple(Path(path) for path, _digest in inputs),
        )
    except (ValueError, KeyError, TypeError):
        return None
    try:
        if any(_digest(Path(path)) != digest for path, digest in inputs):
            return None
        manifest = read_regular(output / _MANIFEST, _MANIFEST_LIMIT)
    except OSError:
        return None
    if hashlib.sha256(manifest).hexdigest() != manifest_digest:
        return None
    if not all(isinstance(path, str) and os.path.lexists(output / path) for path in editable):
        return None
    return record if _files_match(output, manifest) else None


def record(
    key: str,
    output: Path,
    inputs: list[Path],
    diagnostics: list[tuple[int, str]],
    complete: bool,
    counts: tuple[int, ...],
    editable: list[str] = [],  # noqa: B006 - read only
) -> None:
    """Remember a generation that wrote `output`; `inputs` are the other files it read,
    `editable` the files it writes only where missing (a run must write one that is gone)."""
    try:
        manifest = read_regular(output / _MANIFEST, _MANIFEST_LIMIT)
        read = sorted({str(path): _digest(path) for path in inputs}.items())
    except OSError:
        return
    entry = {
        "manifest": hashlib.sha256(manifest).hexdigest(),
        "inputs": read,
        "diagnostics": diagnostics,
        "complete": complete,
        "counts": list(counts),
        "editable": list(editable),
    }
    cache.write(_store(), key, json.dumps(entry))


def _store() -> Path | None:
    return cache.folder("uptodate", _FORMAT)


def _digest(path: Path) -> str:
    return hashlib.sha256(read_regular(Path(os.path.realpath(path)), _INPUT_LIMIT)).hexdigest()


def _files_match(output: Path, manifest: bytes) -> bool:
    """Whether every file the manifest lists is a regular file inside `output`, reached through
    real folders only, holding the content whose digest the manifest gives."""
    try:
        document: Any = json.loads(manifest)
        files: dict[str, str] = document["files"]
        if not isinstance(files, dict):
            return False
    except (ValueError, KeyError, TypeError, RecursionError):
        return False
    folders: set[str] = set()
    for path in files:
        parts = path.split("/")
        if any(part in ("", ".", "..") for part in parts) or "\\" in path or "\0" in path:
            return False
        folders.update("/".join(parts[:depth]) for depth in range(1, len(parts)))
    try:
        for folder in folders:
            if not stat.S_ISDIR(os.lstat(output / folder).st_mode):
                return False  # a link (or a file) where oagen wrote a folder
        for path, digest in files.items():
            if hashlib.sha256(read_regular(output / path, _OUTPUT_LIMIT)).hexdigest() != digest:
                return False
    except OSError:
        return False
    return True
