"""Lazy bodies: ``with_streaming_response`` wrappers and the ``StreamedAPIResponse`` they yield.

``with client.with_streaming_response.files.content(id) as response:`` sends the request and
enters once the status line and headers have arrived; the body is still on the wire. It is then
read in pieces (``iter_bytes``, ``iter_text``, ``iter_lines``), whole (``read``, bounded by the
client's ``max_response_bytes``) or parsed (``parse``, what the plain call returns). Leaving the
block closes the connection whatever was read, so a download is never held whole in memory
unless asked for.

A wrapper sets a context variable around the call, as ``with_raw_response`` does; the client's
``request()`` then skips reading a successful body and hands the open response to
``StreamedAPIResponse``. Error statuses still raise on entering, with their (bounded) body read.
"""

from __future__ import annotations

import codecs
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import timedelta
from types import TracebackType
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

from ._body import aread_body, read_body
from ._decoding import aiter_decoded, iter_decoded
from ._errors import ResponseTooLargeError
from ._operation import DEFAULT_MAX_EVENT_BYTES
from ._streaming import _wrap_transport_error

__all__ = [
    "AsyncStreamedAPIResponse",
    "AsyncStreamedResponseContext",
    "StreamedAPIResponse",
    "StreamedResponseContext",
    "async_to_streamed_response_wrapper",
    "read_streamed_response",
    "streamed_response_requested",
    "to_streamed_response_wrapper",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_S = TypeVar("_S", bound="_StreamedBase[Any]")

_STREAMED: ContextVar[bool] = ContextVar("streamed_response", default=False)
_UNPARSED: Any = object()


def streamed_response_requested() -> bool:
    return _STREAMED.get()


def _rechunk(pieces: Iterator[bytes], size: int) -> Iterator[bytes]:
    buffer = bytearray()
    for piece in pieces:
        buffer += piece
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


def _chunk_size(value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise ValueError(f"chunk_size must be a positive number of bytes or None, got {value!r}")
    return value


class _Lines:
    """Splits text into lines (LF, CRLF or CR), holding at most ``limit`` characters of one."""

    __slots__ = ("_limit", "_pending", "_size", "_skip_lf")

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._pending: list[str] = []  # the incomplete last line, in the pieces it came in
        self._size = 0
        self._skip_lf = False  # the last piece ended in CR: a leading LF belongs to it

    def feed(self, text: str) -> list[str]:
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = text.endswith("\r")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        parts = text.split("\n")
        last = parts.pop()
        if parts and self._pending:
            parts[0] = "".join(self._pending) + parts[0]
            self._pending = []
            self._size = 0
        if last:
            self._pending.append(last)
            self._size += len(last)
        if self._size > self._limit or any(len(p) > self._limit for p in parts):
            raise ResponseTooLargeError(
                f"A line of the response is longer than the client's max_event_bytes "
                f"({self._limit}); raise it on the client, or read with iter_bytes().",
                limit=self._limit,
            )
        return parts

    def flush(self) -> list[str]:
        rest = "".join(self._pending)
        self._pending = []
        self._size = 0
        return [rest] if rest else []


def _text_decoder(response: httpx.Response) -> codecs.IncrementalDecoder:
    try:
        return codecs.getincrementaldecoder(response.encoding or "utf-8")(errors="replace")
    except LookupError:  # a charset Python does not know
        return codecs.getincrementaldecoder("utf-8")(errors="replace")


class _StreamedBase(Generic[_R]):
    """What the sync and async responses share: status, headers and bookkeeping."""

    __slots__ = (
        "_loaded",
        "_max_line",
        "_max_response",
        "_parse",
        "_parsed",
        "_started",
        "_stream",
        "elapsed",
        "http_response",
        "retries_taken",
    )

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Callable[[httpx.Response], _R],
        *,
        events: bool,
        retries_taken: int,
        elapsed: timedelta,
        max_response_bytes: int,
        max_line_bytes: int,
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self.elapsed = elapsed
        self._parse = parse
        self._parsed: _R = _UNPARSED
        self._stream = events  # parse() yields a Stream of events over the open response
        self._loaded: httpx.Response | None = None
        self._started = False
        self._max_response = max_response_bytes
        self._max_line = max_line_bytes

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def is_closed(self) -> bool:
        return self.http_response.is_closed

    def _start(self) -> httpx.Response | None:
        """The read body if there is one; else marks the wire stream as taken (once only)."""
        if self._loaded is not None:
            return self._loaded
        if self._started:
            raise httpx.StreamConsumed()
        self._started = True
        return None

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}]"
            f" retries_taken={self.retries_taken}>"
        )


class StreamedAPIResponse(_StreamedBase[_R]):
    """A response whose body has not been read yet (see the module's docstring)."""

    __slots__ = ()

    def read(self) -> bytes:
        """The whole body (decoded), at most ``max_response_bytes``; kept for ``parse``."""
        return self._read().content

    def _read(self) -> httpx.Response:
        loaded = self._start()
        if loaded is None:
            try:
                loaded = read_body(self.http_response, self._max_response)
            except (httpx.RequestError, httpx.StreamError) as exc:
                raise _wrap_transport_error(exc, self.http_response) from exc
            self._loaded = loaded
        return loaded

    def text(self) -> str:
        return self._read().text

    def json(self) -> Any:
        return json.loads(self._read().content)

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body (decoded) as it arrives; ``chunk_size`` evens the pieces out."""
        size = _chunk_size(chunk_size)
        pieces = self._pieces()
        return pieces if size is None else _rechunk(pieces, size)

    def _pieces(self) -> Iterator[bytes]:
        loaded = self._start()
        if loaded is not None:
            if loaded.content:
                yield loaded.content
            return
        response = self.http_response
        try:
            yield from iter_decoded(response)
        except (httpx.RequestError, httpx.StreamError) as exc:
            raise _wrap_transport_error(exc, response) from exc
        finally:
            response.close()

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body as text (the response's charset, else UTF-8) as it arrives."""
        decoder = _text_decoder(self.http_response)
        for chunk in self.iter_bytes(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        rest = decoder.decode(b"", final=True)
        if rest:
            yield rest

    def iter_lines(self) -> Iterator[str]:
        """The body's lines without their endings; one is at most ``max_event_bytes``."""
        lines = _Lines(self._max_line)
        for text in self.iter_text():
            yield from lines.feed(text)
        yield from lines.flush()

    def parse(self) -> _R:
        """What the plain call returns (computed once): reads the body, or streams its events."""
        if self._parsed is _UNPARSED:
            if self._stream:
                self._start()
                self._parsed = self._parse(self.http_response)
            else:
                self._parsed = self._parse(self._read())
        return self._parsed

    def close(self) -> None:
        self.http_response.close()


class AsyncStreamedAPIResponse(_StreamedBase[_R]):
    """The async twin of ``StreamedAPIResponse``: ``await read()``, ``async for`` iterators."""

    __slots__ = ()

    async def read(self) -> bytes:
        return (await self._read()).content

    async def _read(self) -> httpx.Response:
        loaded = self._start()
        if loaded is None:
            try:
                loaded = await aread_body(self.http_response, self._max_response)
            except (httpx.RequestError, httpx.StreamError) as exc:
                raise _wrap_transport_error(exc, self.http_response) from exc
            self._loaded = loaded
        return loaded

    async def text(self) -> str:
        return (await self._read()).text

    async def json(self) -> Any:
        return json.loads((await self._read()).content)

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        size = _chunk_size(chunk_size)
        buffer = bytearray()
        async for piece in self._pieces():
            if size is None:
                yield piece
                continue
            buffer += piece
            while len(buffer) >= size:
                yield bytes(buffer[:size])
                del buffer[:size]
        if buffer:
            yield bytes(buffer)

    async def _pieces(self) -> AsyncIterator[bytes]:
        loaded = self._start()
        if loaded is not None:
            if loaded.content:
                yield loaded.content
            return
        response = self.http_response
        try:
            async for piece in aiter_decoded(response):
                yield piece
        except (httpx.RequestError, httpx.StreamError) as exc:
            raise _wrap_transport_error(exc, response) from exc
        finally:
            await response.aclose()

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        decoder = _text_decoder(self.http_response)
        async for chunk in self.iter_bytes(chunk_size):
            text = decoder.decode(chunk)
            if text:
                yield text
        rest = decoder.decode(b"", final=True)
        if rest:
            yield rest

    async def iter_lines(self) -> AsyncIterator[str]:
        lines = _Lines(self._max_line)
        async for text in self.iter_text():
            for line in lines.feed(text):
                yield line
        for line in lines.flush():
            yield line

    async def parse(self) -> _R:
        if self._parsed is _UNPARSED:
            if self._stream:
                self._start()
                self._parsed = self._parse(self.http_response)
            else:
                self._parsed = self._parse(await self._read())
        return self._parsed

    async def close(self) -> None:
        await self.http_response.aclose()


def read_streamed_response(
    cls: type[_S],
    http_response: httpx.Response,
    value: object,
    *,
    retries_taken: int,
    elapsed: timedelta,
) -> _S:
    """A streamed response over one already read, whose ``parse()`` is ``value`` (the first
    page of a list method: pages read their bodies to find the next one)."""
    streamed = cls(
        http_response,
        lambda _: value,
        events=False,
        retries_taken=retries_taken,
        elapsed=elapsed,
        max_response_bytes=len(http_response.content),
        max_line_bytes=DEFAULT_MAX_EVENT_BYTES,
    )
    streamed._loaded = http_response
    return streamed


class StreamedResponseContext(Generic[_R]):
    """Sends the request on ``__enter__``; closes the response on ``__exit__``."""

    __slots__ = ("_response", "_send")

    def __init__(self, send: Callable[[], StreamedAPIResponse[_R]]) -> None:
        self._send = send
        self._response: StreamedAPIResponse[_R] | None = None

    def __enter__(self) -> StreamedAPIResponse[_R]:
        self._response = self._send()
        return self._response

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            self._response.close()


class AsyncStreamedResponseContext(Generic[_R]):
    """The async twin of ``StreamedResponseContext`` (``async with``)."""

    __slots__ = ("_response", "_send")

    def __init__(self, send: Callable[[], Awaitable[AsyncStreamedAPIResponse[_R]]]) -> None:
        self._send = send
        self._response: AsyncStreamedAPIResponse[_R] | None = None

    async def __aenter__(self) -> AsyncStreamedAPIResponse[_R]:
        self._response = await self._send()
        return self._response

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._response is not None:
            await self._response.close()


def to_streamed_response_wrapper(fn: Callable[_P, _R]) -> Callable[_P, StreamedResponseContext[_R]]:
    """Wrap a generated method so it returns a context manager over the unread response."""

    @functools.wraps(fn)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> StreamedResponseContext[_R]:
        def send() -> StreamedAPIResponse[_R]:
            token = _STREAMED.set(True)
            try:
                return cast(StreamedAPIResponse[_R], fn(*args, **kwargs))
            finally:
                _STREAMED.reset(token)

        return StreamedResponseContext(send)

    return wrapped


def async_to_streamed_response_wrapper(
    fn: Callable[_P, Awaitable[_R]],
) -> Callable[_P, AsyncStreamedResponseContext[_R]]:
    """The async twin of ``to_streamed_response_wrapper`` (``async with``)."""

    @functools.wraps(fn)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncStreamedResponseContext[_R]:
        async def send() -> AsyncStreamedAPIResponse[_R]:
            token = _STREAMED.set(True)
            try:
                return cast(AsyncStreamedAPIResponse[_R], await fn(*args, **kwargs))
            finally:
                _STREAMED.reset(token)

        return AsyncStreamedResponseContext(send)

    return wrapped
