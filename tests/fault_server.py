"""A local HTTP server that misbehaves on purpose, for testing clients against real sockets.

Runs ``ThreadingHTTPServer`` on 127.0.0.1 (ephemeral port) in a background thread; use it as a
context manager. The first path segment picks the behaviour and the second is a key that
separates attempt counters between tests; anything after that is ignored, so a client can use
``f"{server.url}/<behaviour>/<key>"`` as its base URL and call any operation::

    /ok/<key>/...               200 with a small JSON object
    /retry-after/<key>/...      429 with Retry-After: 1 (times=N, default 1), then 200
    /unavailable/<key>/...      503 (times=N, default 1), then 200
    /reset/<key>/...            connection reset without a response (times=N, default always)
    /slow/<key>/...             waits delay=S seconds (default 2, at most 5), then 200
    /malformed/<key>/...        200 with a body that is not JSON
    /error-in-200/<key>/...     200 with {"error": {"code": 402, "message": "Insufficient credits"}}
    /sse/<key>/...              event stream: comments, multi-line data, [DONE]
    /sse-broken/<key>/...       event stream cut (connection reset) after two events
    /sse-error/<key>/...        event stream with an error event in the middle

Every loop is bounded and ``stop()`` wakes any waiting handler, so shutdown is prompt.
"""

from __future__ import annotations

import io
import json
import socket
import struct
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["CHUNKS", "FaultServer"]

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

        if behaviour == "ok":
            self._json(200, _OK_BODY)
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
        else:
            self._json(404, {"error": {"code": 404, "message": f"no behaviour {behaviour!r}"}})


class FaultServer:
    """The server; ``with FaultServer() as server:`` starts and stops it."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fault = self
        self._attempts: Counter[str] = Counter()
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
