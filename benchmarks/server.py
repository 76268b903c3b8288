"""A fast local fake of OpenRouter's ``POST /chat/completions`` for the client benchmarks.

Run as its own process (so it never competes with the measured client for the GIL)::

    python benchmarks/server.py [--host 127.0.0.1] [--port 0]

It prints ``PORT <n>`` on its first stdout line once it listens, then serves until killed or
until its stdin closes (so it dies with the benchmark that started it).

- A request without ``"stream": true`` gets a fixed ~1 KB chat completion (JSON).
- With ``"stream": true`` it gets a ``text/event-stream``: a ``: OPENROUTER PROCESSING`` comment,
  200 ``chat.completion.chunk`` events (usage on the last), then ``data: [DONE]``, each event in
  its own HTTP/1.1 chunk (chunked transfer encoding, connection kept alive).

Responses are encoded once at start-up; per request the server only finds the end of the request
(and reads ``stream`` from the JSON body), then writes pre-built bytes. Plain asyncio protocol,
standard library only, HTTP/1.1 keep-alive. It binds loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading

MODEL = "openai/gpt-4o-mini"
STREAM_CHUNKS = 200
_CREATED = 1_750_000_000

# ~1 KB of assistant text, so the whole completion is about 1 KB (checked at start-up).
_TEXT = (
    "Benchmarks measure what a client library costs on top of the network. This reply is a "
    "fixed answer served by a local server, so that the time spent building the request, "
    "sending it, reading the response and validating it into typed models is what the figures "
    "show. A kilobyte of text is a typical short chat completion: long enough for parsing to "
    "matter, short enough that the transport does not dominate the measurement. Every client "
    "gets exactly the same bytes, over the same kept-alive loopback connection, interleaved."
)


def completion() -> dict[str, object]:
    """The fixed chat completion (valid for the generated client, openai and openrouter)."""
    return {
        "id": "gen-1750000000-BenchmarkFixedCompletion01",
        "provider": "OpenAI",
        "model": MODEL,
        "object": "chat.completion",
        "created": _CREATED,
        "system_fingerprint": "fp_bench01",
        "choices": [
            {
                "index": 0,
                "logprobs": None,
                "finish_reason": "stop",
                "native_finish_reason": "stop",
                "message": {
                    "role": "assistant",
                    "content": _TEXT,
                    "refusal": None,
                    "reasoning": None,
                },
            }
        ],
        "usage": {"prompt_tokens": 24, "completion_tokens": 96, "total_tokens": 120},
    }


def chunk(i: int) -> dict[str, object]:
    """The i-th of STREAM_CHUNKS stream chunks (0-based)."""
    last = i == STREAM_CHUNKS - 1
    delta: dict[str, object] = {"content": f"token{i} " if not last else ""}
    if i == 0:
        delta["role"] = "assistant"
    body: dict[str, object] = {
        "id": "gen-1750000000-BenchmarkFixedStream000001",
        "provider": "OpenAI",
        "model": MODEL,
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "system_fingerprint": "fp_bench01",
        "choices": [
            {
                "index": 0,
                "delta": delta,
                "finish_reason": "stop" if last else None,
                "native_finish_reason": "stop" if last else None,
                "logprobs": None,
            }
        ],
    }
    if last:
        body["usage"] = {"prompt_tokens": 24, "completion_tokens": 199, "total_tokens": 223}
    return body


def expected_stream_text() -> str:
    return "".join(f"token{i} " for i in range(STREAM_CHUNKS - 1))


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _http_chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


COMPLETION_BODY = _dumps(completion())
_JSON_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"content-type: application/json\r\n"
    b"content-length: %d\r\n"
    b"\r\n%s" % (len(COMPLETION_BODY), COMPLETION_BODY)
)
_EVENTS = [b": OPENROUTER PROCESSING\n\n"]
_EVENTS += [b"data: %s\n\n" % _dumps(chunk(i)) for i in range(STREAM_CHUNKS)]
_EVENTS.append(b"data: [DONE]\n\n")
_STREAM_RESPONSE = (
    b"HTTP/1.1 200 OK\r\n"
    b"content-type: text/event-stream\r\n"
    b"cache-control: no-cache\r\n"
    b"transfer-encoding: chunked\r\n"
    b"\r\n" + b"".join(_http_chunk(e) for e in _EVENTS) + b"0\r\n\r\n"
)
_NOT_FOUND_BODY = b'{"error":{"code":404,"message":"not found"}}'
_NOT_FOUND = (
    b"HTTP/1.1 404 Not Found\r\n"
    b"content-type: application/json\r\n"
    b"content-length: %d\r\n\r\n%s" % (len(_NOT_FOUND_BODY), _NOT_FOUND_BODY)
)
_BAD_REQUEST = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


def _wants_stream(body: bytes) -> bool:
    if b'"stream"' not in body:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("stream") is True


class _Protocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and pipelining; Content-Length or chunked request bodies."""

    def __init__(self) -> None:
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf = self.buf + data if self.buf else data
        while self.transport is not None and self._handle_one():
            pass

    def _handle_one(self) -> bool:
        buf = self.buf
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = buf[:end].split(b"\r\n")
        try:
            method, target, _version = head[0].split(b" ", 2)
        except ValueError:
            return self._fail()
        length = 0
        chunked = False
        close = False
        for line in head[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                close = value.strip().lower() == b"close"
        start = end + 4
        if chunked:
            body, consumed = _dechunk(buf, start)
            if body is None:
                return False
            rest = buf[consumed:]
        else:
            if len(buf) - start < length:
                return False
            body = buf[start : start + length]
            rest = buf[start + length :]
        self.buf = rest
        path = target.split(b"?", 1)[0]
        if method == b"POST" and path.endswith(b"/chat/completions"):
            out = _STREAM_RESPONSE if _wants_stream(body) else _JSON_RESPONSE
        else:
            out = _NOT_FOUND
        assert self.transport is not None
        self.transport.write(out)
        if close:
            self.transport.close()
            self.transport = None
            return False
        return True

    def _fail(self) -> bool:
        assert self.transport is not None
        self.transport.write(_BAD_REQUEST)
        self.transport.close()
        self.transport = None
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None


def _dechunk(buf: bytes, pos: int) -> tuple[bytes | None, int]:
    parts = []
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None, 0
        size = int(buf[pos:eol].split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            end = buf.find(b"\r\n", pos)  # no trailers expected
            if end < 0:
                return None, 0
            return b"".join(parts), end + 2
        if len(buf) < pos + size + 2:
            return None, 0
        parts.append(buf[pos : pos + size])
        pos += size + 2


async def _serve(host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, host, port, backlog=256)
    sock_port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {sock_port}\n")
    sys.stdout.flush()
    stop = asyncio.Event()

    def watch_stdin() -> None:  # the parent closing our stdin (or dying) stops the server
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        loop.call_soon_threadsafe(stop.set)

    if not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, daemon=True).start()
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    args = parser.parse_args()
    if not (args.host.startswith("127.") or args.host in ("localhost", "::1")):
        parser.error("the benchmark server binds loopback addresses only")
    assert 900 <= len(COMPLETION_BODY) <= 1200, len(COMPLETION_BODY)
    try:
        asyncio.run(_serve(args.host, args.port))
    except KeyboardInterrupt:
        pass
    finally:
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
