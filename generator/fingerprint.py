"""Fingerprints of what a generation depends on besides the spec: oagen's own code, templates and
runtime, and the installed libraries.

A cache keyed by these is invalidated by any change to oagen (an edit of a template or of the
generator in a checkout, not only a new version) or to the environment's distributions (a new
black formats differently). Kept cheap and free of heavy imports: the up-to-date check reads it
before anything else.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
from pathlib import Path

GENERATOR_DIR = Path(__file__).parent
_SOURCE_SUFFIXES = (".py", ".j2")


@functools.cache
def tool() -> str:
    """A hash of every source and template file of oagen, the Python version and the names (with
    versions) of the distributions installed beside oagen's libraries."""
    digest = hashlib.sha256(sys.version.encode())
    for path in _tool_files():
        digest.update(path.relative_to(path.anchor).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for name in _distributions():
        digest.update(name.encode() + b"\0")
    return digest.hexdigest()


def folder(path: Path) -> str:
    """A hash of the names and contents of the files under `path` (a custom templates folder)."""
    digest = hashlib.sha256()
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            file = Path(root, name)
            digest.update(file.relative_to(path).as_posix().encode("utf-8", "surrogateescape"))
            try:
                digest.update(b"\0" + hashlib.sha256(file.read_bytes()).digest())
            except OSError:
                digest.update(b"\0unreadable")
    return digest.hexdigest()


def _tool_files() -> list[Path]:
    found: list[Path] = []
    # The built-in templates may be a link to a folder beside the package: followed.
    for root, dirs, names in os.walk(GENERATOR_DIR, followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found.extend(Path(root, n) for n in sorted(names) if n.endswith(_SOURCE_SUFFIXES))
    return found


def _distributions() -> list[str]:
    """`name-version.dist-info` entries of every folder on the import path: a version change of
    any installed library (black, jinja2, the validator, the YAML readers) changes the list."""
    names: set[str] = set()
    # The first entry is the script's folder, or the current one for `-c` and `-m`, not where
    # libraries are installed: counted, it would make the fingerprint depend on where oagen
    # was started from (a checkout's `oagen.egg-info`), and no cache made elsewhere would match.
    for entry in sys.path if sys.flags.safe_path else sys.path[1:]:
        try:
            with os.scandir(entry or ".") as listing:
                names.update(
                    item.name for item in listing if item.name.endswith((".dist-info", ".egg-info"))
                )
        except OSError:
            continue
    return sorted(names)
