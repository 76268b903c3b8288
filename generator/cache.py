"""A content-addressed cache of slow, pure results (black's output, validator findings).

Entries live in `$OAGEN_CACHE_DIR` (default `~/.cache/oagen`; `off` disables caching), keyed by a
hash of everything the result depends on, so a hit is exactly what recomputing would give and
output stays byte-identical. A cache that cannot be read or written only costs speed.

A cached result becomes generated code, so a forged entry would be code run by whoever imports
the client. Each entry is signed with an HMAC under a per-user secret key (`secret.key`, mode
0600, in the cache folder); an entry whose signature does not verify is a miss. A plain hash
would not do: whoever can write an entry can write its hash too. The cache folder itself must be
owned by the user and writable by nobody else, or it is not used at all (a shared, writable
cache folder would let others replace the key).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

from generator.load.plainfile import read_regular

_KEY_FILE = "secret.key"
_ENTRY_LIMIT = 256 * 2**20  # bytes; a formatted module of a large API is a few MB
_KEY_BYTES = 32
_SIGNATURE = b"oagen-hmac-sha256 "  # first line of an entry: this, the hex signature, a newline


def folder(kind: str, version: str) -> Path | None:
    """The cache folder for one kind of result computed by one version of a tool; None when
    caching is off or the cache folder is not safe to use."""
    setting = os.environ.get("OAGEN_CACHE_DIR", "")
    if setting.lower() in ("off", "0", "none"):
        return None
    base = Path(setting) if setting else Path.home() / ".cache" / "oagen"
    if _secret(str(base.absolute())) is None:
        return None
    # The entry format is part of the folder name: an older oagen sharing this cache folder
    # never reads a signed entry (it would take the signature line for the result).
    tagged = f"{version}|{_SIGNATURE.decode().strip()}"
    return base / f"{kind}-{hashlib.sha256(tagged.encode()).hexdigest()[:16]}"


def key(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def read(cache: Path | None, entry: str) -> str | None:
    if cache is None:
        return None
    secret = _secret(str(cache.parent.absolute()))
    try:  # never through a link or from a FIFO swapped in for an entry, never unbounded
        data = read_regular(cache / entry[:2] / entry, _ENTRY_LIMIT)
    except OSError:
        return None
    header, newline, content = data.partition(b"\n")
    if secret is None or not newline or not header.startswith(_SIGNATURE):
        return None
    expected = _sign(secret, entry, content).encode("ascii")
    if not hmac.compare_digest(header[len(_SIGNATURE) :], expected):
        return None  # forged, corrupted, or written under another key: recompute
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return None


def write(cache: Path | None, entry: str, text: str) -> None:
    if cache is None:
        return
    secret = _secret(str(cache.parent.absolute()))
    if secret is None:
        return
    content = text.encode("utf-8")
    data = _SIGNATURE + _sign(secret, entry, content).encode("ascii") + b"\n" + content
    target = cache / entry[:2]
    try:
        target.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target / entry)  # atomic: readers never see half a file
    except OSError:
        pass


def _sign(secret: bytes, entry: str, content: bytes) -> str:
    return hmac.new(
        secret, entry.encode("ascii", "replace") + b"\0" + content, hashlib.sha256
    ).hexdigest()


@functools.cache
def _secret(base: str) -> bytes | None:
    """The cache folder's key, created on first use; None when the folder is not the user's
    alone (owned by another user, or writable by group or others) or the key is not private."""
    folder = Path(base)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.stat(folder)
    except OSError:
        return None
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.geteuid()
        or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    ):
        return None
    path = folder / _KEY_FILE
    secret = _read_key(path)
    if secret is None and not os.path.lexists(path):
        _create_key(folder, path)
        secret = _read_key(path)
    return secret


def _read_key(path: Path) -> bytes | None:
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.geteuid()
            or info.st_mode & 0o077
            or info.st_size != _KEY_BYTES
        ):
            return None
        secret = os.read(descriptor, _KEY_BYTES)
    finally:
        os.close(descriptor)
    return secret if len(secret) == _KEY_BYTES else None


def _create_key(folder: Path, path: Path) -> None:
    """A new key, complete before it appears (linked into place, so a concurrent run that made
    its own first keeps its own and both then read the same file)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=folder)  # mode 0600
    except OSError:
        return
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(secrets.token_bytes(_KEY_BYTES))
        os.link(temporary, path)
    except OSError:
        pass
    finally:
        os.unlink(temporary)
