"""Server-sent events: an incremental parser and the streams that yield typed events.

The parser follows the WHATWG "event stream" interpretation rules: CRLF, LF and CR line endings;
one leading BOM dropped; lines starting with ":" are comments; "field: value" with one space
after the colon stripped; a field without colon has an empty value; ``data`` lines are joined
with "\\n"; a blank line dispatches; an event with no ``data`` is not dispatched; ``id`` persists
across events (unless it contains NUL); ``retry`` is 1 to 15 ASCII digits (longer is ignored).
An event not terminated by a blank line when the stream ends is discarded, as the specification
says.

It works on bytes as they arrive and never holds more than one incomplete line, kept as a list of
chunks joined once when its end arrives (so a long line costs linear time). A line, or the data of
one event, longer than ``max_event_bytes`` raises ``ResponseTooLargeError``: a server sending
bytes without a line break cannot make the client buffer without bound.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Generator, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar, cast

import httpx
import pydantic

from ._decoding import aiter_decoded, iter_decoded
from ._errors import APIConnectionError, APITimeoutError, ResponseTooLargeError
from ._operation import DEFAULT_MAX_EVENT_BYTES

__all__ = ["AsyncStream", "EventParser", "SSEDecoder", "ServerSentEvent", "Stream"]

_T = TypeVar("_T")
_BOM = b"\xef\xbb\xbf"
# After the end-of-stream sentinel, at most this much is read to let the connection be reused.
_MAX_DRAIN = 64 * 1024
# A longer retry value (over 30,000 years in ms) is ignored: int() refuses 4,300 digits and more.
_MAX_RETRY_DIGITS = 15


def _decode(raw: bytes) -> str:
    try:
        return raw.decode()
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


class ServerSentEvent:
    """One dispatched event."""

    __slots__ = ("data", "event", "id", "retry")

    def __init__(
        self,
        data: str = "",
        event: str = "message",
        id: str | None = None,
        retry: int | None = None,
    ) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def json(self) -> Any:
        return json.loads(self.data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.data, self.event, self.id, self.retry) == (
            other.data,
            other.event,
            other.id,
            other.retry,
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(event={self.event!r}, data={self.data!r}, id={self.id!r}, "
            f"retry={self.retry!r})"
        )


class SSEDecoder:
    """Incremental event-stream parser: ``feed`` bytes, get the events they complete."""

    __slots__ = (
        "_bom_pending",
        "_data",
        "_data_size",
        "_event",
        "_event_retry",
        "_max",
        "_pending",
        "_pending_size",
        "_skip_lf",
        "last_id",
        "retry",
    )

    def __init__(self, max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES) -> None:
        self._max = max_event_bytes
        self._pending: list[bytes] = []  # the incomplete last line, in the chunks it came in
        self._pending_size = 0
        self._data_size = 0  # bytes of data lines of the event being collected
        self._skip_lf = False  # the previous chunk ended in CR: a leading LF belongs to it
        self._bom_pending = True
        self._data: list[bytes] | None = None
        self._event: bytes | None = None
        self._event_retry: int | None = None
        self.last_id: str | None = None
        self.retry: int | None = None  # the reconnection time the server asked for, in ms

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
                if not chunk:
                    return []
        if b"\r" in chunk:
            self._skip_lf = chunk[-1] == 0x0D
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if b"\n" not in chunk:
            # No line ends here: the incomplete line only grows.
            self._pending.append(chunk)
            self._pending_size += len(chunk)
            if self._pending_size > self._max:
                raise self._too_large("A line of the event stream")
            return []
        if self._pending:
            self._pending.append(chunk)
            chunk = b"".join(self._pending)
            self._pending = []
            self._pending_size = 0
        elif (
            # Fast path: the chunk is exactly one "data: ..." event and nothing is pending.
            chunk.startswith(b"data: ")
            and chunk.endswith(b"\n\n")
            and chunk.count(b"\n") == 2
            and len(chunk) <= self._max
            and self._data is None
            and self._event is None
            and self._event_retry is None
        ):
            self._bom_pending = False
            return [ServerSentEvent(_decode(chunk[6:-2]), "message", self.last_id)]
        if self._bom_pending:
            self._bom_pending = False  # the chunk has a line end, so it holds a whole BOM if any
            if chunk.startswith(_BOM):
                chunk = chunk[3:]
        lines = chunk.split(b"\n")
        last = lines.pop()
        if last:
            self._pending.append(last)
            self._pending_size = len(last)
            if self._pending_size > self._max:
                raise self._too_large("A line of the event stream")
        events: list[ServerSentEvent] = []
        data = self._data
        size = self._data_size
        for line in lines:
            # The data field first: it is nearly every line of a typical stream.
            if line.startswith(b"data: "):
                size += len(line)
                if data is None:
                    data = [line[6:]]
                else:
                    data.append(line[6:])
            elif not line:
                if data is not None:
                    if size > self._max:
                        raise self._too_large("An event of the stream")
                    events.append(self._dispatch(data))
                    data = None
                    size = 0
                self._event = None
                self._event_retry = None
            elif line[0] == 0x3A:  # ":" comment, e.g. a keep-alive
                continue
            else:
                colon = line.find(b":")
                if colon < 0:
                    field, value = line, b""
                else:
                    field = line[:colon]
                    value = line[colon + 1 :]
                    if value[:1] == b" ":
                        value = value[1:]
                if field == b"data":
                    size += len(line)
                    if data is None:
                        data = [value]
                    else:
                        data.append(value)
                elif field == b"event":
                    self._event = value
                elif field == b"id":
                    if b"\0" not in value:
                        self.last_id = _decode(value)
                elif field == b"retry" and value.isdigit() and len(value) <= _MAX_RETRY_DIGITS:
                    self.retry = self._event_retry = int(value)
        self._data = data
        self._data_size = size
        if size > self._max:
            raise self._too_large("An event of the stream")
        return events

    def _too_large(self, what: str) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            f"{what} is larger than the client's max_event_bytes ({self._max}); raise it on the "
            "client if such events are expected.",
            limit=self._max,
        )

    def _dispatch(self, data: list[bytes]) -> ServerSentEvent:
        text = _decode(data[0] if len(data) == 1 else b"\n".join(data))
        event = _decode(self._event) if self._event else "message"
        return ServerSentEvent(text, event, self.last_id, self._event_retry)

    def decode(self, chunks: Iterator[bytes]) -> Iterator[ServerSentEvent]:
        """All events of a byte stream (an unterminated last event is discarded)."""
        for chunk in chunks:
            yield from self.feed(chunk)


class EventParser(Generic[_T]):
    """How a stream turns each event's data into a value (built by the client per call).

    ``validate`` is the fast path (None: yield the ``ServerSentEvent`` itself); ``recover``
    handles a validation failure (lenient fallback or error); ``on_error_marker`` is called when
    ``error_marker`` occurs in the data and raises if it is really an error object.
    """

    __slots__ = (
        "done",
        "error_marker",
        "max_event_bytes",
        "on_error_marker",
        "recover",
        "validate",
    )

    def __init__(
        self,
        *,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        validate: Callable[[str], _T] | None,
        recover: Callable[[httpx.Response, str, pydantic.ValidationError], _T],
        done: str | None,
        error_marker: str | None,
        on_error_marker: Callable[[httpx.Response, str], None],
    ) -> None:
        self.max_event_bytes = max_event_bytes
        self.validate = validate
        self.recover = recover
        self.done = done
        self.error_marker = error_marker
        self.on_error_marker = on_error_marker


def _wrap_transport_error(exc: Exception, response: httpx.Response) -> APIConnectionError:
    # Any httpx.RequestError: a corrupt gzip stream is a DecodingError, not a TransportError.
    request = response.request
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError("Timed out while reading the stream.", request=request)
    return APIConnectionError(f"The stream broke: {type(exc).__name__}: {exc}", request=request)


class Stream(Generic[_T]):
    """Typed events of a streaming response; closes the response when done, closed or exited.

    Use as an iterator, ideally inside ``with``: ``with client.x.create(..., stream=True) as s:``.
    """

    response: httpx.Response

    def __init__(self, response: httpx.Response, parser: EventParser[_T]) -> None:
        self.response = response
        self._parser = parser
        self._iterator = self._events()

    def __iter__(self) -> Iterator[_T]:
        return self._iterator

    def __next__(self) -> _T:
        return next(self._iterator)

    def __enter__(self) -> Stream[_T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._iterator.close()
        self.response.close()

    def _events(self) -> Generator[_T, None, None]:
        response = self.response
        parser = self._parser
        validate, done, marker = parser.validate, parser.done, parser.error_marker
        feed = SSEDecoder(parser.max_event_bytes).feed
        finished = False
        drained = 0
        try:
            try:
                for chunk in iter_decoded(response):
                    if finished:
                        # Drain a little after the sentinel so the connection can be reused.
                        drained += len(chunk)
                        if drained > _MAX_DRAIN:
                            break
                        continue
                    for sse in feed(chunk):
                        data = sse.data
                        if data == done:
                            finished = True
                            break
                        if marker is not None and marker in data:
                            parser.on_error_marker(response, data)
                        if validate is None:
                            yield cast(_T, sse)
                        elif data:
                            try:
                                item = validate(data)
                            except pydantic.ValidationError as exc:
                                item = parser.recover(response, data, exc)
                            yield item
            except (httpx.RequestError, httpx.StreamError) as exc:
                raise _wrap_transport_error(exc, response) from exc
        finally:
            response.close()


class AsyncStream(Generic[_T]):
    """The async twin of ``Stream``: ``async for`` / ``async with`` / ``await close()``."""

    response: httpx.Response

    def __init__(self, response: httpx.Response, parser: EventParser[_T]) -> None:
        self.response = response
        self._parser = parser
        self._iterator = self._events()

    def __aiter__(self) -> AsyncIterator[_T]:
        return self._iterator

    async def __anext__(self) -> _T:
        return await self._iterator.__anext__()

    async def __aenter__(self) -> AsyncStream[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._iterator.aclose()
        await self.response.aclose()

    async def _events(self) -> AsyncGenerator[_T, None]:
        response = self.response
        parser = self._parser
        validate, done, marker = parser.validate, parser.done, parser.error_marker
        feed = SSEDecoder(parser.max_event_bytes).feed
        finished = False
        drained = 0
        try:
            try:
                async for chunk in aiter_decoded(response):
                    if finished:
                        drained += len(chunk)
                        if drained > _MAX_DRAIN:
                            break
                        continue
                    for sse in feed(chunk):
                        data = sse.data
                        if data == done:
                            finished = True
                            break
                        if marker is not None and marker in data:
                            parser.on_error_marker(response, data)
                        if validate is None:
                            yield cast(_T, sse)
                        elif data:
                            try:
                                item = validate(data)
                            except pydantic.ValidationError as exc:
                                item = parser.recover(response, data, exc)
                            yield item
            except (httpx.RequestError, httpx.StreamError) as exc:
                raise _wrap_transport_error(exc, response) from exc
        finally:
            await response.aclose()
