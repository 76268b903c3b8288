"""Reading a file that the output folder, the cache or a journal holds, where anyone may have put
a link, a FIFO or a device in its place: only a regular file is read, never through a link,
never blocking, and never past a size limit."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path


class NotRegularFile(OSError):
    """A device, FIFO, socket or anything else that is not a regular file (errno EINVAL)."""


class FileTooLarge(OSError):
    """A file larger than the limit (errno EFBIG)."""


def read_regular(
    path: Path,
    limit: int,
    *,
    follow: bool = False,
    check: Callable[[os.stat_result], None] | None = None,
) -> bytes:
    """The bytes of `path`, which must be a regular file (not a symbolic link, FIFO, device or
    socket) of at most `limit` bytes; OSError otherwise (ELOOP for a link). With `follow`, a
    link at the end of `path` is followed. `check`, given the opened file's status before it is
    read, may raise to refuse it."""
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | (0 if follow else os.O_NOFOLLOW)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise FileTooLarge(errno.EFBIG, f"larger than {_shown(limit)}", str(path))
        if check is not None:
            check(info)
        chunks, size = [], 0
        while chunk := os.read(descriptor, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # checked on what is read: the file may grow meanwhile
                raise FileTooLarge(errno.EFBIG, f"larger than {_shown(limit)}", str(path))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _shown(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"


def spec_file_problem(path: Path) -> str | None:
    """Why `path` cannot be a spec file the user names (None when it is a regular file), as a
    phrase for `error E001 file ...: PATH`; never raises (a name too long for the system, a
    loop of links)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "not found"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISDIR(info.st_mode):
        return "a directory, not a spec file"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a device, FIFO or socket)"
    return None
