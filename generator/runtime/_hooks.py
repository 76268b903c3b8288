"""Hooks: code run around every request of a client (see docs/runtime.md, "Hooks").

A hook is any object with some of ``before_request(request, context)``,
``after_response(response, context)`` and ``on_error(error, context)``; subclassing ``Hook``
gives typed no-op defaults. Each may return a replacement (a request, a response, an exception
to raise instead) or None to keep what it was given, and may raise. On an async client a hook
method may be a coroutine function. Hooks run in registration order: the package's own
(``_hooks.py`` of the generated package), then the client's ``hooks=[...]``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from ._errors import InvalidRequestError

__all__ = ["Hook", "HookContext", "Hooks"]


@dataclass(frozen=True, slots=True)
class HookContext:
    """What a hook is told about the call: the operation and the attempt (1 = the first)."""

    operation_id: str
    call_path: str  # e.g. "chat.completions.create"; "" for client.get(...) and the like
    resource: str  # e.g. "chat.completions"
    method: str
    path: str  # the path template, e.g. "/keys/{hash}"
    attempt: int


class Hook:
    """Base class of hooks: every method keeps what it is given. Override the ones you need."""

    def before_request(self, request: httpx.Request, context: HookContext) -> Any:
        """Return a replacement ``httpx.Request`` (or change this one) before each attempt."""
        return None

    def after_response(self, response: httpx.Response, context: HookContext) -> Any:
        """Return a replacement ``httpx.Response``; the body is not read yet."""
        return None

    def on_error(self, error: Exception, context: HookContext) -> Any:
        """Return an exception to raise instead of ``error``, or raise one."""
        return None


_METHODS = ("before_request", "after_response", "on_error")


def _overrides(hook: object, name: str) -> Callable[..., Any] | None:
    method: Callable[..., Any] | None = getattr(hook, name, None)
    if method is None or not callable(method):
        return None
    if isinstance(hook, Hook) and getattr(type(hook), name, None) is getattr(Hook, name):
        return None  # the no-op default: not worth a call per request
    return method


class Hooks:
    """The hook methods of a client, by kind, in order (resolved once at construction)."""

    __slots__ = ("active", "after", "before", "errors", "hooks")

    def __init__(self, hooks: Iterable[object]) -> None:
        self.hooks = tuple(hooks)
        for hook in self.hooks:
            if not any(callable(getattr(hook, name, None)) for name in _METHODS):
                raise InvalidRequestError(
                    f"{type(hook).__name__} is not a hook: give it before_request, "
                    "after_response or on_error (or subclass Hook)"
                )
        found = {name: [m for h in self.hooks if (m := _overrides(h, name))] for name in _METHODS}
        self.before = tuple(found["before_request"])
        self.after = tuple(found["after_response"])
        self.errors = tuple(found["on_error"])
        # Read on every attempt: a plain attribute, not a __bool__ call.
        self.active = bool(self.before or self.after)

    # -- sync ------------------------------------------------------------------------------------

    def before_request(self, request: httpx.Request, context: HookContext) -> httpx.Request:
        for method in self.before:
            request = _request(_sync(method(request, context)), request)
        return request

    def after_response(self, response: httpx.Response, context: HookContext) -> httpx.Response:
        for method in self.after:
            replacement = _response(_sync(method(response, context)), response)
            if replacement is not response:
                response.close()  # its connection goes back to the pool
                response = replacement
        return response

    def on_error(self, error: Exception, context: HookContext) -> Exception:
        for method in self.errors:
            error = _error(_sync(method(error, context)), error)
        return error

    # -- async -----------------------------------------------------------------------------------

    async def abefore_request(self, request: httpx.Request, context: HookContext) -> httpx.Request:
        for method in self.before:
            request = _request(await _maybe_await(method(request, context)), request)
        return request

    async def aafter_response(
        self, response: httpx.Response, context: HookContext
    ) -> httpx.Response:
        for method in self.after:
            replacement = _response(await _maybe_await(method(response, context)), response)
            if replacement is not response:
                await response.aclose()  # its connection goes back to the pool
                response = replacement
        return response

    async def aon_error(self, error: Exception, context: HookContext) -> Exception:
        for method in self.errors:
            error = _error(await _maybe_await(method(error, context)), error)
        return error


NO_HOOKS = Hooks(())


def _sync(result: Any) -> Any:
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # no "never awaited" warning on top of the error
        raise InvalidRequestError(
            "an async hook was registered on a sync client: use the async client, or make "
            "the hook's methods plain functions"
        )
    return result


async def _maybe_await(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


def _request(result: object, current: httpx.Request) -> httpx.Request:
    if result is None:
        return current
    if not isinstance(result, httpx.Request):
        raise InvalidRequestError(
            f"before_request returned a {type(result).__name__}; return an httpx.Request or None"
        )
    return result


def _response(result: object, current: httpx.Response) -> httpx.Response:
    if result is None or result is current:
        return current
    if not isinstance(result, httpx.Response):
        raise InvalidRequestError(
            f"after_response returned a {type(result).__name__}; return an httpx.Response or None"
        )
    try:
        result.request  # noqa: B018 - raises when the replacement was built without one
    except RuntimeError:
        result.request = current.request
    return result


def _error(result: object, current: Exception) -> Exception:
    if result is None:
        return current
    if not isinstance(result, Exception):
        raise InvalidRequestError(
            f"on_error returned a {type(result).__name__}; return an exception or None"
        )
    return result
