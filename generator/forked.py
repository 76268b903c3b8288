"""Run one function in a forked child while the parent goes on, and collect its result later.

Validation is pure Python and independent of generation, so on a machine with a second core it
runs beside build, render and format instead of before them. A fork shares the loaded document
with the child for free (nothing is pickled on the way in); the child sends back JSON. Where fork
is unavailable, or the child fails in any way, `collect` returns None and the caller does the
work itself, so the result never depends on whether the child ran.

`Awaiting` forks before its input exists, so the child can import what it needs while this
process loads the document, which then reaches it over a pipe.

A child may be given budgets: `memory` caps its address space (RLIMIT_AS, above what it inherits)
and `collect(timeout=...)` stops waiting and kills it. `outcome` then says which budget ended it,
so the caller can report it rather than redo unbounded work in its own process.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import select
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Literal

Outcome = Literal["pending", "done", "failed", "out-of-memory", "timeout"]
_OUT_OF_MEMORY = 3  # the child's exit status when its memory budget stopped it


def available() -> bool:
    return hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1


class Forked:
    """A child computing `function()`; `collect()` waits for it and returns its result."""

    outcome: Outcome = "pending"

    def __init__(self, function: Callable[[], Any], *, memory: int | None = None) -> None:
        self._start(lambda _inbox: function(), inbox=None, memory=memory)

    def _start(
        self, compute: Callable[[int | None], Any], inbox: int | None, memory: int | None
    ) -> None:
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.started = time.monotonic()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child; its coverage is not collected
            os.close(read_end)
            status = 1
            try:
                if memory is not None:
                    _limit_address_space(memory)
                payload = json.dumps(compute(inbox)).encode("utf-8", "surrogatepass")
                with os.fdopen(write_end, "wb") as out:
                    out.write(payload)
                status = 0
            except MemoryError:
                status = _OUT_OF_MEMORY
            finally:
                os._exit(status)
        os.close(write_end)
        self.read_end = read_end

    def collect(self, timeout: float | None = None) -> Any | None:
        """The child's result, or None with `outcome` saying why (the child is gone either
        way). `timeout` counts from the fork."""
        deadline = None if timeout is None else self.started + timeout
        chunks = []
        late = False
        with os.fdopen(self.read_end, "rb", buffering=0) as stream:
            while True:
                if deadline is not None:
                    ready, _, _ = select.select(
                        [stream], [], [], max(0.0, deadline - time.monotonic())
                    )
                    if not ready:
                        late = True
                        break
                chunk = stream.read(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        if late:
            self._kill()
            self.outcome = "timeout"
            return None
        _, status = os.waitpid(self.pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _OUT_OF_MEMORY:
            self.outcome = "out-of-memory"
            return None
        if status != 0 or not chunks:
            self.outcome = "failed"
            return None
        try:
            result = json.loads(b"".join(chunks).decode("utf-8", "surrogatepass"))
        except ValueError:
            self.outcome = "failed"
            return None
        self.outcome = "done"
        return result

    def cancel(self) -> None:
        self._kill()
        with contextlib.suppress(OSError):
            os.close(self.read_end)

    def _kill(self) -> None:
        import signal

        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


def _limit_address_space(extra: int) -> None:  # pragma: no cover - runs in the child
    """Cap the address space at what this process already maps plus `extra` bytes."""
    import resource

    mapped = 0
    with contextlib.suppress(OSError, ValueError), open("/proc/self/statm", "rb") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Awaiting(Forked):
    """A child forked before its input exists: it runs `prepare()` (imports, say) while this
    process is still busy, then waits for `send(value)` and computes `function(value)`. The
    value travels over a pipe in marshal's format (plain data: dict, list, str, numbers, bool,
    None, bytes, set). `send` returns False when the value cannot be sent; the child then exits
    and the caller does the work some other way."""

    def __init__(
        self,
        prepare: Callable[[], None],
        function: Callable[[Any], Any],
        *,
        memory: int | None = None,
    ) -> None:
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

        self._start(compute, inbox, memory)
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
                    view = view[os.write(outbox, view[: 1 << 20]) :]
            with contextlib.suppress(OSError):
                os.close(outbox)

        self._sender = threading.Thread(target=write_all, daemon=True)
        self._sender.start()
        return True

    def collect(self, timeout: float | None = None) -> Any | None:
        if self._outbox >= 0:  # never sent: the child has no input
            self.cancel()
            self.outcome = "failed"
            return None
        result = super().collect(timeout)
        if self._sender is not None:
            self._sender.join()
        return result

    def cancel(self) -> None:
        if self._outbox >= 0:
            with contextlib.suppress(OSError):
                os.close(self._outbox)
            self._outbox = -1
        super().cancel()
