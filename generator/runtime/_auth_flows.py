"""Auth that changes while a client lives: a token provider, and OAuth2 client credentials.

Both are ``httpx.Auth`` flows, handed to ``httpx.Client.send`` per request, so they run on every
attempt (retries included) and never on a redirect to another origin.

``ClientCredentials`` fetches a token from the token endpoint (client_secret_post or
client_secret_basic), keeps it, fetches a new one ``refresh_margin`` seconds before
``expires_in`` ends, and when a request is answered 401 fetches a new one once and sends the
request once more. One fetch at a time: threads share a lock, tasks an asyncio lock per event
loop; a caller that waited finds the token the other one fetched. Copies of a client
(``with_options``) share its flow, so that token and those locks too, unless they move to
another token endpoint (``at``). The secret and tokens are in no repr and no message.
"""

from __future__ import annotations

import base64
import inspect
import json
import threading
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from urllib.parse import quote, urlencode

import httpx

from ._errors import AuthenticationError, InvalidRequestError, make_status_error

if TYPE_CHECKING:
    import asyncio

__all__ = ["AuthOption", "ClientCredentials", "TokenProvider", "as_httpx_auth"]

# What ``auth=`` accepts: a function returning a token (sync, or async on an async client), or
# any httpx.Auth.
TokenProvider: TypeAlias = Callable[[], str] | Callable[[], Awaitable[str]]
AuthOption: TypeAlias = httpx.Auth | TokenProvider

_MAX_TOKEN_RESPONSE = 1024 * 1024  # bytes; a token response is a few hundred


class _ProvidedToken(httpx.Auth):
    """``Authorization: Bearer <token>`` with the token the caller's function returns."""

    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider

    def __repr__(self) -> str:
        return f"<token from {getattr(self._provider, '__qualname__', 'a function')}>"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        token = self._provider()
        if inspect.isawaitable(token):
            if inspect.iscoroutine(token):
                token.close()
            raise InvalidRequestError(
                "auth= is an async function: use it with the async client, or pass a plain one"
            )
        request.headers["authorization"] = _bearer(token)
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._provider()
        if inspect.isawaitable(token):
            token = await token
        request.headers["authorization"] = _bearer(token)
        yield request


def as_httpx_auth(value: object) -> httpx.Auth | None:
    """The ``auth=`` option as an httpx.Auth (None: not given)."""
    if value is None or isinstance(value, httpx.Auth):
        return value
    if callable(value):
        return _ProvidedToken(value)
    raise InvalidRequestError(
        f"auth must be an httpx.Auth or a function returning a token, got {type(value).__name__}"
    )


def _bearer(token: object) -> str:
    if not isinstance(token, str) or not token or not (token.isascii() and token.isprintable()):
        raise InvalidRequestError(
            "the access token is not printable ASCII text (or is empty); check where it comes from"
        )
    return f"Bearer {token}"


class ClientCredentials(httpx.Auth):
    """The OAuth2 client credentials flow (RFC 6749 section 4.4)."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        scopes: tuple[str, ...] = (),
        method: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post",
        refresh_margin: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self._secret = client_secret
        self.scopes = scopes
        self.method = method
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._token: str | None = None
        self._expires_at: float | None = None
        self._lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.fetches = 0  # tokens fetched so far (for tests and diagnostics)

    def __repr__(self) -> str:
        return f"<ClientCredentials client_id={self.client_id!r} token_url={self.token_url!r}>"

    def at(self, token_url: str) -> ClientCredentials:
        """The same client at another token endpoint, with a token (and locks) of its own."""
        return ClientCredentials(
            token_url,
            self.client_id,
            self._secret,
            scopes=self.scopes,
            method=self.method,
            refresh_margin=self.refresh_margin,
            clock=self._clock,
        )

    def secrets(self) -> list[str]:
        """Strings that would reveal the secret (for the client's log redaction)."""
        pair = f"{self.client_id}:{self._secret}".encode()
        form_pair = f"{quote(self.client_id, safe='')}:{quote(self._secret, safe='')}".encode()
        return [
            self._secret,
            quote(self._secret, safe=""),
            base64.b64encode(pair).decode("ascii"),
            base64.b64encode(form_pair).decode("ascii"),
        ]

    # -- the token -------------------------------------------------------------------------------

    def _valid(self) -> str | None:
        token, expires_at = self._token, self._expires_at
        if token is None:
            return None
        if expires_at is not None and self._clock() >= expires_at - self.refresh_margin:
            return None
        return token

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials"}
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        headers = {
            "content-type": "application/x-www-form-urlencoded",
            "accept": "application/json",
        }
        if self.method == "client_secret_basic":
            # RFC 6749 2.3.1: id and secret are form-encoded before the Basic encoding.
            pair = f"{quote(self.client_id, safe='')}:{quote(self._secret, safe='')}"
            headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        else:
            form["client_id"] = self.client_id
            form["client_secret"] = self._secret
        return httpx.Request(
            "POST", self.token_url, headers=headers, content=urlencode(form).encode("ascii")
        )

    def _store(self, response: httpx.Response, content: bytes) -> str:
        if not 200 <= response.status_code < 300:
            raise make_status_error(response, {}, error_key=None, redact=self._redact)
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise AuthenticationError(
                "The token endpoint's answer has no access_token.", response=response
            )
        expires_in = data.get("expires_in") if isinstance(data, dict) else None
        self._token = token
        self._expires_at = (
            self._clock() + float(expires_in)
            if isinstance(expires_in, (int, float)) and not isinstance(expires_in, bool)
            else None
        )
        self.fetches += 1
        return token

    def _redact(self, text: str) -> str:
        for secret in self.secrets():
            text = text.replace(secret, "[redacted]")
        return text

    def _invalidate(self, token: str) -> None:
        if self._token == token:  # nobody fetched a new one meanwhile
            self._token = None

    # -- flows -----------------------------------------------------------------------------------

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        token = self._valid()
        if token is None:
            with self._lock:
                token = self._valid()
                if token is None:
                    answer = yield self._token_request()
                    token = self._store(answer, _read_sync(answer))
        request.headers["authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        response.read()  # httpx reads it anyway before sending the next request
        with self._lock:
            self._invalidate(token)
            fresh = self._valid()
            if fresh is None:
                answer = yield self._token_request()
                fresh = self._store(answer, _read_sync(answer))
        request.headers["authorization"] = f"Bearer {fresh}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._valid()
        if token is None:
            async with self._async_lock():
                token = self._valid()
                if token is None:
                    answer = yield self._token_request()
                    token = self._store(answer, await _read_async(answer))
        request.headers["authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        await response.aread()
        async with self._async_lock():
            self._invalidate(token)
            fresh = self._valid()
            if fresh is None:
                answer = yield self._token_request()
                fresh = self._store(answer, await _read_async(answer))
        request.headers["authorization"] = f"Bearer {fresh}"
        yield request

    def _async_lock(self) -> asyncio.Lock:
        import asyncio  # not imported by sync-only users

        loop = asyncio.get_running_loop()
        lock = self._async_locks.get(loop)
        if lock is None:
            lock = self._async_locks[loop] = asyncio.Lock()
        return lock


def _check_size(response: httpx.Response) -> None:
    # httpx reads every response of an auth flow whole; refuse a declared huge one first.
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > _MAX_TOKEN_RESPONSE:
        response.close()
        raise AuthenticationError(
            f"The token endpoint's answer is larger than {_MAX_TOKEN_RESPONSE} bytes.",
            response=response,
        )


def _read_sync(response: httpx.Response) -> bytes:
    _check_size(response)
    return response.read()


async def _read_async(response: httpx.Response) -> bytes:
    _check_size(response)
    return await response.aread()
