"""Run one function in a forked child while the parent goes on, and collect its result later.

Validation is pure Python and independent of generation, so on a machine with a second core it
runs beside build, render and format instead of before them. A fork shares the loaded document
with the child for free (nothing is pickled on the way in); the child sends back JSON. Where fork
is unavailable, or the child fails in any way, `collect` returns None and the caller does the
work itself, so the result never depends on whether the child ran.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from typing import Any


def available() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1


class Forked:
    """A child computing `function()`; `collect()` waits for it and returns its result."""

    def __init__(self, function: Callable[[], Any]) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child; its coverage is not collected
            os.close(read_end)
            status = 1
            try:
                payload = json.dumps(function()).encode("utf-8", "surrogatepass")
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.read_end = read_end

    def collect(self) -> Any | None:
        chunks = []
        with os.fdopen(self.read_end, "rb") as stream:
            while chunk := stream.read(1 << 16):
                chunks.append(chunk)
        _, status = os.waitpid(self.pid, 0)
        if status != 0 or not chunks:
            return None
        try:
            return json.loads(b"".join(chunks).decode("utf-8", "surrogatepass"))
        except ValueError:
            return None

    def cancel(self) -> None:
        import signal

        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.read_end)
