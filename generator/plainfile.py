"""Reading a file that the output folder, the cache or a journal holds, where anyone may have put
a link, a FIFO or a device in its place: only a regular file is read, never through a link,
never blocking, and never past a size limit."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of `path`, which must be a regular file (not a symbolic link, FIFO, device or
    socket) of at most `limit` bytes; OSError otherwise (ELOOP for a link)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"larger than {_shown(limit)}", str(path))
        chunks, size = [], 0
        while chunk := os.read(descriptor, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # checked on what is read: the file may grow meanwhile
                raise OSError(errno.EFBIG, f"larger than {_shown(limit)}", str(path))
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def _shown(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"
