"""One oagen run at a time per output folder: an exclusive lock on `.<name>.oagen-lock` beside it.

`oagen watch` and `make generate` writing the same folder would otherwise swap it under each other.
The lock file sits in the output's parent (the output itself is replaced by a rename, so a lock
inside it would not be shared), is opened without following a symlink, and is removed on release;
a run that locked a file another run had just removed checks the inode and locks again.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

DEFAULT_TIMEOUT = 120.0  # seconds; OAGEN_LOCK_TIMEOUT overrides
_POLL = 0.05
_NOT_PLAIN = "{path} is not a plain file; oagen's lock file must be one: remove it and run again"


class LockError(Exception):
    """The lock could not be taken (timeout, or the lock path is not a plain file)."""


def lock_path(output: Path) -> Path:
    return output.parent / f".{output.name}.oagen-lock"


def timeout_setting() -> float:
    try:
        value = float(os.environ.get("OAGEN_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value >= 0 else DEFAULT_TIMEOUT


@contextmanager
def locked(
    output: Path, waiting: Callable[[str], None], timeout: float | None = None
) -> Iterator[None]:
    """Hold the lock of `output` (an absolute, resolved path) for the duration of the block."""
    limit = timeout_setting() if timeout is None else timeout
    path = lock_path(output)
    created = [
        folder for folder in (output.parent, *output.parent.parents) if not os.path.lexists(folder)
    ]
    try:
        try:
            output.parent.mkdir(parents=True, exist_ok=True)
            descriptor = _acquire(path, output, limit, waiting)
        except OSError as error:  # a read-only filesystem, a folder we may not write in
            raise LockError(
                f"cannot create the folder {error.filename} for {output}: "
                f"{error.strerror}; choose an output where you may write"
            ) from None
        try:  # an OSError of the block itself is its own, not the lock's
            yield
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)  # while still holding it: a waiter re-checks the inode
            os.close(descriptor)
    finally:
        for folder in created:  # deepest first; a run that wrote nothing leaves no folder
            with contextlib.suppress(OSError):
                os.rmdir(folder)


def _acquire(path: Path, output: Path, limit: float, waiting: Callable[[str], None]) -> int:
    deadline = time.monotonic() + limit
    told = False
    while True:
        descriptor = _open(path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            if not told:
                waiting(f"another oagen run is writing {output}; waiting (up to {limit:g} s)")
                told = True
            if time.monotonic() >= deadline:
                raise LockError(
                    f"another oagen run is still writing {output} after {limit:g} s; wait for it "
                    f"to finish (or, if none is running, delete {path}) and run again; "
                    "OAGEN_LOCK_TIMEOUT sets the wait in seconds"
                ) from None
            time.sleep(_POLL)
            continue
        if _same_file(descriptor, path):
            return descriptor
        os.close(descriptor)  # the holder removed this file as we locked it: lock the new one


def _open(path: Path) -> int:
    """The lock file, opened without following a link or blocking (a FIFO put in its place
    would block an open; a device's open can act on the device), and only if it is a file."""
    with contextlib.suppress(OSError):
        if not stat.S_ISREG(os.lstat(path).st_mode) and not os.path.islink(path):
            raise LockError(_NOT_PLAIN.format(path=path))
    try:
        descriptor = os.open(
            path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o600
        )
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise LockError(
                f"{path} is a symbolic link; oagen's lock file must be a plain "
                "file: remove the link and run again"
            ) from None
        raise LockError(
            f"cannot create the lock file {path}: {exc.strerror}; oagen writes its "
            f"lock, staging folder and journal beside the output, in {path.parent}: "
            "choose an output in a folder you may write to"
        ) from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise LockError(_NOT_PLAIN.format(path=path))
    return descriptor


def _same_file(descriptor: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
