"""The asynchronous client generated clients derive from (see _base_client)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import timedelta
from time import perf_counter
from types import TracebackType
from typing import Any, Self

import httpx

from ._auth import Credential
from ._auth_flows import AuthOption
from ._base_client import BaseClient
from ._body import aread_body
from ._deprecation import warn_deprecated
from ._errors import APIError, RedirectError
from ._files import UploadStream
from ._operation import Operation
from ._options import DEFAULT_LIMITS, refusing_cookie_jar
from ._pagination import AsyncPaginator
from ._response import AsyncAPIResponse, raw_response_requested
from ._retries import RetryPolicy
from ._streamed_response import AsyncStreamedAPIResponse, streamed_response_requested
from ._streaming import AsyncStream
from ._types import NOT_GIVEN, Headers, NotGiven, Query, TimeoutTypes

__all__ = ["AsyncAPIResource", "AsyncClient"]

_INFO = logging.INFO


class AsyncClient(BaseClient[httpx.AsyncClient]):
    """Base of generated asynchronous clients."""

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
        hooks: Iterable[object] | None = None,
        auth: AuthOption | None = None,
        server: str | None = None,
        server_variables: Mapping[str, str | None] | None = None,
        package_hooks: Iterable[object] | None = None,
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
            hooks=hooks,
            auth=auth,
            server=server,
            server_variables=server_variables,
            package_hooks=package_hooks,
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

    async def _sleep(self, seconds: float) -> None:
        import asyncio  # not imported by sync-only users

        await asyncio.sleep(seconds)

    async def _send(
        self, request: httpx.Request, operation: Operation, flow: Any
    ) -> httpx.Response:
        """Send, following redirects as ``RedirectPolicy`` allows; the body is not read yet."""
        send = self._http.send
        auth: Any = flow  # this call's flow, else the http client's own auth
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
            # Auth flows (this call's, or the http client's own) only on the original origin.
            auth = flow if keeps else None

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
        url: str | None = None,
    ) -> Any:
        """Send ``operation`` and return its parsed result (see docs/runtime.md). ``url``
        replaces the URL built from the path and query (a next page's link)."""
        if operation.warns:
            warn_deprecated(operation, path=path, query=query, headers=headers,
                            cookies=cookies, body=body)  # fmt: skip
        attempts = [1]  # the attempt under way, for the error hooks
        try:
            return await self._call(
                operation, attempts, path, query, headers, cookies, body, stream is True,
                extra_headers, extra_query, extra_body, timeout, retry, idempotency_key, url,
            )  # fmt: skip
        except APIError as exc:
            reported = await self._aerror_to_raise(exc, operation, attempts[0])
            if reported is exc:
                raise
            raise reported from exc

    def request_page(self, operation: Operation, **options: Any) -> Any:
        """An ``AsyncPaginator`` of a paged ``operation``: awaited, the first ``AsyncPage``;
        iterated, every item. ``options`` are ``request()``'s."""
        return AsyncPaginator[Any, Any](self, operation, options)

    async def _aerror_to_raise(
        self, exc: APIError, operation: Operation, attempt: int
    ) -> Exception:
        self._mark_request_id(exc)
        if not self._hooks.errors:
            return exc
        return await self._hooks.aon_error(exc, self._context(operation, attempt))

    async def _call(
        self,
        operation: Operation,
        attempts: list[int],
        path: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cookies: Mapping[str, object] | None,
        body: object,
        streaming: bool,
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Mapping[str, object] | None,
        timeout: TimeoutTypes | NotGiven,
        retry: RetryPolicy | int | NotGiven,
        idempotency_key: str | NotGiven,
        url: str | None = None,
    ) -> Any:
        # with_streaming_response: the body stays unread (a page's fetch asks for it read).
        lazy = streamed_response_requested() and not raw_response_requested()
        request = self._build_request(
            operation, path, query, headers, cookies, body, streaming,
            extra_headers, extra_query, extra_body, timeout, idempotency_key, url,
        )  # fmt: skip
        policy, max_retries = self._policy(operation, retry)
        if isinstance(request.stream, UploadStream) and not request.stream.replayable:
            max_retries = 0  # an upload from a pipe cannot be sent a second time
        limit = self._max_response_bytes
        hooks = self._hooks
        hooked = hooks.active
        flow = self._flow_for(operation)
        retries_taken = 0
        first = perf_counter()
        while True:
            start = perf_counter()
            delay: float | None = None
            attempts[0] = retries_taken + 1
            sent = request
            try:
                if hooked:
                    context = self._context(operation, retries_taken + 1)
                    if hooks.before:
                        sent = await hooks.abefore_request(request, context)
                response = await self._send(sent, operation, flow)
                if hooked and hooks.after:
                    response = await hooks.aafter_response(response, context)
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
                    exc, sent, retries_taken, max_retries, policy, perf_counter() - first
                )
                if delay is None:
                    raise self._connection_error(exc, sent) from exc
            except httpx.RequestError as exc:
                raise self._connection_error(exc, sent) from exc
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
                raise self._connection_error(exc, sent) from exc
            self._raise_embedded_error(operation, response, response.content)
        if lazy:
            return self._streamed(operation, response, streaming, retries_taken, start)
        if raw_response_requested():
            return self._raw(operation, response, streaming, retries_taken, start)
        if streaming:
            return AsyncStream(response, self._event_parser(operation))
        return self._parse_body(operation, response)

    async def get(
        self,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        headers: Headers | None = None,
        cast_to: Any = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """GET ``path`` (relative to the base URL): an endpoint the API description lacks."""
        return await self._raw_call("GET", path, NOT_GIVEN, query, headers, cast_to, timeout, retry)

    async def post(
        self,
        path: str,
        *,
        body: object = NOT_GIVEN,
        query: Mapping[str, object] | None = None,
        headers: Headers | None = None,
        cast_to: Any = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """POST ``path`` (relative to the base URL): an endpoint the API description lacks."""
        return await self._raw_call("POST", path, body, query, headers, cast_to, timeout, retry)

    async def put(
        self,
        path: str,
        *,
        body: object = NOT_GIVEN,
        query: Mapping[str, object] | None = None,
        headers: Headers | None = None,
        cast_to: Any = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """PUT ``path`` (relative to the base URL): an endpoint the API description lacks."""
        return await self._raw_call("PUT", path, body, query, headers, cast_to, timeout, retry)

    async def patch(
        self,
        path: str,
        *,
        body: object = NOT_GIVEN,
        query: Mapping[str, object] | None = None,
        headers: Headers | None = None,
        cast_to: Any = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """PATCH ``path`` (relative to the base URL): an endpoint the API description lacks."""
        return await self._raw_call("PATCH", path, body, query, headers, cast_to, timeout, retry)

    async def delete(
        self,
        path: str,
        *,
        query: Mapping[str, object] | None = None,
        headers: Headers | None = None,
        cast_to: Any = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | int | NotGiven = NOT_GIVEN,
    ) -> Any:
        """DELETE ``path`` (relative to the base URL): an endpoint the API description lacks."""
        return await self._raw_call(
            "DELETE", path, NOT_GIVEN, query, headers, cast_to, timeout, retry
        )

    async def _raw_call(
        self,
        method: str,
        path: str,
        body: object,
        query: Mapping[str, object] | None,
        headers: Headers | None,
        cast_to: Any,
        timeout: TimeoutTypes | NotGiven,
        retry: RetryPolicy | int | NotGiven,
    ) -> Any:
        """With the client's auth, retries, hooks and errors; the JSON result as ``cast_to``."""
        operation = self._raw_operation(method, path, cast_to)
        return await self.request(
            operation, query=query, body=body, extra_headers=headers, timeout=timeout, retry=retry
        )

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
