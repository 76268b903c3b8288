"""Start and stop the Stoplight Prism mock server from tests.

Prism (npm ``@stoplight/prism-cli``) is a project dependency pinned in the repository's
``package.json``/``package-lock.json``; ``npm ci`` installs it into ``node_modules/``.
:func:`prism_binary` finds it, :class:`PrismServer` runs ``prism mock`` on a spec for the
duration of a ``with`` block.

Behaviour of the pinned Prism (5.14.2; 5.15+ needs Node >= 24), checked against its source
and by running it:

* A request that violates the spec (missing required parameter, body missing a required
  property, wrong type, ...) is **always** rejected in mock mode, with or without
  ``--errors``.  Prism looks for a ``422``, then a ``400``, then a ``default`` response
  declared on the operation and mocks that one; if none is declared it answers
  ``422 Unprocessable Entity`` with an ``application/problem+json`` body whose
  ``validation`` array lists the violations (see :func:`problem_violations`).
  In that generated-422 case there is **no** ``sl-violations`` header.  When the spec
  declares the 422/400/default response, Prism mocks it and *does* add the
  ``sl-violations`` header listing the request violations.
* ``sl-violations`` (see :func:`violations`) also reports violations of the *mocked
  response* against the spec (e.g. a spec ``example`` that contradicts its schema), with
  the normal status code.  ``--errors`` (``errors=True``) turns such response violations
  of severity Error into ``500`` ``application/problem+json`` (type ``...#VIOLATIONS``)
  while keeping the header.  It does not change the handling of invalid requests, so it
  is off by default (dynamic generation could otherwise make a test flaky).
* Status code: without a preference Prism mocks the lowest ``2XX`` response (string
  order), else ``default``, else the first one.  ``Prefer: code=404`` (or the
  ``__code=404`` query parameter) forces a declared status; an undeclared one gives a
  ``404`` problem.  ``Prefer: example=<key>`` picks a named example, ``Prefer:
  dynamic=true|false`` overrides ``-d`` per request, ``Prefer: seed=<s>`` makes dynamic
  output deterministic.  When a ``Prefer`` header is present the ``__code``/``__example``/
  ``__dynamic``/``__seed`` query parameters are ignored.
* Media type: chosen from the request's ``Accept`` header among the response's content
  types (``406`` if none fits).  ``Accept: */*`` (httpx's and curl's default) takes the
  *first* content type declared; with no ``Accept`` header at all Prism prefers a ``*/*``
  entry, then ``application/json``, then the first one.  ``Prefer`` cannot choose the
  media type: send ``Accept``.
* Dynamic mode (``-d``) uses json-schema-faker with ``fillProperties`` on: objects whose
  schema does not say ``additionalProperties: false`` get random extra properties, and
  optional properties are always filled.  Pass
  ``extra_args=["--json-schema-faker-fillProperties=false"]`` (or put
  ``x-json-schema-faker: {fillProperties: false}`` at the spec's top level) to stop that.

Prism takes about 1.5 s to start on the project's machines; prefer one server per test
module (or per session) and ``Prefer: dynamic=true`` over starting a second server.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

__all__ = [
    "PrismError",
    "PrismServer",
    "prism_binary",
    "problem_violations",
    "violations",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository root: ``tests/support/prism.py`` is two levels below it."""

VIOLATIONS_HEADER = "sl-violations"

_LISTENING = re.compile(r"Prism is listening on (http://\S+)")
_ADDRESS_IN_USE = "EADDRINUSE"
_POLL_INTERVAL = 0.05
_PORT_ATTEMPTS = 3


class PrismError(RuntimeError):
    """Prism could not be found or did not start."""


def prism_binary() -> Path | None:
    """Return the project's ``node_modules/.bin/prism``, or None when it is not installed."""
    binary = REPO_ROOT / "node_modules" / ".bin" / "prism"
    return binary if binary.is_file() and os.access(binary, os.X_OK) else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes Linux SIGTERM the child when the test process dies.

    This covers a test run killed without cleanup (CI timeout, SIGKILL).  ``prctl`` is
    looked up here, in the parent, so the forked child only calls it.  Linux sends the
    signal when the *thread* that started the server ends, so start servers from a
    long-lived thread (pytest runs fixtures and tests in one).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()
    pr_set_pdeathsig = 1

    def preexec() -> None:  # pragma: no cover - runs in the forked child
        prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the parent died between fork and prctl
            os.kill(os.getpid(), signal.SIGTERM)

    return preexec


class PrismServer:
    """``prism mock <spec>`` on 127.0.0.1 for the duration of a ``with`` block.

    >>> with PrismServer(spec) as prism:
    ...     httpx.get(f"{prism.base_url}/items", params={"q": "x"})

    ``port`` defaults to a free port (retried if another process grabs it first).
    ``dynamic`` adds ``-d``; ``errors`` adds ``--errors``; ``extra_args`` are appended to
    the command line as they are.  The server runs in its own process group, which is
    terminated (SIGTERM, then SIGKILL after ``stop_timeout`` seconds) on exit.  Its output
    goes to a temporary file, readable with :meth:`output` while it runs.
    """

    def __init__(
        self,
        spec: Path,
        *,
        dynamic: bool = False,
        port: int | None = None,
        errors: bool = False,
        extra_args: Sequence[str] = (),
        start_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        binary: Path | None = None,
    ) -> None:
        self.spec = Path(spec)
        self.dynamic = dynamic
        self.errors = errors
        self.extra_args = tuple(extra_args)
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._requested_port = port
        self._binary = binary
        self._port: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log_path: Path | None = None

    # -- public API -----------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise PrismError("Prism is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        """Process id of the Prism process, which is also its process group id."""
        if self._process is None:
            raise PrismError("Prism is not running")
        return self._process.pid

    def output(self) -> str:
        """Everything Prism has printed so far (stdout and stderr)."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> Self:
        if self._process is not None:
            raise PrismError("Prism is already running")
        binary = self._binary or prism_binary()
        if binary is None:
            raise PrismError(
                f"Prism is not installed under {REPO_ROOT / 'node_modules'}: run `npm ci`"
            )
        if not self.spec.is_file():
            raise PrismError(f"spec file not found: {self.spec}")
        attempts = 1 if self._requested_port is not None else _PORT_ATTEMPTS
        for attempt in range(1, attempts + 1):
            port = self._requested_port or _free_port()
            self._launch(binary, port)
            try:
                self._wait_until_listening()
            except PrismError:
                output = self.output()
                self.stop()
                if _ADDRESS_IN_USE in output and attempt < attempts:
                    continue
                raise
            else:
                return self
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Terminate Prism's whole process group and remove its log file.  Idempotent."""
        process, self._process = self._process, None
        try:
            if process is not None:
                _terminate_group(process, self.stop_timeout)
        finally:
            self._port = None
            if self._log_path is not None:
                self._log_path.unlink(missing_ok=True)
                self._log_path = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"port={self._port}" if self._process is not None else "stopped"
        return f"PrismServer({str(self.spec)!r}, dynamic={self.dynamic}, {state})"

    # -- internals ------------------------------------------------------------------

    def command(self, binary: Path, port: int) -> list[str]:
        cmd = [str(binary), "mock", str(self.spec), "-h", "127.0.0.1", "-p", str(port)]
        if self.dynamic:
            cmd.append("-d")
        if self.errors:
            cmd.append("--errors")
        cmd.extend(self.extra_args)
        return cmd

    def _launch(self, binary: Path, port: int) -> None:
        fd, name = tempfile.mkstemp(prefix="prism-", suffix=".log")
        os.close(fd)
        self._log_path = Path(name)
        env = {**os.environ, "FORCE_COLOR": "0", "NO_COLOR": "1"}
        env.pop("NODE_OPTIONS", None)
        # Opened in append mode so the child's writes never race our reads' file offset.
        with open(self._log_path, "ab") as log:
            self._process = subprocess.Popen(
                self.command(binary, port),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=REPO_ROOT,
                env=env,
                start_new_session=True,
                preexec_fn=_parent_death_signal(),
            )
        self._port = port

    def _wait_until_listening(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout
        while True:
            match = _LISTENING.search(self.output())
            if match is not None:
                if match.group(1).rstrip("/") != self.base_url:
                    raise PrismError(
                        f"Prism listens on {match.group(1)}, expected {self.base_url}"
                        f"\n--- Prism output ---\n{self.output()}"
                    )
                if _accepts_connections(self.port):
                    return
            returncode = self._process.poll()
            if returncode is not None:
                raise PrismError(
                    f"Prism exited with code {returncode} before listening "
                    f"(spec {self.spec}, port {self._port})"
                    f"\n--- Prism output ---\n{self.output()}"
                )
            if time.monotonic() >= deadline:
                raise PrismError(
                    f"Prism did not start listening within {self.start_timeout:g} s "
                    f"(spec {self.spec}, port {self._port})"
                    f"\n--- Prism output ---\n{self.output()}"
                )
            time.sleep(_POLL_INTERVAL)


def _accepts_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _leader_exited(pid: int) -> bool:
    """True once ``pid`` has exited; the zombie is left unreaped so its group id stays ours."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return True


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _terminate_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM the process group, SIGKILL it after ``timeout`` s, then reap the leader.

    The leader is reaped only after the group has been swept with SIGKILL, so the group id
    cannot have been reused by an unrelated process when it is signalled.
    """
    pgid = process.pid  # start_new_session=True makes the child its group's leader
    if process.returncode is None:
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while not _leader_exited(pgid) and time.monotonic() < deadline:
            time.sleep(_POLL_INTERVAL)
    # Kill whatever is left: the leader after the timeout, or children it left behind.
    _signal_group(pgid, signal.SIGKILL)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired as exc:  # pragma: no cover - SIGKILL cannot be ignored
        raise PrismError(f"Prism (pid {pgid}) survived SIGKILL") from exc


def _format(record: object) -> str:
    if not isinstance(record, dict):
        return str(record)
    location = record.get("location")
    where = ".".join(str(part) for part in location) if isinstance(location, list) else ""
    message = str(record.get("message", record))
    severity = record.get("severity")
    text = f"{where}: {message}" if where else message
    return text if severity in (None, "Error") else f"{text} [{severity}]"


def violations(headers: Mapping[str, str]) -> list[str]:
    """The violations Prism reported in a response's ``sl-violations`` header.

    Each is ``"<location>: <message>"`` (e.g. ``"response.body.n: Response body property n
    must be integer"``), with ``" [Warning]"``/``" [Information]"`` appended below Error
    severity.  Empty when the header is absent.  ``headers`` may be ``httpx.Headers`` or
    any mapping (looked up case-insensitively).  A header Prism truncated ("Too many
    violations! ...") is returned as one raw string.
    """
    value = headers.get(VIOLATIONS_HEADER)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == VIOLATIONS_HEADER), None)
    if not value:
        return []
    try:
        records = json.loads(value)
    except ValueError:
        return [value]
    if not isinstance(records, list):
        return [_format(records)]
    return [_format(record) for record in records]


def problem_violations(body: object) -> list[str]:
    """The violations listed in a Prism ``application/problem+json`` body (parsed JSON).

    Prism's generated ``422`` for an invalid request (and the ``500`` of ``--errors``)
    carries them in ``validation``; formatted like :func:`violations`.  Empty when absent.
    """
    if not isinstance(body, dict):
        return []
    records = body.get("validation")
    if not isinstance(records, list):
        return []
    return [_format(record) for record in records]
