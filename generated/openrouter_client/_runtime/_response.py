"""Raw response access: ``with_raw_response`` wrappers and the ``APIResponse`` they return.

A wrapper sets a context variable around the call; the client's ``request()`` reads it and
returns an ``APIResponse`` instead of the parsed body. Status errors still raise; ``parse()``
gives what the plain call would have returned (a ``Stream`` for streaming calls).
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "async_to_raw_response_wrapper",
    "raw_response_requested",
    "requesting_raw",
    "to_raw_response_wrapper",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

_RAW_RESPONSE: ContextVar[bool] = ContextVar("raw_response", default=False)
_UNPARSED: Any = object()


def raw_response_requested() -> bool:
    return _RAW_RESPONSE.get()


@contextlib.contextmanager
def requesting_raw() -> Iterator[None]:
    """Calls inside get the ``APIResponse`` (pagination needs the response and the body)."""
    token = _RAW_RESPONSE.set(True)
    try:
        yield
    finally:
        _RAW_RESPONSE.reset(token)


class APIResponse(Generic[_R]):
    """The HTTP response of a call, plus ``parse()`` for the value the call would return."""

    __slots__ = ("_parse", "_parsed", "elapsed", "http_response", "retries_taken")

    def __init__(
        self,
        http_response: httpx.Response,
        parse: Callable[[], _R],
        *,
        retries_taken: int,
        elapsed: timedelta,
    ) -> None:
        self.http_response = http_response
        self.retries_taken = retries_taken
        self.elapsed = elapsed
        self._parse = parse
        self._parsed: _R = _UNPARSED

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
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return json.loads(self.http_response.content)

    def parse(self) -> _R:
        """The parsed body (computed once); raises like the plain call would."""
        if self._parsed is _UNPARSED:
            self._parsed = self._parse()
        return self._parsed

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} [{self.status_code} {self.http_response.reason_phrase}]"
            f" retries_taken={self.retries_taken}>"
        )


class AsyncAPIResponse(APIResponse[_R]):
    """``APIResponse`` of an async call; the body is already read, so ``parse()`` is sync."""

    __slots__ = ()


def to_raw_response_wrapper(fn: Callable[_P, _R]) -> Callable[_P, APIResponse[_R]]:
    """Wrap a generated method so it returns the ``APIResponse`` instead of the parsed body."""

    @functools.wraps(fn)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> APIResponse[_R]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(APIResponse[_R], fn(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped


def async_to_raw_response_wrapper(
    fn: Callable[_P, Awaitable[_R]],
) -> Callable[_P, Awaitable[AsyncAPIResponse[_R]]]:
    """The async twin of ``to_raw_response_wrapper``."""

    @functools.wraps(fn)
    async def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> AsyncAPIResponse[_R]:
        token = _RAW_RESPONSE.set(True)
        try:
            return cast(AsyncAPIResponse[_R], await fn(*args, **kwargs))
        finally:
            _RAW_RESPONSE.reset(token)

    return wrapped
