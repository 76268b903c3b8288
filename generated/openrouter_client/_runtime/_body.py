"""Reading a whole response body within a size cap and a time budget.

httpx's ``read()`` takes whatever the server sends. Here a ``Content-Length`` over the cap is
refused before reading, and bytes are counted as they arrive. The time budget is the read
timeout for the whole body: a server dripping a byte at a time never trips a per-read timeout.

A body without ``Content-Encoding`` (nearly all API responses) is read into the response itself,
through a counting wrapper around its ``stream``, so the object event hooks saw is the one that
holds the content. A compressed body is counted after decoding (a small gzip bomb counts at its
real size), inflated in bounded pieces by ``_decoding`` (br and zstd by httpx's ``iter_bytes()``):
the result is then a new ``httpx.Response`` holding the decoded content, without
``Content-Encoding``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from time import perf_counter
from typing import cast

import httpx

from ._decoding import aiter_decoded, iter_decoded
from ._errors import ResponseTooLargeError

__all__ = ["aread_body", "read_body"]


def _check_length(response: httpx.Response, limit: int) -> None:
    declared = response.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(response, limit, f"declares {int(declared)} bytes")


def _too_large(response: httpx.Response, limit: int, what: str) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"The response body (HTTP {response.status_code}) {what}, more than the client's "
        f"max_response_bytes ({limit}); raise it on the client if such bodies are expected.",
        limit=limit,
        request=response.request,
    )


class _Budget:
    """Counts bytes against the cap and time against the read timeout."""

    __slots__ = ("_deadline", "_limit", "_response", "_size")

    def __init__(self, response: httpx.Response, limit: int) -> None:
        timeout = response.request.extensions.get("timeout", {}).get("read")
        self._deadline = None if timeout is None else perf_counter() + timeout
        self._limit = limit
        self._response = response
        self._size = 0

    def spend(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._limit:
            raise _too_large(self._response, self._limit, "is larger")
        if self._deadline is not None and perf_counter() > self._deadline:
            raise httpx.ReadTimeout(
                "The response body took longer than the read timeout to arrive.",
                request=self._response.request,
            )


class _CountedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response's raw stream, checked against a ``_Budget`` chunk by chunk."""

    def __init__(
        self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, budget: _Budget
    ) -> None:
        self._inner = inner
        self._budget = budget

    def __iter__(self) -> Iterator[bytes]:
        for chunk in cast(httpx.SyncByteStream, self._inner):
            self._budget.spend(chunk)
            yield chunk

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in cast(httpx.AsyncByteStream, self._inner):
            self._budget.spend(chunk)
            yield chunk

    def close(self) -> None:
        cast(httpx.SyncByteStream, self._inner).close()

    async def aclose(self) -> None:
        await cast(httpx.AsyncByteStream, self._inner).aclose()


def _loaded(response: httpx.Response, content: bytes) -> httpx.Response:
    headers = httpx.Headers(
        [(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"]
    )
    loaded = httpx.Response(
        response.status_code,
        headers=headers,
        content=content,
        request=response.request,
        extensions=response.extensions,
        history=response.history,
        default_encoding=response.default_encoding,
    )
    # A response that arrived already read (e.g. from httpx.MockTransport) has no elapsed time.
    with contextlib.suppress(RuntimeError):
        loaded.elapsed = response.elapsed
    return loaded


def _checked(response: httpx.Response, limit: int) -> httpx.Response:
    # A response that arrived already read skipped the stream; hold it to the same cap.
    if len(response.content) > limit:
        raise _too_large(response, limit, "is larger")
    return response


def read_body(response: httpx.Response, limit: int) -> httpx.Response:
    """``response`` (opened with ``stream=True``) read to the end and closed."""
    try:
        _check_length(response, limit)
        budget = _Budget(response, limit)
        if "content-encoding" not in response.headers:
            response.stream = _CountedStream(response.stream, budget)
            response.read()
            return _checked(response, limit)
        chunks: list[bytes] = []
        for piece in iter_decoded(response):
            budget.spend(piece)
            chunks.append(piece)
    finally:
        response.close()
    return _loaded(response, b"".join(chunks))


async def aread_body(response: httpx.Response, limit: int) -> httpx.Response:
    """The async twin of ``read_body``."""
    try:
        _check_length(response, limit)
        budget = _Budget(response, limit)
        if "content-encoding" not in response.headers:
            response.stream = _CountedStream(response.stream, budget)
            await response.aread()
            return _checked(response, limit)
        chunks: list[bytes] = []
        async for piece in aiter_decoded(response):
            budget.spend(piece)
            chunks.append(piece)
    finally:
        await response.aclose()
    return _loaded(response, b"".join(chunks))
