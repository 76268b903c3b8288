"""A content-addressed cache of slow, pure results (black's output, validator findings).

Entries live in `$OAGEN_CACHE_DIR` (default `~/.cache/oagen`; `off` disables caching), keyed by a
hash of everything the result depends on, so a hit is exactly what recomputing would give and
output stays byte-identical. A cache that cannot be read or written only costs speed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def folder(kind: str, version: str) -> Path | None:
    """The cache folder for one kind of result computed by one version of a tool."""
    setting = os.environ.get("OAGEN_CACHE_DIR", "")
    if setting.lower() in ("off", "0", "none"):
        return None
    base = Path(setting) if setting else Path.home() / ".cache" / "oagen"
    return base / f"{kind}-{hashlib.sha256(version.encode()).hexdigest()[:16]}"


def key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def read(cache: Path | None, entry: str) -> str | None:
    if cache is None:
        return None
    try:
        return (cache / entry[:2] / entry).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write(cache: Path | None, entry: str, text: str) -> None:
    if cache is None:
        return
    target = cache / entry[:2]
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target / entry)  # atomic: readers never see half a file
    except OSError:
        pass
