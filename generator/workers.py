"""Run one function in a child process while this one goes on, under a time and memory budget.

A `Child` is a one-worker `concurrent.futures.ProcessPoolExecutor`. On Linux its context forks,
and the function and its arguments are the worker's initializer arguments, so they reach the
child with the fork: a loaded document is shared, not copied or pickled. Elsewhere the platform's
default context pickles them, and the result is the same.

`memory` caps the child's address space above what it starts with (RLIMIT_AS, where the platform
has it) and `collect(timeout=...)` stops waiting and ends the child. `outcome` then says which
budget ended it, so the caller reports it rather than redo unbounded work in its own process.
"""

from __future__ import annotations

import contextlib
import marshal
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal

Outcome = Literal["pending", "done", "failed", "out-of-memory", "timeout"]


def parallel() -> bool:
    """Whether a child can run beside this process: a second core."""
    return (os.cpu_count() or 1) > 1


def forks() -> bool:
    """Whether children are forked (sharing this process's memory) rather than started anew."""
    # macOS and Windows do not fork safely.
    return sys.platform.startswith("linux")


def _context() -> Any:
    # fork shares the loaded document with the child.
    return multiprocessing.get_context("fork" if forks() else None)


class Child:
    """A child computing `function(*arguments)`; `collect()` waits for it and returns its
    result, or None with `outcome` saying why."""

    outcome: Outcome = "pending"

    def __init__(
        self, function: Callable[..., Any], *arguments: Any, memory: int | None = None
    ) -> None:
        sys.stdout.flush()  # a forked child must not write this process's buffered output
        sys.stderr.flush()
        self.started = time.monotonic()
        self._pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=_context(),
            initializer=_receive,
            initargs=(function, arguments, memory, os.getpid()),
        )
        self._pid: Future[int] = self._pool.submit(os.getpid)
        self._result: Future[Any] = self._pool.submit(_compute)

    def collect(self, timeout: float | None = None) -> Any | None:
        """`timeout` counts from the start."""
        remaining = None if timeout is None else self.started + timeout - time.monotonic()
        try:
            result = self._result.result(timeout=None if remaining is None else max(0, remaining))
        except FutureTimeout:
            self.outcome = "timeout"
            self.cancel()
            return None
        except MemoryError:
            self.outcome = "out-of-memory"
            self.cancel()
            return None
        except Exception:  # the function failed, or the child died (BrokenProcessPool)
            self.outcome = "failed"
            self.cancel()
            return None
        self.outcome = "done"
        self._pool.shutdown()
        return result

    def cancel(self) -> None:
        """End the child now, whatever it is doing."""
        if not self._result.done():
            with contextlib.suppress(Exception):
                os.kill(self._pid.result(timeout=10), signal.SIGKILL)
        self._pool.shutdown(wait=True, cancel_futures=True)


class Standby:
    """A child started before its work is known: it runs `prepare()` (slow imports, say) while
    this process goes on, then `function(job)` on the job `send` gives it. The job travels as
    marshal bytes through a pipe, so it must be plain data (marshal copies a few megabytes of a
    parsed document in milliseconds, and keeps objects shared where they were)."""

    def __init__(
        self,
        prepare: Callable[[], Any],
        function: Callable[[Any], Any],
        memory: int | None = None,
    ) -> None:
        receiver, self._sender = _context().Pipe(duplex=False)
        self._sending = False
        try:
            self.child = Child(_run_standby, prepare, function, receiver, memory=memory)
        finally:
            receiver.close()  # the child holds its own end

    def send(self, job: Any) -> Child:
        """Give the child its job (ValueError when it is not plain data); the bytes are written
        by a thread, so this process goes on while the child is still preparing."""
        data = marshal.dumps(job)
        self._sending = True
        threading.Thread(target=self._write, args=(data,), daemon=True).start()
        return self.child

    def _write(self, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the child was ended meanwhile
            self._sender.send_bytes(data)
        self._sender.close()

    def discard(self) -> None:
        """End the child unless it was sent its job."""
        if not self._sending:
            self.cancel()

    def cancel(self) -> None:
        self.child.cancel()
        if not self._sending:  # else the writer closes it: its descriptor must not be reused
            self._sender.close()


def _run_standby(  # pragma: no cover - runs in the child
    prepare: Callable[[], Any], function: Callable[[Any], Any], receiver: Any
) -> Any:
    prepare()
    job = marshal.loads(receiver.recv_bytes())
    return function(job)


# The child's work, set by the initializer: a worker serves one Child only.
_received: tuple[Callable[..., Any], tuple[Any, ...]] | None = None


def _receive(  # pragma: no cover - runs in the child
    function: Callable[..., Any], arguments: tuple[Any, ...], memory: int | None, parent: int
) -> None:
    global _received
    _received = (function, arguments)
    if memory is not None:
        _limit_address_space(memory)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: int) -> None:  # pragma: no cover - runs in the child
    """A pool's worker waits for work until its pool says stop; if this process's parent is
    killed, nobody will. The worker was forked holding the parent's files (the output folder's
    lock among them): it must not outlive the parent, or the next run waits on that lock."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _compute() -> Any:  # pragma: no cover - runs in the child
    assert _received is not None
    function, arguments = _received
    return function(*arguments)


def _limit_address_space(extra: int) -> None:  # pragma: no cover - runs in the child
    """Cap the address space at what this process already maps plus `extra` bytes."""
    try:
        import resource
    except ImportError:  # not on this platform: the time budget still holds
        return
    mapped = 0
    with contextlib.suppress(OSError, ValueError), open("/proc/self/statm", "rb") as statm:
        mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + extra
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def map_shared(function: Callable[[Any], Any], shares: list[Any], processes: int) -> list[Any]:
    """`[function(share) for share in shares]`, computed by `processes` child processes that
    take the shares one at a time (the pool balances the work; no estimate of each share's
    cost is needed). With fork, the shares reach the children with the fork; only results are
    pickled. Raises what the pool raises when a child dies (BrokenProcessPool)."""
    return Shared(function, shares, processes).results()


class Shared:
    """`map_shared` started now and collected later, so this process works meanwhile."""

    def __init__(self, function: Callable[[Any], Any], shares: list[Any], processes: int) -> None:
        sys.stdout.flush()  # a forked child must not write this process's buffered output
        sys.stderr.flush()
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=_context(),
            initializer=_receive,
            initargs=(function, (shares,), None, os.getpid()),
        )
        self._results = self._pool.map(_compute_share, range(len(shares)))

    def results(self) -> list[Any]:
        """What the children computed, in the order of the shares (raises what they raised)."""
        try:
            return list(self._results)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _compute_share(index: int) -> Any:  # pragma: no cover - runs in the child
    assert _received is not None
    function, (shares,) = _received
    return function(shares[index])
