"""A local HTTP server that misbehaves on purpose, for testing clients against real sockets.

Runs ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port) in a background thread; use it as a
context manager. The first path segment picks the behaviour and the second is a key that
separates attempt counters between tests; anything after that is ignored, so a client can use
``f"{server.url}/<behaviour>/<key>"`` as its base URL and call any operation::

    /ok/<key>/...               200 with a small JSON object
    /token/<key>/...            200 with {"access_token": "<key>-<n>", "expires_in": 3600}, n
                                counting the requests to /token/<key> (a token endpoint)
    /retry-after/<key>/...      429 with Retry-After: 1 (times=N, default 1), then 200
    /unavailable/<key>/...      503 (times=N, default 1), then 200
    /reset/<key>/...            connection reset without a response (times=N, default always)
    /slow/<key>/...             waits delay=S seconds (default 2, at most 5), then 200
    /malformed/<key>/...        200 with a body that is not JSON
    /error-in-200/<key>/...     200 with {"error": {"code": 402, "message": "Insufficient credits"}}
    /sse/<key>/...              event stream: comments, multi-line data, [DONE]
    /sse-broken/<key>/...       event stream cut (connection reset) after two events
    /sse-error/<key>/...        event stream with an error event in the middle
    /redirect/<key>/...         the status and Location set by ``redirect(key, status, location)``
    /drip/<key>/...             200 declaring size=N bytes (default 400), sent one byte every
                                interval=S seconds (default 0.2)
    /endless-sse/<key>/...      event stream of "data: xxxx..." that never ends its line
    /big/<key>/...              200 with size=N bytes of JSON-ish filler; declare=0 sends it
                                chunked, without Content-Length
    /gzip-bomb/<key>/...        200, Content-Encoding: gzip, size=N zero bytes once decoded;
                                layers=2 compresses twice ("gzip, gzip": a few hundred bytes
                                on the wire), sse=1 sends it as an event stream of one long line
    /canned/<key>/...           the raw bytes set by ``canned(key, data)``, status line and headers
                                included, written as they are (a hostile server's own framing);
                                the connection is then closed

Every request is recorded (``requests(key)``: method, raw request target, headers), and the
streaming behaviours count what they wrote (``sent(key)``). Every loop is bounded (at most 64 MiB
or 400 writes, stopping as soon as the client hangs up) and ``stop()`` wakes any waiting handler,
so shutdown is prompt.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["CHUNKS", "FaultServer", "Recorded"]

_MAX_STREAM = 64 * 1024 * 1024  # most any streaming behaviour writes
_BLOCK = b"x" * (64 * 1024)


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it."""

    method: str
    target: str  # the raw request target: path and query exactly as sent
    headers: dict[str, str]  # lower-case names


_OK_BODY = {
    "id": "gen-1",
    "object": "chat.completion",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}}],
}

# The events of /sse, as written to the socket (split mid-line on purpose).
CHUNKS: tuple[bytes, ...] = (
    b": OPENROUTER PROCESSING\n\n",
    b'data: {"id":"gen-1","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}\n',
    b"\n: OPENROUTER PROCESSING\n\n",
    b'data: {"id":"gen-1",\n',
    b'data: "choices":[{"index":0,"delta":{"content":"lo"}}]}\n\ndata: {"id":"gen-1","cho',
    b'ices":[{"index":0,"delta":{"content":"!"}}]}\r\n\r\n',
    b"data: [DONE]\n\n",
)
_ERROR_EVENT = b'data: {"error": {"code": 502, "message": "Provider returned error"}}\n\n'


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fault: FaultServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up on purpose are not errors here


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body in one write, sent at once: no Nagle / delayed-ACK stalls.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    # -- helpers --------------------------------------------------------------------------------

    def _json(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self._send(status, data, "application/json", headers)

    def _send(
        self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _start_chunked(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")

    def _write_until_hangup(self, key: str, pieces: Any, chunked: bool) -> None:
        """Write pieces (bounded) until the client hangs up; count what went out."""
        fault = self.server.fault
        try:
            for piece in pieces:
                if fault._stopping.is_set():
                    break
                if chunked:
                    self._chunk(piece)
                else:
                    self.wfile.write(piece)
                    self.wfile.flush()
                fault._add_sent(key, len(piece))
        except OSError:
            pass  # the client hung up: what this behaviour is for
        self.close_connection = True

    def _endless(self, total: int) -> Any:
        while total > 0:
            piece = _BLOCK[: min(total, len(_BLOCK))]
            total -= len(piece)
            yield piece

    def _drip(self, size: int, interval: float) -> Any:
        for _ in range(min(size, 400)):
            if self.server.fault._stopping.wait(interval):
                return
            yield b" "

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), without any response."""
        self.wfile.flush()
        self.rfile.close()
        self.wfile.close()
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.request.close()
        # The base class still flushes and closes these afterwards.
        self.rfile = io.BytesIO()
        self.wfile = io.BytesIO()
        self.close_connection = True

    # -- behaviours -----------------------------------------------------------------------------

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        behaviour = parts[0]
        key = parts[1] if len(parts) > 1 else ""
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        fault = self.server.fault
        attempt = fault._count(f"{behaviour}/{key}")
        headers = {name.lower(): value for name, value in self.headers.items()}
        fault._record(key, Recorded(self.command, self.path, headers))

        if behaviour == "ok":
            self._json(200, _OK_BODY)
        elif behaviour == "token":
            self._json(200, {"access_token": f"{key}-{attempt}", "expires_in": 3600})
        elif behaviour == "retry-after":
            if attempt <= int(params.get("times", "1")):
                error = {"error": {"code": 429, "message": "Rate limited"}}
                self._json(429, error, {"Retry-After": params.get("after", "1")})
            else:
                self._json(200, _OK_BODY)
        elif behaviour == "unavailable":
            if attempt <= int(params.get("times", "1")):
                self._json(503, {"error": {"message": "Service Unavailable"}})
            else:
                self._json(200, _OK_BODY)
        elif behaviour == "reset":
            if attempt <= int(params.get("times", "1000000")):
                self._reset()
            else:
                self._json(200, _OK_BODY)
        elif behaviour == "slow":
            fault._stopping.wait(min(float(params.get("delay", "2")), 5.0))
            self._json(200, _OK_BODY)
        elif behaviour == "malformed":
            self._send(200, b'{"id": "gen-1", "choices": [', "application/json")
        elif behaviour == "error-in-200":
            self._json(200, {"error": {"code": 402, "message": "Insufficient credits"}})
        elif behaviour == "sse":
            self._start_chunked()
            for chunk in CHUNKS:
                self._chunk(chunk)
            self._end_chunked()
        elif behaviour == "sse-broken":
            self._start_chunked()
            for chunk in CHUNKS[:3]:
                self._chunk(chunk)
            self._reset()
        elif behaviour == "sse-error":
            self._start_chunked()
            self._chunk(CHUNKS[1] + b"\n")
            self._chunk(_ERROR_EVENT)
            self._chunk(b"data: [DONE]\n\n")
            self._end_chunked()
        elif behaviour == "redirect":
            status, location = fault._redirects.get(key, (307, "/ok/" + key))
            self._send(status, b"", "text/plain", {"Location": location})
        elif behaviour == "drip":
            size = int(params.get("size", "400"))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            self.wfile.flush()
            self._write_until_hangup(
                key, self._drip(size, float(params.get("interval", "0.2"))), False
            )
        elif behaviour == "endless-sse":
            self._start_chunked()
            self._write_until_hangup(key, [b"data: ", *self._endless(_MAX_STREAM)], True)
        elif behaviour == "big":
            size = min(int(params.get("size", "1048576")), _MAX_STREAM)
            declare = params.get("declare", "1") == "1"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            if declare:
                self.send_header("Content-Length", str(size))
            else:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._write_until_hangup(key, self._endless(size), not declare)
            if not declare:
                self._end_chunked_quietly()
        elif behaviour == "canned":
            self.wfile.write(fault._canned.get(key, b"HTTP/1.1 204 No Content\r\n\r\n"))
            self.close_connection = True
        elif behaviour == "gzip-bomb":
            size = min(int(params.get("size", "1048576")), _MAX_STREAM)
            layers = min(int(params.get("layers", "1")), 3)
            sse = params.get("sse") == "1"
            body = fault._bomb(size, layers, sse)
            content_type = "text/event-stream" if sse else "application/json"
            encoding = ", ".join(["gzip"] * layers)
            self._send(200, body, content_type, {"Content-Encoding": encoding})
        else:
            self._json(404, {"error": {"code": 404, "message": f"no behaviour {behaviour!r}"}})

    def _end_chunked_quietly(self) -> None:
        with contextlib.suppress(OSError):  # the client may have hung up
            self._end_chunked()


class FaultServer:
    """The server; ``with FaultServer() as server:`` starts and stops it."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fault = self
        self._attempts: Counter[str] = Counter()
        self._sent: Counter[str] = Counter()
        self._requests: dict[str, list[Recorded]] = {}
        self._redirects: dict[str, tuple[int, str]] = {}
        self._canned: dict[str, bytes] = {}
        # Compressed once: tests measuring the client's memory must not see the server's.
        self._bombs: dict[tuple[int, int, bool], bytes] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def base_url(self, behaviour: str, key: str) -> str:
        return f"{self.url}/{behaviour}/{key}"

    def attempts(self, behaviour: str, key: str) -> int:
        with self._lock:
            return self._attempts[f"{behaviour}/{key}"]

    def redirect(self, key: str, status: int, location: str) -> None:
        """Make ``/redirect/<key>/...`` answer ``status`` with ``Location: location``."""
        with self._lock:
            self._redirects[key] = (status, location)

    def canned(self, key: str, data: bytes) -> None:
        """Make ``/canned/<key>/...`` write ``data`` (a whole raw HTTP response) as it is."""
        with self._lock:
            self._canned[key] = data

    def requests(self, key: str) -> list[Recorded]:
        with self._lock:
            return list(self._requests.get(key, []))

    def sent(self, key: str) -> int:
        """Body bytes a streaming behaviour wrote for ``key`` before the client hung up."""
        with self._lock:
            return self._sent[key]

    def _bomb(self, size: int, layers: int, sse: bool) -> bytes:
        with self._lock:
            body = self._bombs.get((size, layers, sse))
        if body is None:
            body = (b"data: " if sse else b"") + b"0" * size
            for _ in range(layers):
                body = gzip.compress(body)
            with self._lock:
                self._bombs[(size, layers, sse)] = body
        return body

    def _record(self, key: str, request: Recorded) -> None:
        with self._lock:
            self._requests.setdefault(key, []).append(request)

    def _add_sent(self, key: str, n: int) -> None:
        with self._lock:
            self._sent[key] += n

    def _count(self, name: str) -> int:
        with self._lock:
            self._attempts[name] += 1
            return self._attempts[name]

    def start(self) -> FaultServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
