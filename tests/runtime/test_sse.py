from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, ClassVar

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.runtime import (
    APIConnectionError,
    APIResponseValidationError,
    AsyncStream,
    ClientConfig,
    InternalServerError,
    Operation,
    ServerSentEvent,
    SSEDecoder,
    Stream,
    SyncClient,
)
from tests.runtime.fake_api import Chunk
from tests.runtime.helpers import make_async_client, make_client


def parse(data: bytes, chunk_size: int | None = None) -> list[ServerSentEvent]:
    decoder = SSEDecoder()
    if chunk_size is None:
        return decoder.feed(data)
    out: list[ServerSentEvent] = []
    for i in range(0, len(data), chunk_size):
        out.extend(decoder.feed(data[i : i + chunk_size]))
    return out


def ev(
    data: str, event: str = "message", id: str | None = None, retry: int | None = None
) -> ServerSentEvent:
    return ServerSentEvent(data, event, id, retry)


# -- the parser -----------------------------------------------------------------------------------


def test_basic_event() -> None:
    assert parse(b"data: hello\n\n") == [ev("hello")]


def test_multi_line_data_is_joined_with_newlines() -> None:
    assert parse(b"data: a\ndata: b\ndata:\n\n") == [ev("a\nb\n")]


def test_comments_are_ignored() -> None:
    assert parse(b": OPENROUTER PROCESSING\n\n: ping\ndata: x\n: mid\n\n") == [ev("x")]


@pytest.mark.parametrize("eol", [b"\n", b"\r\n", b"\r"])
def test_line_endings(eol: bytes) -> None:
    raw = b"event: e" + eol + b"data: 1" + eol + b"data: 2" + eol + eol + b"data: 3" + eol + eol
    assert parse(raw) == [ev("1\n2", "e"), ev("3")]
    assert parse(raw, chunk_size=1) == [ev("1\n2", "e"), ev("3")]


def test_crlf_split_across_chunks_is_one_line_ending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\n\r") == [ev("a")]  # the LF completes the CRLF; the CR is a blank line
    assert decoder.feed(b"\ndata: b\n\n") == [ev("b")]


def test_bom_is_stripped_once() -> None:
    assert parse(b"\xef\xbb\xbfdata: x\n\n") == [ev("x")]
    assert parse(b"\xef\xbb\xbfdata: x\n\n", chunk_size=1) == [ev("x")]
    # A second BOM is part of the field name, so the line is an unknown field.
    assert parse(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\n") == []


def test_field_without_colon() -> None:
    assert parse(b"data\n\n") == [ev("")]
    assert parse(b"data: x\nevent\n\n") == [ev("x", "message")]


def test_only_one_space_after_colon_is_stripped() -> None:
    assert parse(b"data:  two\n\ndata:none\n\n") == [ev(" two"), ev("none")]


def test_event_type_resets_and_id_persists() -> None:
    raw = b"event: a\nid: 7\ndata: 1\n\ndata: 2\n\nid\ndata: 3\n\n"
    assert parse(raw) == [ev("1", "a", "7"), ev("2", "message", "7"), ev("3", "message", "")]


def test_id_with_nul_is_ignored() -> None:
    assert parse(b"id: 1\ndata: a\n\nid: x\x00y\ndata: b\n\n") == [ev("a", id="1"), ev("b", id="1")]


def test_retry_field() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"retry: 1500\ndata: a\n\nretry: soon\ndata: b\n\n") == [
        ev("a", retry=1500),
        ev("b"),
    ]
    assert decoder.retry == 1500


def test_retry_value_too_long_for_an_int_is_ignored() -> None:
    # int() refuses 4,300 digits and more: this was a raw ValueError out of the stream.
    decoder = SSEDecoder()
    huge = b"9" * 100_000
    assert decoder.feed(b"retry: 20\n\nretry: " + huge + b"\ndata: a\n\n") == [ev("a")]
    assert decoder.retry == 20
    assert decoder.feed(b"retry: 999999999999999\ndata: b\n\n") == [
        ev("b", retry=999_999_999_999_999)
    ]


def test_event_without_data_is_not_dispatched() -> None:
    assert parse(b"event: ping\n\nid: 3\n\n\n\ndata: x\n\n") == [ev("x", id="3")]


def test_unknown_fields_are_ignored() -> None:
    assert parse(b"foo: bar\ndata: x\n\n") == [ev("x")]


def test_unterminated_last_event_is_discarded() -> None:
    assert parse(b"data: complete\n\ndata: partial\n") == [ev("complete")]
    assert parse(b"data: complete\n\ndata: partial") == [ev("complete")]


def test_utf8_split_across_chunks() -> None:
    raw = "data: héllo wörld ✓\n\n".encode()
    assert parse(raw, chunk_size=1) == [ev("héllo wörld ✓")]


def test_invalid_utf8_is_replaced() -> None:
    assert parse(b"data: \xff\n\n") == [ev("\ufffd")]


# -- property: chunking never changes the result --------------------------------------------------


def reference_parse(raw: bytes) -> list[ServerSentEvent]:
    """A direct, whole-buffer transcription of the WHATWG interpretation rules."""
    text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = re.split(r"\r\n|\r|\n", text)[:-1]  # the last piece is not a complete line
    events: list[ServerSentEvent] = []
    data, event_type, last_id, retry = "", "", None, None
    has_data = False
    for line in lines:
        if line == "":
            if has_data:
                events.append(ServerSentEvent(data[:-1], event_type or "message", last_id, retry))
            data, event_type, has_data, retry = "", "", False, None
            continue
        if line.startswith(":"):
            continue
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if field == "data":
            data += value + "\n"
            has_data = True
        elif field == "event":
            event_type = value
        elif field == "id" and "\0" not in value:
            last_id = value
        elif field == "retry" and value.isascii() and value.isdigit():
            retry = int(value)
    return events


_line = st.one_of(
    st.builds(lambda v: f"data: {v}", st.text(alphabet='ab{}":, é✓', max_size=8)),
    st.builds(lambda v: f"data:{v}", st.text(alphabet="ab ", max_size=4)),
    st.just("data"),
    st.builds(lambda v: f"event: {v}", st.sampled_from(["", "x", "update"])),
    st.builds(lambda v: f"id: {v}", st.sampled_from(["", "1", "a\0b"])),
    st.builds(lambda v: f"retry: {v}", st.sampled_from(["10", "x", ""])),
    st.just(": OPENROUTER PROCESSING"),
    st.just(""),
    st.just("unknown: field"),
)
_eol = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def event_streams(draw: st.DrawFn) -> bytes:
    lines = draw(st.lists(st.tuples(_line, _eol), max_size=25))
    text = "".join(line + eol for line, eol in lines)
    if draw(st.booleans()):
        text += draw(_line)  # maybe an unterminated tail
    prefix = "\ufeff" if draw(st.booleans()) else ""
    return (prefix + text).encode()


@settings(max_examples=300, deadline=None)
@given(raw=event_streams(), cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_any_chunking_yields_the_same_events(raw: bytes, cuts: list[int]) -> None:
    expected = reference_parse(raw)
    assert SSEDecoder().feed(raw) == expected
    points = sorted({min(c, len(raw)) for c in cuts})
    pieces = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    decoder = SSEDecoder()
    got = [e for piece in pieces for e in decoder.feed(piece)]
    assert got == expected


# -- streams --------------------------------------------------------------------------------------


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in the given pieces, optionally failing at the end."""

    def __init__(self, pieces: list[bytes], fail: Exception | None = None) -> None:
        self.pieces = pieces
        self.fail = fail
        self.pulled = 0
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        for piece in self.pieces:
            self.pulled += 1
            yield piece
        if self.fail is not None:
            raise self.fail

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self:
            yield piece

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


def chunk_event(i: int, content: str = "x") -> bytes:
    return b'data: {"id":"c%d","choices":[{"index":0,"delta":{"content":"%s"}}]}\n\n' % (
        i,
        content.encode(),
    )


def sse_reply(body: Chunks) -> Callable[[httpx.Request], httpx.Response]:
    def reply(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=body)

    return reply


MESSAGES = [{"role": "user", "content": "hi"}]


def test_stream_yields_typed_events_until_done_and_closes() -> None:
    body = Chunks(
        [b": OPENROUTER PROCESSING\n\n", chunk_event(0), chunk_event(1), b"data: [DONE]\n\n"]
    )
    c, rec, _ = make_client(sse_reply(body))
    stream = c.chat.create(model="m", messages=MESSAGES, stream=True)
    assert isinstance(stream, Stream)
    assert rec.last.headers["accept"] == "text/event-stream"
    chunks = list(stream)
    assert [ch.id for ch in chunks] == ["c0", "c1"]
    assert all(isinstance(ch, Chunk) for ch in chunks)
    assert stream.response.is_closed
    assert body.closed


def test_stream_is_incremental() -> None:
    body = Chunks([chunk_event(i) for i in range(50)] + [b"data: [DONE]\n\n"])
    c, _, _ = make_client(sse_reply(body))
    with c.chat.create(model="m", messages=MESSAGES, stream=True) as stream:
        first = next(iter(stream))
        assert first.id == "c0"
        assert body.pulled <= 2  # the rest is still unread


def test_stream_close_early_and_context_manager() -> None:
    body = Chunks([chunk_event(i) for i in range(10)])
    c, _, _ = make_client(sse_reply(body))
    stream = c.chat.create(model="m", messages=MESSAGES, stream=True)
    next(stream)
    stream.close()
    assert stream.response.is_closed and body.closed
    assert list(stream) == []

    body2 = Chunks([chunk_event(i) for i in range(10)])
    c2, _, _ = make_client(sse_reply(body2))
    with c2.chat.create(model="m", messages=MESSAGES, stream=True) as s2:
        next(s2)
    assert s2.response.is_closed and body2.closed

    body3 = Chunks([chunk_event(0)])
    c3, _, _ = make_client(sse_reply(body3))
    with c3.chat.create(model="m", messages=MESSAGES, stream=True) as s3:
        pass  # never iterated
    assert s3.response.is_closed


def test_error_event_raises_from_iteration() -> None:
    error = b'data: {"error": {"code": 502, "message": "Provider returned error"}}\n\n'
    body = Chunks([chunk_event(0), error, chunk_event(1)])
    c, _, _ = make_client(sse_reply(body))
    got: list[Any] = []
    with pytest.raises(InternalServerError, match="Provider returned error") as info:
        for ch in c.chat.create(model="m", messages=MESSAGES, stream=True):
            got.append(ch)
    assert [ch.id for ch in got] == ["c0"]
    assert info.value.status_code == 502
    assert body.closed


def test_broken_stream_raises_connection_error_and_is_not_retried() -> None:
    body = Chunks([chunk_event(0), b'data: {"id":"c1"'], fail=httpx.ReadError("connection lost"))
    c, rec, sleeps = make_client(sse_reply(body))
    got: list[Any] = []
    with pytest.raises(APIConnectionError) as info:
        for ch in c.chat.create(model="m", messages=MESSAGES, stream=True):
            got.append(ch)
    assert len(got) == 1
    assert isinstance(info.value.__cause__, httpx.ReadError)
    assert rec.calls == 1 and sleeps == []


def test_malformed_event_raises_validation_error() -> None:
    body = Chunks([b"data: {not json\n\n"])
    c, _, _ = make_client(sse_reply(body))
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        list(c.chat.create(model="m", messages=MESSAGES, stream=True))


def test_lenient_and_strict_event_validation() -> None:
    odd = b'data: {"id": 5, "choices": "later"}\n\n'
    c, _, _ = make_client(sse_reply(Chunks([odd])))
    (chunk,) = list(c.chat.create(model="m", messages=MESSAGES, stream=True))
    assert isinstance(chunk, Chunk) and chunk.id == 5 and chunk.choices == "later"
    strict, _, _ = make_client(sse_reply(Chunks([odd])), strict_response_validation=True)
    with pytest.raises(APIResponseValidationError, match="does not match"):
        list(strict.chat.create(model="m", messages=MESSAGES, stream=True))


class RawEvents(SyncClient):
    _config: ClassVar[ClientConfig] = ClientConfig(default_base_url="https://x.test", sse_done=None)


def test_untyped_stream_yields_events_and_sentinel_can_be_disabled() -> None:
    body = Chunks([b"event: a\ndata: 1\n\n", b"data: [DONE]\n\n", b"data: after\n\n"])
    http = httpx.Client(transport=httpx.MockTransport(sse_reply(body)))
    client = RawEvents(http_client=http)
    op = Operation("GET", "/events", "events")
    events = list(client.request(op, stream=True))
    assert events == [ev("1", "a"), ev("[DONE]"), ev("after")]


def test_error_status_on_stream_request_raises_with_body() -> None:
    c, _, _ = make_client(
        httpx.Response(401, json={"error": {"message": "bad key"}}), max_retries=0
    )
    from generator.runtime import AuthenticationError

    with pytest.raises(AuthenticationError, match="bad key"):
        c.chat.create(model="m", messages=MESSAGES, stream=True)


def test_json_error_answer_to_a_streaming_request() -> None:
    answer = httpx.Response(200, json={"error": {"code": 401, "message": "No auth"}})
    c, _, _ = make_client(answer)
    from generator.runtime import AuthenticationError

    with pytest.raises(AuthenticationError, match="No auth"):
        c.chat.create(model="m", messages=MESSAGES, stream=True)

    async def main() -> None:
        ac, _, _ = make_async_client(answer)
        with pytest.raises(AuthenticationError):
            await ac.chat.create(model="m", messages=MESSAGES, stream=True)

    asyncio.run(main())


def test_async_stream() -> None:
    body = Chunks(
        [b": OPENROUTER PROCESSING\n\n", chunk_event(0), chunk_event(1), b"data: [DONE]\n\n"]
    )

    async def main() -> list[str]:
        c, _, _ = make_async_client(sse_reply(body))
        stream = await c.chat.create(model="m", messages=MESSAGES, stream=True)
        assert isinstance(stream, AsyncStream)
        async with stream:
            ids = [ch.id async for ch in stream]
        assert stream.response.is_closed
        return ids

    assert asyncio.run(main()) == ["c0", "c1"]
    assert body.closed


def test_async_stream_errors() -> None:
    error = b'data: {"error": {"code": 429, "message": "slow"}}\n\n'

    async def main() -> None:
        c, _, _ = make_async_client(sse_reply(Chunks([chunk_event(0), error])))
        from generator.runtime import RateLimitError

        stream = await c.chat.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(RateLimitError):
            async for _ in stream:
                pass
        c2, _, _ = make_async_client(sse_reply(Chunks([chunk_event(0)], fail=httpx.ReadError("x"))))
        stream2 = await c2.chat.create(model="m", messages=MESSAGES, stream=True)
        with pytest.raises(APIConnectionError):
            async for _ in stream2:
                pass
        c3, _, _ = make_async_client(sse_reply(Chunks([chunk_event(i) for i in range(5)])))
        stream3 = await c3.chat.create(model="m", messages=MESSAGES, stream=True)
        await stream3.__anext__()
        await stream3.close()
        assert stream3.response.is_closed

    asyncio.run(main())
