"""The asynchronous client generated clients derive from (see _base_client)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from time import perf_counter
from types import TracebackType
from typing import Any, Self

import httpx

from ._auth import Credential
from ._base_client import BaseClient
from ._body import aread_body
from ._errors import RedirectError
from ._files import UploadStream
from ._operation import Operation
from ._options import DEFAULT_LIMITS, refusing_cookie_jar
from ._response import AsyncAPIResponse, raw_response_requested
from ._retries import RetryPolicy
from ._streamed_response import AsyncStreamedAPIResponse, streamed_response_requested
from ._streaming import AsyncStream
from ._types import NOT_GIVEN, Headers, NotGiven, Query, TimeoutTypes

__all__ = ["AsyncAPIResource", "AsyncClient"]

_INFO = logging.INFO


class AsyncClient(BaseClient):
    """Base of generated asynchronous clients."""

    _http: httpx.AsyncClient

    def __init__(
        self,
        *,
        credentials: Mapping[str, Credential | None] | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        default_query: Query | None = None,
        http_client: httpx.AsyncClient | None = None,
        strict_response_validation: bool = False,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        max_event_bytes: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._configure(
            credentials=credentials,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            strict_response_validation=strict_response_validation,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            retry=retry,
        )
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(
                timeout=self._timeout, limits=DEFAULT_LIMITS, cookies=refusing_cookie_jar()
            )
        )
        self._derive(self._http.headers)

    def with_options(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        default_query: Query | None = None,
        credentials: Mapping[str, Credential | None] | None = None,
        strict_response_validation: bool | None = None,
        http_client: httpx.AsyncClient | None = None,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        max_event_bytes: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """A copy with some settings replaced, sharing this client's connection pool."""
        clone = self._clone(
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            default_headers=default_headers,
            default_query=default_query,
            credentials=credentials,
            strict_response_validation=strict_response_validation,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            retry=retry,
        )
        if http_client is not None:
            clone._http = http_client
        clone._derive(clone._http.headers)
        return clone

    async def _sleep(self, seconds: float) -> None:
        import asyncio  # not imported by sync-only users

        await asyncio.sleep(seconds)

    async def _send(self, request: httpx.Request, operation: Operation) -> httpx.Response:
        """Send, following redirects as ``RedirectPolicy`` allows; the body is not read yet."""
        send = self._http.send
        auth: Any = httpx.USE_CLIENT_DEFAULT
        hops = 0
        keeps = True  # the request still carries the caller's credentials
        while True:
            try:
                response = await send(request, stream=True, follow_redirects=False, auth=auth)
            except httpx.InvalidURL as exc:
                # httpx parses a redirect's Location even when not following it.
                raise RedirectError(
                    f"The server redirected to a URL that cannot be used ({exc}).",
                    request=request,
                ) from None
            if not response.has_redirect_location:
                return response
            try:
                request, keeps = self._redirects.next_request(
                    request,
                    response,
                    self._auth_query(operation),
                    hops,
                    self._http.max_redirects,
                    keeps,
                )
            finally:
                await response.aclose()
            hops += 1
            # The http client's own auth (if any) only on the original origin.
            auth = httpx.USE_CLIENT_DEFAULT if keeps else None

    async def request(
        self,
        operation: Operation,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
        cookies: Mapping[str, object] | None = None,
        body: object = NOT_GIVEN,
        stream: bool | NotGiven | None = False,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | int | NotGiven = NOT_GIVEN,
        idempotency_key: str | NotGiven = NOT_GIVEN,
    ) -> Any:
        """Send ``operation`` and return its parsed result (see docs/runtime.md)."""
        streaming = stream is True
        lazy = streamed_response_requested()  # with_streaming_response: the body stays unread
        request = self._build_request(
            operation, path, query, headers, cookies, body, streaming,
            extra_headers, extra_query, extra_body, timeout, idempotency_key,
        )  # fmt: skip
        policy, max_retries = self._policy(operation, retry)
        if isinstance(request.stream, UploadStream) and not request.stream.replayable:
            max_retries = 0  # an upload from a pipe cannot be sent a second time
        limit = self._max_response_bytes
        retries_taken = 0
        first = perf_counter()
        while True:
            start = perf_counter()
            delay: float | None = None
            try:
                response = await self._send(request, operation)
                if 200 <= response.status_code < 300:
                    if not streaming and not lazy:
                        response = await aread_body(response, limit)
                    break
                delay = self._retry_after_response(
                    response, retries_taken, max_retries, policy, perf_counter() - first
                )
                if delay is not None:
                    await response.aclose()
                else:
                    response = await aread_body(response, limit)
            except httpx.TransportError as exc:
                delay = self._retry_after_error(
                    exc, request, retries_taken, max_retries, policy, perf_counter() - first
                )
                if delay is None:
                    raise self._connection_error(exc, request) from exc
            except httpx.RequestError as exc:
                raise self._connection_error(exc, request) from exc
            if delay is None:
                raise self._status_error(operation, response)
            await self._sleep(delay)
            retries_taken += 1

        if self._logger.isEnabledFor(_INFO):
            self._log_response(response, start)
        if streaming and self._json_instead_of_events(response):
            try:
                response = await aread_body(response, limit)
            except httpx.RequestError as exc:
                raise self._connection_error(exc, request) from exc
            self._raise_embedded_error(operation, response, response.content)
        if lazy:
            return self._streamed(operation, response, streaming, retries_taken, start)
        if raw_response_requested():
            return self._raw(operation, response, streaming, retries_taken, start)
        if streaming:
            return AsyncStream(response, self._event_parser(operation))
        return self._parse_body(operation, response)

    def _raw(
        self,
        operation: Operation,
        response: httpx.Response,
        streaming: bool,
        retries_taken: int,
        start: float,
    ) -> AsyncAPIResponse[Any]:
        def parse() -> Any:
            if streaming:
                return AsyncStream(response, self._event_parser(operation))
            return self._parse_body(operation, response)

        elapsed = timedelta(seconds=perf_counter() - start)
        return AsyncAPIResponse(response, parse, retries_taken=retries_taken, elapsed=elapsed)

    def _streamed(
        self,
        operation: Operation,
        response: httpx.Response,
        streaming: bool,
        retries_taken: int,
        start: float,
    ) -> AsyncStreamedAPIResponse[Any]:
        def parse(response: httpx.Response) -> Any:
            if streaming:
                return AsyncStream(response, self._event_parser(operation))
            return self._parse_body(operation, response)

        return AsyncStreamedAPIResponse(
            response,
            parse,
            events=streaming,
            retries_taken=retries_taken,
            elapsed=timedelta(seconds=perf_counter() - start),
            max_response_bytes=self._max_response_bytes,
            max_line_bytes=self._max_event_bytes,
        )

    async def close(self) -> None:
        """Close the connection pool, if this client created it."""
        if self._owns_http:
            await self._http.aclose()

    aclose = close

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class AsyncAPIResource:
    """Base of generated resources (groups of operations) of an async client."""

    _client: AsyncClient

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
