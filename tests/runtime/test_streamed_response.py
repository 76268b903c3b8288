"""`with_streaming_response`: the status and headers before the body, the body in pieces.

Against a local server on 127.0.0.1 (real sockets: a body that does not fit the client's
``max_response_bytes`` still downloads piece by piece, the first piece arrives before the server
has sent the rest) and against the committed generated client through ``httpx.MockTransport``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, cast
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from generator.runtime import (
    AsyncClient,
    AsyncStreamedAPIResponse,
    ClientConfig,
    NotFoundError,
    Operation,
    ResponseTooLargeError,
    StreamedAPIResponse,
    SyncClient,
    async_to_streamed_response_wrapper,
    to_streamed_response_wrapper,
)
from tests.conftest import GENERATED

_BLOCK = bytes(range(256)) * 256  # 64 KiB, not all one byte, so a reordering would show


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/download":
            size = int(params["size"])
            self._head(200, "application/octet-stream", size)
            try:
                while size > 0:
                    piece = _BLOCK[: min(size, len(_BLOCK))]
                    self.wfile.write(piece)
                    size -= len(piece)
            except OSError:
                pass  # the client hung up early
        elif url.path == "/gated":
            # The first piece, then nothing until the client says it has it (or 10 s pass).
            self._head(200, "application/octet-stream", 2 * len(_BLOCK))
            self.wfile.write(_BLOCK)
            self.wfile.flush()
            self.server.released_by_client = self.server.gate.wait(10)
            self.wfile.write(_BLOCK)
        elif url.path == "/lines":
            body = "first\r\nsecond\rthird\n\nfifth, caf\u00e9".encode()
            self._head(200, "text/plain; charset=utf-8", len(body))
            self.wfile.write(body)
        elif url.path == "/long":
            body = b"x" * int(params["size"])
            self._head(200, "text/plain", len(body))
            self.wfile.write(body)
        elif url.path == "/missing":
            body = b'{"error": {"message": "no such file"}}'
            self._head(404, "application/json", len(body))
            self.wfile.write(body)
        else:
            body = json.dumps({"name": "k", "path": url.path}).encode()
            self._head(200, "application/json", len(body))
            self.wfile.write(body)
        self.close_connection = True

    def _head(self, status: int, content_type: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Request-Id", "req-1")
        self.end_headers()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    gate: threading.Event
    released_by_client: bool


@pytest.fixture(scope="module")
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.gate = threading.Event()
    srv.released_by_client = False
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _url(srv: _Server) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


DOWNLOAD = Operation(
    method="GET",
    path="/download",
    operation_id="download",
    response_type=bytes,
    response_kind="binary",
)
GATED = Operation(method="GET", path="/gated", operation_id="gated", response_kind="binary")
LONG = Operation(method="GET", path="/long", operation_id="long", response_kind="text")
LINES = Operation(method="GET", path="/lines", operation_id="lines", response_kind="text")
MISSING = Operation(method="GET", path="/missing", operation_id="missing")
ITEM = Operation(method="GET", path="/item", operation_id="item", response_type=dict[str, str])
_CONFIG = ClientConfig(default_base_url="http://127.0.0.1:9", idempotency_header=None)


class Files(SyncClient):
    _config: ClassVar[ClientConfig] = _CONFIG

    def download(self, size: int) -> bytes:
        return cast(bytes, self.request(DOWNLOAD, extra_query={"size": size}))

    def call(self, operation: Operation, **query: object) -> Any:
        return self.request(operation, extra_query=query)


class AsyncFiles(AsyncClient):
    _config: ClassVar[ClientConfig] = _CONFIG

    async def download(self, size: int) -> bytes:
        return cast(bytes, await self.request(DOWNLOAD, extra_query={"size": size}))

    async def call(self, operation: Operation) -> Any:
        return await self.request(operation)


def test_a_body_larger_than_the_read_cap_downloads_in_pieces(server: _Server) -> None:
    size = 48 * 1024 * 1024
    with Files(base_url=_url(server), max_response_bytes=1024 * 1024) as client:
        with pytest.raises(ResponseTooLargeError):
            client.download(size)  # read whole: refused, as before
        tracemalloc.start()
        try:
            with to_streamed_response_wrapper(client.download)(size) as response:
                assert response.status_code == 200
                assert response.headers["x-request-id"] == "req-1"
                total = 0
                for chunk in response.iter_bytes():
                    # In order: byte i of the body is i % 256.
                    assert chunk[0] == total % 256
                    assert chunk[-1] == (total + len(chunk) - 1) % 256
                    total += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert total == size
    assert peak < 4 * 1024 * 1024  # never more than a few pieces held at once


def test_the_first_piece_arrives_before_the_server_sends_the_rest(server: _Server) -> None:
    server.gate.clear()
    client = Files(base_url=_url(server))
    with client, to_streamed_response_wrapper(client.call)(GATED) as response:
        pieces = response.iter_bytes(chunk_size=1024)
        assert next(pieces) == _BLOCK[:1024]
        server.gate.set()  # only now may the server send its second half
        rest = b"".join(pieces)
    assert len(rest) == 2 * len(_BLOCK) - 1024
    assert server.released_by_client


def test_headers_before_the_body_and_closing_without_reading(server: _Server) -> None:
    with Files(base_url=_url(server)) as client:
        with to_streamed_response_wrapper(client.download)(10 * len(_BLOCK)) as response:
            assert response.headers["content-length"] == str(10 * len(_BLOCK))
            assert not response.http_response.is_stream_consumed
        assert response.is_closed


def test_iter_lines_and_text(server: _Server) -> None:
    with Files(base_url=_url(server)) as client:
        with to_streamed_response_wrapper(client.call)(LINES) as response:
            lines = list(response.iter_lines())
        with to_streamed_response_wrapper(client.call)(LINES) as response:
            text = "".join(response.iter_text(chunk_size=3))  # splits the two bytes of "é"
    assert lines == ["first", "second", "third", "", "fifth, caf\u00e9"]
    assert text == "first\r\nsecond\rthird\n\nfifth, caf\u00e9"


def test_a_line_over_the_event_cap_is_refused(server: _Server) -> None:
    client = Files(base_url=_url(server), max_event_bytes=1000)
    with client, to_streamed_response_wrapper(client.call)(LONG, size=5000) as response:  # noqa: SIM117
        with pytest.raises(ResponseTooLargeError, match="max_event_bytes"):
            list(response.iter_lines())


def test_read_and_parse(server: _Server) -> None:
    with Files(base_url=_url(server)) as client:
        with to_streamed_response_wrapper(client.call)(ITEM) as response:
            assert json.loads(response.read()) == {"name": "k", "path": "/item"}
            assert response.parse() == {"name": "k", "path": "/item"}
            assert response.json()["name"] == "k"
            assert list(response.iter_bytes()) == [response.read()]  # read already: replayed
        with to_streamed_response_wrapper(client.call)(ITEM) as response:
            assert response.parse() == {"name": "k", "path": "/item"}
        with to_streamed_response_wrapper(client.download)(100) as response:
            first = next(response.iter_bytes())
            with pytest.raises(httpx.StreamConsumed):
                response.read()  # the body is being read in pieces already
        assert first == _BLOCK[:100]


def test_error_statuses_raise_on_entering(server: _Server) -> None:
    client = Files(base_url=_url(server))
    entered = []
    with client, pytest.raises(NotFoundError, match="no such file"):  # noqa: SIM117
        with to_streamed_response_wrapper(client.call)(MISSING):
            entered.append(True)
    assert entered == []


def test_the_flag_does_not_leak_into_later_calls(server: _Server) -> None:
    with Files(base_url=_url(server)) as client:
        with to_streamed_response_wrapper(client.call)(ITEM) as response:
            assert isinstance(response, StreamedAPIResponse)
        assert client.call(ITEM) == {"name": "k", "path": "/item"}


def test_async_streamed_response(server: _Server) -> None:
    async def main() -> None:
        async with AsyncFiles(base_url=_url(server), max_response_bytes=1024) as client:
            streamed = async_to_streamed_response_wrapper(client.download)
            async with streamed(5 * len(_BLOCK)) as response:
                assert isinstance(response, AsyncStreamedAPIResponse)
                assert response.status_code == 200
                total = 0
                async for chunk in response.iter_bytes(chunk_size=10_000):
                    assert len(chunk) <= 10_000
                    total += len(chunk)
            assert total == 5 * len(_BLOCK)
            assert response.is_closed
            async with async_to_streamed_response_wrapper(client.call)(LINES) as response:
                lines = [line async for line in response.iter_lines()]
            assert lines[-1] == "fifth, caf\u00e9"
            async with async_to_streamed_response_wrapper(client.call)(ITEM) as response:
                assert await response.parse() == {"name": "k", "path": "/item"}
            with pytest.raises(NotFoundError):
                async with async_to_streamed_response_wrapper(client.call)(MISSING):
                    pytest.fail("not entered")

    asyncio.run(main())


# -- the generated client -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openrouter() -> Iterator[Any]:
    sys.path.insert(0, str(GENERATED))
    try:
        import openrouter_client

        yield openrouter_client
    finally:
        sys.path.remove(str(GENERATED))


KEY = {
    "data": {
        "hash": "h1",
        "name": "n",
        "label": "l",
        "disabled": False,
        "limit": None,
        "limit_remaining": None,
        "limit_reset": None,
        "include_byok_in_limit": False,
        "usage": 0,
    }
}
SSE = b'data: {"id":"1","object":"chat.completion.chunk","choices":[]}\n\ndata: [DONE]\n\n'


def _reply(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/chat/completions"):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=SSE)
    return httpx.Response(200, json=KEY, headers={"x-request-id": "r-9"})


def test_generated_client_streaming_response(openrouter: Any) -> None:
    http = httpx.Client(transport=httpx.MockTransport(_reply))
    with openrouter.OpenRouter(api_key="sk-x", http_client=http) as client:
        with client.with_streaming_response.keys.retrieve(hash="h1") as response:
            assert response.headers["x-request-id"] == "r-9"
            key = response.parse()
        assert key.data.hash == "h1"
        chat = client.with_streaming_response.chat.completions.create
        with chat(model="m", messages=[{"role": "user", "content": "hi"}], stream=True) as r:
            stream = r.parse()
            assert isinstance(stream, openrouter.Stream)
            assert [chunk.id for chunk in stream] == ["1"]


def test_generated_async_client_streaming_response(openrouter: Any) -> None:
    async def main() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(_reply))
        async with openrouter.AsyncOpenRouter(api_key="sk-x", http_client=http) as client:
            async with client.with_streaming_response.keys.retrieve(hash="h1") as response:
                assert b"".join([c async for c in response.iter_bytes()]) == json.dumps(
                    KEY
                ).encode().replace(b": ", b":").replace(b", ", b",")
            async with client.with_streaming_response.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}], stream=True
            ) as response:
                stream = await response.parse()
                assert isinstance(stream, openrouter.AsyncStream)
                assert [chunk.id async for chunk in stream] == ["1"]

    asyncio.run(main())


def test_a_one_gib_download_stays_under_100_mb() -> None:
    import re
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_download.py"
    done = subprocess.run(
        [sys.executable, str(script), "--size", str(1024**3)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    found = re.search(r"1024 MiB in .* peak RSS (\d+) MiB", done.stdout)
    assert found is not None, done.stdout
    assert int(found.group(1)) < 100


def test_a_list_method_under_streaming_response_gives_its_first_page(openrouter: Any) -> None:
    def pages(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", "0"))
        data = [KEY["data"]] if offset == 0 else []
        return httpx.Response(200, json={"data": data}, headers={"x-request-id": f"p{offset}"})

    http = httpx.Client(transport=httpx.MockTransport(pages))
    client = openrouter.OpenRouter(api_key="sk-x", http_client=http)
    with client, client.with_streaming_response.keys.list() as response:
        assert response.headers["x-request-id"] == "p0"
        assert json.loads(response.read())["data"][0]["hash"] == "h1"
        page = response.parse()
        assert [key.hash for key in page] == ["h1"]

    async def main() -> None:
        ahttp = httpx.AsyncClient(transport=httpx.MockTransport(pages))
        client = openrouter.AsyncOpenRouter(api_key="sk-x", http_client=ahttp)
        async with client, client.with_streaming_response.keys.list() as response:
            assert response.status_code == 200
            page = await response.parse()
            assert [key.hash async for key in page] == ["h1"]

    asyncio.run(main())
