"""Bounded responses against real local sockets: size caps, a dripping server, SSE lines.

No wall-clock assertions: each test checks what the server managed to send before the client
hung up, which is small when the cap or timeout held and large when it did not.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import importlib.util
import json
import time
import tracemalloc
import uuid
import zlib
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from generator.runtime import (
    APIConnectionError,
    APITimeoutError,
    ResponseTooLargeError,
    SSEDecoder,
)
from tests.fault_server import FaultServer
from tests.runtime.fake_api import AsyncFakeAPI, FakeAPI

MESSAGES = [{"role": "user", "content": "hi"}]
MiB = 1024 * 1024


def key() -> str:
    return uuid.uuid4().hex


def client(server: FaultServer, behaviour: str, k: str, **kwargs: Any) -> FakeAPI:
    return FakeAPI(
        api_key="sk-bounded", base_url=server.base_url(behaviour, k), max_retries=0, **kwargs
    )


# -- whole bodies ---------------------------------------------------------------------------------


def test_declared_length_over_the_cap_is_refused_before_reading(fault_server: FaultServer) -> None:
    k = key()
    with (
        client(
            fault_server, "big", k, max_response_bytes=MiB, default_query={"size": 8 * MiB}
        ) as c,
        pytest.raises(ResponseTooLargeError, match="declares 8388608 bytes") as info,
    ):
        c.chat.create(model="m", messages=MESSAGES)
    assert info.value.limit == MiB
    assert "max_response_bytes" in str(info.value)
    assert fault_server.sent(k) < 8 * MiB  # the client hung up instead of reading it all


def test_chunked_body_over_the_cap_stops_at_the_cap(fault_server: FaultServer) -> None:
    k = key()
    query = {"size": 48 * MiB, "declare": 0}
    c = client(fault_server, "big", k, max_response_bytes=MiB, default_query=query)
    with c, pytest.raises(ResponseTooLargeError, match="is larger"):
        c.chat.create(model="m", messages=MESSAGES)
    # A little more than the cap may be in flight in socket buffers; nowhere near 48 MiB.
    assert fault_server.sent(k) < 16 * MiB


def test_body_under_the_cap_is_read_whole(fault_server: FaultServer) -> None:
    k = key()
    query = {"size": MiB // 2, "declare": 0}
    with client(fault_server, "big", k, max_response_bytes=MiB, default_query=query) as c:
        raw = c.chat.with_raw_response.create(model="m", messages=MESSAGES)
    assert len(raw.content) == MiB // 2


def test_gzip_bomb_counts_at_its_decoded_size(fault_server: FaultServer) -> None:
    k = key()
    query = {"size": 32 * MiB}  # about 32 KB on the wire
    c = client(fault_server, "gzip-bomb", k, max_response_bytes=MiB, default_query=query)
    with c, pytest.raises(ResponseTooLargeError):
        c.chat.create(model="m", messages=MESSAGES)


def peak_bytes(call: Callable[[], object]) -> int:
    """The most memory Python allocated while ``call`` ran (zlib's output included)."""
    tracemalloc.start()
    try:
        with contextlib.suppress(ResponseTooLargeError):
            call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("layers", [1, 2])
def test_gzip_bomb_is_inflated_in_bounded_pieces(fault_server: FaultServer, layers: int) -> None:
    # httpx inflates each chunk in one call: a 64 KiB chunk became 64 MiB before it was
    # counted, and "gzip, gzip" made some 300 bytes on the wire into the whole body at once.
    k = key()
    query = {"size": 64 * MiB, "layers": layers}
    c = client(fault_server, "gzip-bomb", k, max_response_bytes=MiB, default_query=query)
    with c:
        with pytest.raises(ResponseTooLargeError):
            c.chat.create(model="m", messages=MESSAGES)
        # The second time the server's body is already compressed: only the client allocates.
        assert peak_bytes(lambda: c.chat.create(model="m", messages=MESSAGES)) < 16 * MiB


def test_gzip_bomb_in_an_event_stream_is_inflated_in_bounded_pieces(
    fault_server: FaultServer,
) -> None:
    k = key()
    query = {"size": 64 * MiB, "layers": 2, "sse": 1}
    c = client(fault_server, "gzip-bomb", k, max_event_bytes=MiB, default_query=query)

    def read_stream() -> None:
        with c.chat.create(model="m", messages=MESSAGES, stream=True) as stream:
            for _ in stream:
                pass

    with c:
        with pytest.raises(ResponseTooLargeError, match="max_event_bytes"):
            read_stream()
        assert peak_bytes(read_stream) < 16 * MiB


def test_every_gzip_and_deflate_form_decodes(fault_server: FaultServer) -> None:
    data = json.dumps({"id": "gen-1", "choices": [], "pad": "p" * 300_000}).encode()
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    forms = {
        "gzip": gzip.compress(data),
        "x-gzip": gzip.compress(data),
        "deflate": zlib.compress(data),  # with the zlib header, as the RFC says
        "Deflate ": raw_deflate.compress(data) + raw_deflate.flush(),  # without, as some send
        "gzip, gzip": gzip.compress(gzip.compress(data)),
        "identity, gzip": gzip.compress(data),
    }
    for encoding, body in forms.items():
        k = key()
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}"
            f"\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        fault_server.canned(k, head.encode() + body)
        with client(fault_server, "canned", k) as c:
            raw = c.chat.with_raw_response.create(model="m", messages=MESSAGES)
        assert raw.content == data, encoding


def test_corrupt_gzip_body_is_a_connection_error(fault_server: FaultServer) -> None:
    k = key()
    fault_server.canned(
        k,
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 9\r\n"
        b"Connection: close\r\n\r\nnot gzip!",
    )
    with client(fault_server, "canned", k) as c, pytest.raises(APIConnectionError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert "DecodingError" in str(info.value)


def test_gzip_body_under_the_cap_decodes_once(fault_server: FaultServer) -> None:
    k = key()
    with client(fault_server, "gzip-bomb", k, default_query={"size": 1000}) as c:
        raw = c.chat.with_raw_response.create(model="m", messages=MESSAGES)
    assert raw.content == b"0" * 1000
    assert "content-encoding" not in raw.headers  # the content is already decoded


def test_async_body_over_the_cap(fault_server: FaultServer) -> None:
    k = key()

    async def run() -> None:
        base = AsyncFakeAPI(
            api_key="sk-bounded",
            base_url=fault_server.base_url("big", k),
            max_retries=0,
            max_response_bytes=MiB,
        )
        try:
            c = base.with_options(default_query={"size": 48 * MiB, "declare": 0})
            await c.chat.create(model="m", messages=MESSAGES)
        finally:
            await base.close()

    with pytest.raises(ResponseTooLargeError):
        asyncio.run(run())
    assert fault_server.sent(k) < 16 * MiB


def test_dripping_body_is_bounded_by_the_read_timeout(fault_server: FaultServer) -> None:
    # 400 bytes at one per 0.2 s would take 80 s; each byte arrives well within the 1 s read
    # timeout, so only a budget for the whole body stops it.
    k = key()
    timeout = httpx.Timeout(5.0, read=1.0)
    c = client(fault_server, "drip", k, timeout=timeout, default_query={"size": 400})
    with c, pytest.raises(APITimeoutError):
        c.chat.create(model="m", messages=MESSAGES)
    assert fault_server.sent(k) < 100


def test_async_dripping_body_is_bounded_by_the_read_timeout(fault_server: FaultServer) -> None:
    k = key()

    async def run() -> None:
        base = AsyncFakeAPI(
            api_key="sk-bounded",
            base_url=fault_server.base_url("drip", k),
            max_retries=0,
            timeout=httpx.Timeout(5.0, read=1.0),
        )
        try:
            await base.with_options(default_query={"size": 400}).chat.create(
                model="m", messages=MESSAGES
            )
        finally:
            await base.close()

    with pytest.raises(APITimeoutError):
        asyncio.run(run())
    assert fault_server.sent(k) < 100


def test_caps_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        FakeAPI(api_key="k", max_response_bytes=0)
    with pytest.raises(ValueError, match="max_event_bytes"):
        FakeAPI(api_key="k", max_event_bytes=-1)


def test_caps_have_defaults_and_with_options_replaces_them() -> None:
    c = FakeAPI(api_key="k")
    assert c.max_response_bytes == 256 * MiB and c.max_event_bytes == 16 * MiB
    d = c.with_options(max_event_bytes=1024)
    assert d.max_event_bytes == 1024 and d.max_response_bytes == 256 * MiB
    assert c.max_event_bytes == 16 * MiB


# -- event streams --------------------------------------------------------------------------------


def test_endless_sse_line_stops_at_the_event_cap(fault_server: FaultServer) -> None:
    k = key()
    with client(fault_server, "endless-sse", k, max_event_bytes=MiB) as c:
        stream = c.chat.create(model="m", messages=MESSAGES, stream=True)
        with stream, pytest.raises(ResponseTooLargeError, match="max_event_bytes") as info:
            for _ in stream:
                pass
    assert info.value.limit == MiB
    assert fault_server.sent(k) < 16 * MiB  # the server would have sent 64 MiB


def test_async_endless_sse_line_stops_at_the_event_cap(fault_server: FaultServer) -> None:
    k = key()

    async def run() -> None:
        async with AsyncFakeAPI(
            api_key="sk-bounded",
            base_url=fault_server.base_url("endless-sse", k),
            max_event_bytes=MiB,
        ) as c:
            stream = await c.chat.create(model="m", messages=MESSAGES, stream=True)
            async with stream:
                async for _ in stream:
                    pass

    with pytest.raises(ResponseTooLargeError):
        asyncio.run(run())
    assert fault_server.sent(k) < 16 * MiB


def test_event_of_many_data_lines_is_capped() -> None:
    decoder = SSEDecoder(max_event_bytes=1000)
    with pytest.raises(ResponseTooLargeError):
        for _ in range(200):
            decoder.feed(b"data: 0123456789\n")  # never dispatched: no blank line


def test_one_event_chunk_over_the_cap_is_refused() -> None:
    # The single-event fast path is held to the cap as well.
    with pytest.raises(ResponseTooLargeError):
        SSEDecoder(max_event_bytes=1000).feed(b"data: " + b"z" * 2000 + b"\n\n")


def test_events_under_the_cap_pass_after_a_large_one_was_dispatched() -> None:
    decoder = SSEDecoder(max_event_bytes=1000)
    events = decoder.feed(b"data: " + b"a" * 900 + b"\n\n" + b"data: b\n\n")
    assert [len(e.data) for e in events] == [900, 1]


def test_long_line_split_in_many_chunks_comes_out_whole() -> None:
    decoder = SSEDecoder(max_event_bytes=100_000)
    assert decoder.feed(b"\xef\xbb") == []  # a BOM split across chunks, then a long line
    assert decoder.feed(b"\xbfdata: ") == []
    for _ in range(5_000):
        assert decoder.feed(b"x") == []
    (event,) = decoder.feed(b"\r\n\r\n")
    assert event.data == "x" * 5_000


def test_long_line_costs_linear_time() -> None:
    """8x the chunks of one unterminated line cost about 8x, not 64x (generous bound: 24x)."""

    def cost(n: int) -> float:
        best = float("inf")
        for _ in range(3):
            decoder = SSEDecoder(max_event_bytes=64 * n + 100)
            feed = decoder.feed
            chunk = b"y" * 64
            began = time.process_time()
            feed(b"data: ")
            for _ in range(n):
                feed(chunk)
            (event,) = feed(b"\n\n")
            best = min(best, time.process_time() - began)
            assert len(event.data) == 64 * n
        return best

    small, large = cost(20_000), cost(160_000)
    assert large < max(small, 0.001) * 24


def test_response_seen_by_an_event_hook_holds_the_body(fault_server: FaultServer) -> None:
    # Bodies without Content-Encoding are read into the very response httpx handed to hooks.
    seen: list[httpx.Response] = []
    http = httpx.Client(event_hooks={"response": [seen.append]})
    with http, client(fault_server, "ok", key(), http_client=http) as c:
        c.chat.create(model="m", messages=MESSAGES)
    assert seen[0].json()["id"] == "gen-1"


@pytest.mark.parametrize("layers", [9, 2000])
def test_too_many_content_encodings_are_a_connection_error(
    fault_server: FaultServer, layers: int
) -> None:
    # Each layer would hold a decompressor; 2,000 of them ended in a raw RecursionError.
    body = b"{}"
    for _ in range(layers):
        body = gzip.compress(body)
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Encoding: {', '.join(['gzip'] * layers)}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    k = key()
    fault_server.canned(k, head.encode("ascii") + body)
    with client(fault_server, "canned", k) as c, pytest.raises(APIConnectionError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert "DecodingError" in str(info.value) and "at most 8 layers" in str(info.value)


@pytest.mark.parametrize("last", ["x", "br"])
def test_gzip_bomb_behind_an_unknown_encoding_is_still_inflated_in_bounded_pieces(
    fault_server: FaultServer, last: str
) -> None:
    # An unknown name ("x", or "br" without a brotli package) made the runtime hand every layer
    # to httpx, which skips the name and inflates a whole chunk at once: 64 MiB for 272 bytes.
    if last == "br" and any(importlib.util.find_spec(m) for m in ("brotli", "brotlicffi")):
        pytest.skip("with brotli installed, httpx decodes br (and the layers under it)")
    body = gzip.compress(gzip.compress(b"\0" * 64 * MiB))
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, gzip, {last}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    k = key()
    fault_server.canned(k, head.encode("ascii") + body)
    with client(fault_server, "canned", k, max_response_bytes=MiB) as c:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError):
                c.chat.create(model="m", messages=MESSAGES)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 16 * MiB
