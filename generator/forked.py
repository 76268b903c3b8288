"""Run one function in a forked child while the parent goes on, and collect its result later.

Validation is pure Python and independent of generation, so on a machine with a second core it
runs beside build, render and format instead of before them. A fork shares the loaded document
with the child for free (nothing is pickled on the way in); the child sends back JSON. Where fork
is unavailable, or the child fails in any way, `collect` returns None and the caller does the
work itself, so the result never depends on whether the child ran.

`Awaiting` forks before its input exists, so the child can import what it needs while this
process loads the document, which then reaches it over a pipe.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import sys
import threading
from collections.abc import Callable
from typing import Any


def available() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1


class Forked:
    """A child computing `function()`; `collect()` waits for it and returns its result."""

    def __init__(self, function: Callable[[], Any]) -> None:
        self._start(lambda _inbox: function(), inbox=None)

    def _start(self, compute: Callable[[int | None], Any], inbox: int | None) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child; its coverage is not collected
            os.close(read_end)
            status = 1
            try:
                payload = json.dumps(compute(inbox)).encode("utf-8", "surrogatepass")
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


class Awaiting(Forked):
    """A child forked before its input exists: it runs `prepare()` (imports, say) while this
    process is still busy, then waits for `send(value)` and computes `function(value)`. The
    value travels over a pipe in marshal's format (plain data: dict, list, str, numbers, bool,
    None, bytes, set). `send` returns False when the value cannot be sent; the child then exits
    and the caller does the work some other way."""

    def __init__(self, prepare: Callable[[], None], function: Callable[[Any], Any]) -> None:
        inbox, self._outbox = os.pipe()

        def compute(inbox: int | None) -> Any:
            assert inbox is not None
            os.close(self._outbox)
            prepare()
            with os.fdopen(inbox, "rb") as stream:
                header = stream.read(8)
                if len(header) < 8:
                    os._exit(0)  # cancelled before any input: nothing to report
                data = stream.read(int.from_bytes(header, "little"))
            return function(marshal.loads(data))

        self._start(compute, inbox)
        os.close(inbox)
        self._sender: threading.Thread | None = None

    def send(self, value: Any) -> bool:
        try:
            body = marshal.dumps(value)
        except (ValueError, RecursionError):  # not plain data, or nested too deep
            self.cancel()
            return False
        # Length first: a child forked later holds a copy of this pipe's write end, so the
        # reader cannot wait for end of file.
        data = len(body).to_bytes(8, "little") + body
        outbox, self._outbox = self._outbox, -1

        def write_all() -> None:
            # A thread, because the child reads only once `prepare` is done and the pipe holds
            # far less than a document: this process goes on meanwhile.
            view = memoryview(data)
            with contextlib.suppress(OSError):
                while view:
                    view = view[os.write(outbox, view[:1 << 20]):]
            with contextlib.suppress(OSError):
                os.close(outbox)

        self._sender = threading.Thread(target=write_all, daemon=True)
        self._sender.start()
        return True

    def collect(self) -> Any | None:
        if self._outbox >= 0:  # never sent: the child has no input
            self.cancel()
            return None
        result = super().collect()
        if self._sender is not None:
            self._sender.join()
        return result

    def cancel(self) -> None:
        if self._outbox >= 0:
            with contextlib.suppress(OSError):
                os.close(self._outbox)
            self._outbox = -1
        super().cancel()
