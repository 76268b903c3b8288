"""Reading a whole response body within a size cap and a time budget.

httpx's ``read()`` takes whatever the server sends. Here a ``Content-Length`` over the cap is
refused before reading, and the decoded bytes (after gzip and the like, so a small compressed
bomb counts at its real size) are counted as they arrive. The time budget is the read timeout
for the whole body: a server dripping a byte at a time never trips a per-read timeout.

The result is a new ``httpx.Response`` holding the content, as if ``read()`` had been called
(without ``Content-Encoding``, since the content is already decoded).
"""

from __future__ import annotations

import contextlib
from time import perf_counter

import httpx

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


def _deadline(response: httpx.Response) -> float | None:
    timeout = response.request.extensions.get("timeout", {}).get("read")
    return None if timeout is None else perf_counter() + timeout


def _timed_out(response: httpx.Response) -> httpx.ReadTimeout:
    return httpx.ReadTimeout(
        "The response body took longer than the read timeout to arrive.",
        request=response.request,
    )


def _loaded(response: httpx.Response, content: bytes) -> httpx.Response:
    headers = response.headers
    if "content-encoding" in headers:
        headers = httpx.Headers(
            [(k, v) for k, v in headers.multi_items() if k.lower() != "content-encoding"]
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


def read_body(response: httpx.Response, limit: int) -> httpx.Response:
    """``response`` (opened with ``stream=True``) read to the end and closed."""
    try:
        _check_length(response, limit)
        deadline = _deadline(response)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit, "is larger")
            chunks.append(chunk)
            if deadline is not None and perf_counter() > deadline:
                raise _timed_out(response)
    finally:
        response.close()
    return _loaded(response, chunks[0] if len(chunks) == 1 else b"".join(chunks))


async def aread_body(response: httpx.Response, limit: int) -> httpx.Response:
    """The async twin of ``read_body``."""
    try:
        _check_length(response, limit)
        deadline = _deadline(response)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(response, limit, "is larger")
            chunks.append(chunk)
            if deadline is not None and perf_counter() > deadline:
                raise _timed_out(response)
    finally:
        await response.aclose()
    return _loaded(response, chunks[0] if len(chunks) == 1 else b"".join(chunks))
