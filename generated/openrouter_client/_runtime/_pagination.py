"""Auto-pagination: list calls return a page that iterates over items across pages.

A paged operation carries a ``Paging`` (data printed by the generator). The first page is fetched
when the method is called (sync) or awaited (async); each later page is one more request through
the client's ordinary ``request()`` (retries, timeouts, auth, size caps), made only when iteration
reaches it. The next request is the first one's arguments with the cursor, offset or page number
replaced, or the link the server gave (which must stay on the client's origin).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, cast

import httpx

from ._errors import APIError
from ._response import APIResponse, AsyncAPIResponse, raw_response_requested, requesting_raw
from ._types import NotGiven

if TYPE_CHECKING:
    from ._async_client import AsyncClient
    from ._operation import Operation
    from ._streamed_response import AsyncStreamedAPIResponse
    from ._sync_client import SyncClient

__all__ = ["AsyncPage", "AsyncPaginator", "Paging", "SyncPage"]

_Item = TypeVar("_Item")
_Body = TypeVar("_Body")

PagingKind = Literal["cursor", "offset", "page", "next_url", "link_header"]


@dataclass(frozen=True, slots=True)
class Paging:
    """How one operation pages. Paths are attribute names into the parsed body.

    ``kind``: ``cursor`` (a token from the body, or the last item's ``item_cursor`` field, sent
    back as ``param``), ``offset`` (``param`` advanced by the items received), ``page`` (``param``
    a page number from ``first``), ``next_url`` (a link in the body at ``next``), ``link_header``
    (the ``Link: <...>; rel="next"`` header). ``items`` locates the list of items (``()``: the
    body is the list). Paging stops on an empty page, on ``has_more`` false, on a missing cursor
    or link, on a page shorter than the ``limit_param`` sent, or when the next request would
    repeat the last one.
    """

    kind: PagingKind
    items: tuple[str, ...] = ()
    param: str | None = None
    param_in: Literal["query", "body"] = "query"
    next: tuple[str, ...] = ()
    item_cursor: str | None = None
    has_more: tuple[str, ...] = ()
    limit_param: str | None = None
    first: int = 1


def _lookup(value: object, path: tuple[str, ...]) -> object:
    for name in path:
        if value is None:
            return None
        value = value.get(name) if isinstance(value, Mapping) else getattr(value, name, None)
    return value


def _items(paging: Paging, body: object) -> list[Any]:
    found = _lookup(body, paging.items)
    return list(found) if isinstance(found, (list, tuple)) else []


def _sent(options: Mapping[str, Any], paging: Paging, name: str | None) -> object:
    """The value the request sent for parameter ``name`` (None: not sent)."""
    if name is None:
        return None
    holder = options.get("body" if paging.param_in == "body" else "query")
    value = holder.get(name) if isinstance(holder, Mapping) else None
    return None if isinstance(value, NotGiven) else value


def _with_param(options: dict[str, Any], paging: Paging, value: object) -> dict[str, Any]:
    key = "body" if paging.param_in == "body" else "query"
    holder = options.get(key)
    following = dict(options)
    following[key] = {**(holder if isinstance(holder, Mapping) else {}), paging.param: value}
    return following


def _same_origin(url: httpx.URL, base: httpx.URL) -> bool:
    return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)


def next_options(
    paging: Paging, options: dict[str, Any], body: object, response: httpx.Response
) -> dict[str, Any] | None:
    """The arguments of the request for the page after this one; None: this is the last."""
    items = _items(paging, body)
    if paging.has_more and _lookup(body, paging.has_more) is False:
        return None
    if paging.kind in ("next_url", "link_header"):
        if paging.kind == "next_url":
            link = _lookup(body, paging.next)
        else:
            link = response.links.get("next", {}).get("url")
        if not isinstance(link, str) or not link:
            return None
        url = response.request.url.join(link)
        if url == response.request.url:
            return None
        return {**options, "url": str(url)}
    if not items:
        return None
    current = _sent(options, paging, paging.param)
    if paging.kind == "cursor":
        if paging.item_cursor is not None:
            token = _lookup(items[-1], (paging.item_cursor,))
        else:
            token = _lookup(body, paging.next)
        if token is None or token == "" or token == current:
            return None
        return _with_param(options, paging, token)
    limit = _sent(options, paging, paging.limit_param)
    if isinstance(limit, int) and not isinstance(limit, bool) and len(items) < limit:
        return None
    if paging.kind == "offset":
        start = current if isinstance(current, int) else 0
        return _with_param(options, paging, start + len(items))
    number = current if isinstance(current, int) else paging.first
    return _with_param(options, paging, number + 1)


class _BasePage(Generic[_Item, _Body]):
    """One page: its parsed ``body``, its ``items`` and the ``response`` it came in."""

    body: _Body
    response: APIResponse[_Body]

    def __init__(
        self,
        operation: Operation,
        paging: Paging,
        options: dict[str, Any],
        response: APIResponse[_Body],
        base_url: str,
    ) -> None:
        self._operation = operation
        self._paging = paging
        self._options = options
        self.response = response
        self.body = response.parse()
        self.items: list[_Item] = _items(paging, self.body)
        self._base_url = base_url
        self._next = next_options(paging, options, self.body, response.http_response)

    def has_next_page(self) -> bool:
        return self._next is not None

    def _next_options(self) -> dict[str, Any]:
        following = self._next
        if following is None:
            raise RuntimeError(
                "This is the last page: check `.has_next_page()` before `.get_next_page()`."
            )
        link = following.get("url")
        if link is not None and not _same_origin(httpx.URL(link), httpx.URL(self._base_url)):
            url = httpx.URL(link)
            raise APIError(
                f"The next page's link leads to another origin ({url.scheme}://{url.host}); "
                "it is not followed, so the client's credentials stay with its own API.",
                request=self.response.http_response.request,
                body=None,
            )
        return following

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} {self._operation.operation_id}: {len(self.items)} items"
            f", next page: {'yes' if self._next is not None else 'no'}>"
        )


class SyncPage(_BasePage[_Item, _Body]):
    """Iterating yields every item of this page and the pages after it, fetched as needed."""

    def __init__(
        self,
        client: SyncClient,
        operation: Operation,
        paging: Paging,
        options: dict[str, Any],
        response: APIResponse[_Body],
    ) -> None:
        super().__init__(operation, paging, options, response, client.base_url)
        self._client = client

    def get_next_page(self) -> SyncPage[_Item, _Body]:
        return fetch_page(self._client, self._operation, self._next_options())

    def iter_pages(self) -> Iterator[SyncPage[_Item, _Body]]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[_Item]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPage(_BasePage[_Item, _Body]):
    """``async for`` yields every item of this page and the pages after it."""

    def __init__(
        self,
        client: AsyncClient,
        operation: Operation,
        paging: Paging,
        options: dict[str, Any],
        response: APIResponse[_Body],
    ) -> None:
        super().__init__(operation, paging, options, response, client.base_url)
        self._client = client

    async def get_next_page(self) -> AsyncPage[_Item, _Body]:
        return await afetch_page(self._client, self._operation, self._next_options())

    async def iter_pages(self) -> AsyncIterator[AsyncPage[_Item, _Body]]:
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[_Item]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item


class AsyncPaginator(Generic[_Item, _Body]):
    """What an async list method returns: ``await`` it for the first page, or ``async for``
    over it for every item (the first page is fetched then)."""

    def __init__(self, client: AsyncClient, operation: Operation, options: dict[str, Any]):
        self._client = client
        self._operation = operation
        self._options = options
        # The caller's raw-response wish is read when the call is made, not when awaited.
        self._raw = raw_response_requested()
        self._streamed = _streaming_response_requested()

    async def _first(self) -> AsyncPage[_Item, _Body]:
        return await afetch_page(self._client, self._operation, self._options)

    def __await__(self) -> Generator[Any, None, AsyncPage[_Item, _Body]]:
        if self._streamed:
            # Under with_streaming_response: the first page's response, its parse() the page.
            streamed = self._first_streamed().__await__()
            return cast("Generator[Any, None, AsyncPage[_Item, _Body]]", streamed)
        if self._raw:
            # Under with_raw_response the awaited value is the response whose parse() is the
            # page; the raw wrapper's own annotation says so to the caller.
            raw = self._first_raw().__await__()
            return cast("Generator[Any, None, AsyncPage[_Item, _Body]]", raw)
        return self._first().__await__()

    async def _first_streamed(self) -> AsyncStreamedAPIResponse[AsyncPage[_Item, _Body]]:
        from ._streamed_response import AsyncStreamedAPIResponse, read_streamed_response

        page = await self._first()
        first = page.response
        return read_streamed_response(
            AsyncStreamedAPIResponse,
            first.http_response,
            page,
            retries_taken=first.retries_taken,
            elapsed=first.elapsed,
        )

    async def _first_raw(self) -> AsyncAPIResponse[AsyncPage[_Item, _Body]]:
        page = await self._first()
        first = page.response
        return AsyncAPIResponse(
            first.http_response,
            lambda: page,
            retries_taken=first.retries_taken,
            elapsed=first.elapsed,
        )

    async def __aiter__(self) -> AsyncIterator[_Item]:
        page = await self._first()
        async for item in page:
            yield item


def _streaming_response_requested() -> bool:
    # Imported here: _streamed_response reaches _operation, which imports this module.
    from ._streamed_response import streamed_response_requested

    return streamed_response_requested()


def _paging(operation: Operation) -> Paging:
    if operation.paging is None:  # generated code only pages operations that have one
        raise TypeError(f"{operation.operation_id} does not page")
    return operation.paging


def fetch_page(
    client: SyncClient, operation: Operation, options: dict[str, Any]
) -> SyncPage[Any, Any]:
    with requesting_raw():
        response = client.request(operation, **options)
    return SyncPage(client, operation, _paging(operation), options, response)


async def afetch_page(
    client: AsyncClient, operation: Operation, options: dict[str, Any]
) -> AsyncPage[Any, Any]:
    with requesting_raw():
        response = await client.request(operation, **options)
    return AsyncPage(client, operation, _paging(operation), options, response)


def first_page(client: SyncClient, operation: Operation, options: dict[str, Any]) -> object:
    """The first page, or (under ``with_raw_response``) its response whose parse() is the page."""
    raw = raw_response_requested()
    streamed = _streaming_response_requested()
    page = fetch_page(client, operation, options)
    first = page.response
    if streamed:
        from ._streamed_response import StreamedAPIResponse, read_streamed_response

        return read_streamed_response(
            StreamedAPIResponse,
            first.http_response,
            page,
            retries_taken=first.retries_taken,
            elapsed=first.elapsed,
        )
    if not raw:
        return page
    return APIResponse(
        first.http_response,
        lambda: page,
        retries_taken=first.retries_taken,
        elapsed=first.elapsed,
    )
