"""The HTTP clients generated clients derive from.

``SyncClient`` and ``AsyncClient`` share ``_BaseClient``: configuration, request building, retry
decisions, response parsing and error mapping live there as plain (non-I/O) methods; the two
subclasses only differ in their send/sleep/read loops.

Ownership: a client closes the httpx client only if it created it. An ``http_client=`` passed in
stays the caller's to close, and copies made by ``with_options()`` share the pool without owning
it. Requests are built directly as ``httpx.Request`` and passed to ``send`` (for speed): the
headers of an injected ``http_client`` are captured at construction and its auth, hooks and
transport apply, but its ``base_url``, ``params`` and cookie jar are not used.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time
from collections.abc import Mapping
from datetime import timedelta
from http.cookiejar import CookieJar, DefaultCookiePolicy
from time import perf_counter
from types import TracebackType
from typing import Any, ClassVar, Self, cast
from urllib.parse import quote

import httpx
import pydantic

from ._auth import (
    NO_AUTH,
    AuthParts,
    Credential,
    header_name,
    resolve_auth,
    resolve_credentials,
    secret_values,
)
from ._body import aread_body, read_body
from ._errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InvalidRequestError,
    MissingCredentialsError,
    RedirectError,
    embedded_error,
    make_embedded_error,
    make_status_error,
)
from ._files import UploadStream
from ._logging import SECRET_HEADERS, Redactor, protect_loggers, setup_logger
from ._models import SchemaMismatch, validate_json
from ._operation import ClientConfig, Operation, SecurityScheme
from ._pagination import AsyncPaginator, first_page
from ._redirects import RedirectPolicy
from ._response import APIResponse, AsyncAPIResponse, raw_response_requested
from ._retries import RetryPolicy, retry_delay, should_retry_status
from ._serialize import (
    build_path,
    encode_body,
    serialize_cookie_param,
    serialize_header_param,
    serialize_query_param,
)
from ._streaming import AsyncStream, EventParser, Stream
from ._types import NOT_GIVEN, Headers, NotGiven, Query, TimeoutTypes

__all__ = ["AsyncAPIResource", "AsyncClient", "SyncAPIResource", "SyncClient"]

_INFO = logging.INFO
_DEBUG = logging.DEBUG
_DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)
_AUTH_QUERY = "\0auth"  # key of the auth pieces among query groups; cannot clash with a name


def _refusing_cookie_jar() -> CookieJar:
    # Requests are built directly, so the http client's jar is never sent from; a jar that keeps
    # nothing stops a server's Set-Cookie headers piling up for the life of the client.
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _as_timeout(value: TimeoutTypes) -> httpx.Timeout:
    # Checked here: a negative or NaN timeout was a raw ValueError from the socket mid-call.
    try:
        timeout = value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            f"timeout must be a number of seconds, None or an httpx.Timeout ({exc})"
        ) from None
    for phase, seconds in timeout.as_dict().items():
        if seconds is not None and not (
            isinstance(seconds, (int, float))
            and not isinstance(seconds, bool)
            and 0 <= seconds < float("inf")
        ):
            raise InvalidRequestError(
                f"timeout: {phase} must be None or a number of seconds >= 0, got {seconds!r}"
            )
    return timeout


# Control characters (CR and LF above all) would split or end the header block: injection. C1
# controls are refused too: some servers and proxies still read NEL (U+0085) as a line break.
_HEADER_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def _header_value(name: str, value: str) -> str | bytes:
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"The value of the {name!r} header must be text (str), got {type(value).__name__}."
        )
    if _HEADER_CTL.search(value) is not None:
        raise InvalidRequestError(
            f"The value of the {name!r} header contains a control character (such as a line "
            "break), which would corrupt the request; remove it."
        )
    if value.isascii():
        return value
    # httpx encodes str header values as ASCII; other text goes as UTF-8 (RFC 9110 obs-text).
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a badly decoded file name
        raise InvalidRequestError(
            f"The value of the {name!r} header is not valid Unicode text (it holds a lone "
            "surrogate) and cannot be sent; check how it was decoded."
        ) from None


def _header_name(name: str) -> str:
    if not isinstance(name, str) or _HEADER_NAME.fullmatch(name) is None:
        raise InvalidRequestError(
            f"{name!r} is not a valid header name: use ASCII letters, digits and !#$%&'*+-.^_`|~ "
            "(no spaces, colons or line breaks)."
        )
    return name.lower()


def _checked_base_url(value: str | httpx.URL) -> str:
    # Refused here with a clear message rather than as a raw httpx.InvalidURL on the first call.
    # The URL itself is not shown: it may carry userinfo.
    text = str(value).rstrip("/")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise InvalidRequestError(f"base_url is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequestError(
            "base_url must be an http:// or https:// URL with a host, "
            f"e.g. https://api.example.com/v1 (got a {url.scheme or 'relative'} URL)"
        )
    return text


def _retry_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequestError(f"max_retries must be a whole number >= 0, got {value!r}")
    return value


def _retry_policy(value: object) -> RetryPolicy:
    if not isinstance(value, RetryPolicy):
        raise InvalidRequestError(
            "retry must be a RetryPolicy (or a whole number of retries), got "
            f"{type(value).__name__}"
        )
    return value


def _new_idempotency_key() -> str:
    import uuid  # not needed at import time

    return f"oagen-{uuid.uuid4()}"


def _positive(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive number of bytes, got {value!r}")
    return value


def _cached_property_names(cls: type) -> frozenset[str]:
    return frozenset(
        name
        for klass in cls.__mro__
        for name, attr in vars(klass).items()
        if isinstance(attr, functools.cached_property)
    )


class _BaseClient:
    """State and decisions shared by the sync and async clients."""

    _config: ClassVar[ClientConfig]

    _base_url: str
    _timeout: httpx.Timeout
    _max_retries: int
    _retry: RetryPolicy | None  # given to the client; None: the operation's, else the config's
    _default_retry: RetryPolicy
    _max_response_bytes: int
    _max_event_bytes: int
    _credentials: dict[str, Credential]
    _custom_headers: dict[str, str | NotGiven | None]
    _custom_query: dict[str, object]
    _strict: bool
    _max_retries_given: bool
    _owns_http: bool
    _logger: logging.Logger
    # Derived by _derive(); read on every call.
    _headers: dict[str, str | bytes]
    _query_groups: dict[str, list[str]]
    _query_default: str
    _timeout_ext: dict[str, Any]
    _auth_cache: dict[tuple[tuple[str, ...], ...], AuthParts]
    _redactor: Redactor
    _redirects: RedirectPolicy
    _marker_bytes: bytes | None
    _marker_str: str | None

    def _configure(
        self,
        *,
        credentials: Mapping[str, Credential | None] | None,
        base_url: str | httpx.URL | None,
        timeout: TimeoutTypes | NotGiven,
        max_retries: int | None,
        default_headers: Headers | None,
        default_query: Query | None,
        strict_response_validation: bool,
        max_response_bytes: int | NotGiven,
        max_event_bytes: int | NotGiven,
        retry: RetryPolicy | None = None,
    ) -> None:
        config = self._config
        self._credentials = resolve_credentials(config.security_schemes, credentials or {})
        if base_url is None:
            env = config.base_url_env
            base_url = (os.environ.get(env) if env else None) or config.default_base_url
        self._base_url = _checked_base_url(base_url)
        self._timeout = config.timeout if isinstance(timeout, NotGiven) else _as_timeout(timeout)
        self._default_retry = config.retry or RetryPolicy(
            max_retries=config.max_retries,
            initial_delay=config.initial_retry_delay,
            max_delay=config.max_retry_delay,
        )
        self._retry = None if retry is None else _retry_policy(retry)
        if max_retries is not None:
            self._max_retries = _retry_count(max_retries)
        else:
            self._max_retries = (self._retry or self._default_retry).max_retries
        self._max_retries_given = max_retries is not None
        self._set_limits(max_response_bytes, max_event_bytes)
        self._custom_headers = dict(default_headers or {})
        self._custom_query = dict(default_query or {})
        self._strict = strict_response_validation
        self._logger = setup_logger(config.logger_name, config.log_env)

    def _set_limits(
        self, max_response_bytes: int | NotGiven, max_event_bytes: int | NotGiven
    ) -> None:
        if not isinstance(max_response_bytes, NotGiven):
            self._max_response_bytes = _positive("max_response_bytes", max_response_bytes)
        elif not hasattr(self, "_max_response_bytes"):
            self._max_response_bytes = self._config.max_response_bytes
        if not isinstance(max_event_bytes, NotGiven):
            self._max_event_bytes = _positive("max_event_bytes", max_event_bytes)
        elif not hasattr(self, "_max_event_bytes"):
            self._max_event_bytes = self._config.max_event_bytes

    def _derive(self, transport_headers: httpx.Headers) -> None:
        """Precompute what every call needs from the configuration."""
        config = self._config
        headers: dict[str, str | bytes] = dict(transport_headers.items())
        headers["accept"] = "application/json"
        if config.user_agent:
            headers["user-agent"] = config.user_agent
        for name, text in config.default_headers.items():
            headers[_header_name(name)] = _header_value(name, text)
        for name, value in self._custom_headers.items():
            if value is None or isinstance(value, NotGiven):
                headers.pop(name.lower(), None)  # lets callers drop e.g. the User-Agent
            else:
                headers[_header_name(name)] = _header_value(name, value)
        self._headers = headers

        groups: dict[str, list[str]] = {}
        for name, qvalue in self._custom_query.items():
            if qvalue is not None and not isinstance(qvalue, NotGiven):
                groups[name] = serialize_query_param(name, qvalue, None)
        self._query_groups = groups
        self._query_default = "&".join(p for pieces in groups.values() for p in pieces)
        self._timeout_ext = {"timeout": self._timeout.as_dict()}
        self._auth_cache = {}

        schemes = config.security_schemes.values()
        header_names = [
            s.param_name
            for s in schemes
            if s.type == "apiKey" and s.location == "header" and s.param_name
        ]
        query_names = [
            quote(s.param_name, safe="")
            for s in schemes
            if s.type == "apiKey" and s.location == "query" and s.param_name
        ]
        base = httpx.URL(self._base_url)
        userinfo = {"base_url": (base.username, base.password)} if base.password else {}
        self._redactor = Redactor(
            secrets=secret_values({**self._credentials, **userinfo}),
            header_names=header_names,
            query_names=query_names,
        )
        # httpx's own "HTTP Request: GET <url>" line shows the query string; filter it too.
        protect_loggers(self._redactor, self._logger)
        self._redirects = RedirectPolicy(
            credential_headers=[*SECRET_HEADERS, *(h.lower() for h in header_names)],
            query_names=query_names,
        )
        key = config.error_key
        self._marker_str = f'"{key}"' if key else None
        self._marker_bytes = self._marker_str.encode() if self._marker_str else None

    # -- public knobs ---------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def timeout(self) -> httpx.Timeout:
        return self._timeout

    @property
    def max_retries(self) -> int:
        return self._max_retries

    @property
    def retry(self) -> RetryPolicy | None:
        """The retry policy given to this client (None: the API's, per operation)."""
        return self._retry

    @property
    def max_response_bytes(self) -> int:
        return self._max_response_bytes

    @property
    def max_event_bytes(self) -> int:
        return self._max_event_bytes

    def __repr__(self) -> str:
        # Credentials appear by scheme name only.
        return (
            f"<{type(self).__name__} base_url={self._redactor.url(self._base_url)!r} "
            f"max_retries={self._max_retries} timeout={self._timeout!r} "
            f"credentials={sorted(self._credentials)}>"
        )

    def _clone(self, **overrides: Any) -> Self:
        """A copy sharing the connection pool, with some settings replaced (None: keep)."""
        clone = object.__new__(type(self))
        skip = _cached_property_names(type(self))  # resources bound to the original client
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if k not in skip})
        clone._owns_http = False
        credentials = overrides.get("credentials")
        if credentials is not None:
            merged: dict[str, Credential | None] = dict(self._credentials)
            merged.update(credentials)
            clone._credentials = resolve_credentials(self._config.security_schemes, merged)
        if overrides.get("base_url") is not None:
            clone._base_url = _checked_base_url(overrides["base_url"])
        timeout = overrides.get("timeout", NOT_GIVEN)
        if not isinstance(timeout, NotGiven):
            clone._timeout = _as_timeout(timeout)
        if overrides.get("retry") is not None:
            clone._retry = _retry_policy(overrides["retry"])
            if not self._max_retries_given:
                clone._max_retries = clone._retry.max_retries
        if overrides.get("max_retries") is not None:
            clone._max_retries = _retry_count(overrides["max_retries"])
            clone._max_retries_given = True
        if overrides.get("default_headers") is not None:
            clone._custom_headers = {**self._custom_headers, **overrides["default_headers"]}
        if overrides.get("default_query") is not None:
            clone._custom_query = {**self._custom_query, **overrides["default_query"]}
        if overrides.get("strict_response_validation") is not None:
            clone._strict = overrides["strict_response_validation"]
        clone._set_limits(
            overrides.get("max_response_bytes", NOT_GIVEN),
            overrides.get("max_event_bytes", NOT_GIVEN),
        )
        return clone

    # -- building a request ---------------------------------------------------------------------

    def _build_request(
        self,
        operation: Operation,
        path: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cookies: Mapping[str, object] | None,
        body: object,
        stream: bool,
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Mapping[str, object] | None,
        timeout: TimeoutTypes | NotGiven,
        idempotency_key: str | NotGiven = NOT_GIVEN,
        url: str | None = None,
    ) -> httpx.Request:
        try:
            return self._compose_request(
                operation,
                path,
                query,
                headers,
                cookies,
                body,
                stream,
                extra_headers,
                extra_query,
                extra_body,
                timeout,
                idempotency_key,
                url,
            )
        except UnicodeEncodeError as exc:
            # A lone surrogate (text decoded with errors="surrogateescape", a broken file name)
            # cannot be encoded for the URL, a header or the body; say so instead of a raw
            # codec error from deep inside. The value itself is not shown: it may be a secret.
            raise InvalidRequestError(
                f"{operation.operation_id}: a value of this request is not valid Unicode text "
                f"({exc.reason} at position {exc.start} of one of its strings) and cannot be "
                "sent; check how it was decoded."
            ) from None

    def _compose_request(
        self,
        operation: Operation,
        path: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        headers: Mapping[str, object] | None,
        cookies: Mapping[str, object] | None,
        body: object,
        stream: bool,
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Mapping[str, object] | None,
        timeout: TimeoutTypes | NotGiven,
        idempotency_key: str | NotGiven = NOT_GIVEN,
        url: str | None = None,
    ) -> httpx.Request:
        h = self._headers.copy()
        if stream:
            h["accept"] = "text/event-stream"
        elif operation.response_kind != "json":
            h["accept"] = "*/*"
        index = operation.param_index
        if headers:
            for name, value in headers.items():
                if value is None or isinstance(value, NotGiven):
                    continue
                text = serialize_header_param(name, value, index.get(("header", name)))
                if text is not None:
                    h[_header_name(name)] = _header_value(name, text)

        auth = self._auth(operation, h, extra_headers, extra_query)
        if auth.headers:
            h.update(auth.headers)

        cookie_pieces = list(auth.cookies)
        if cookies:
            for name, value in cookies.items():
                if value is not None and not isinstance(value, NotGiven):
                    cookie_pieces.extend(
                        serialize_cookie_param(name, value, index.get(("cookie", name)))
                    )
        if cookie_pieces:
            existing = h.get("cookie")
            if isinstance(existing, bytes):
                existing = existing.decode("utf-8")
            joined = "; ".join(cookie_pieces)
            h["cookie"] = _header_value("cookie", f"{existing}; {joined}" if existing else joined)

        if url is not None:
            # A next page's link carries its own query; only the credentials are added.
            if auth.query:
                url = f"{url}{'&' if '?' in url else '?'}{'&'.join(auth.query)}"
        else:
            if query or extra_query or auth.query:
                qs = self._query_string(operation, query, auth.query, extra_query)
            else:
                qs = self._query_default
            url = self._base_url + build_path(operation, path)
            if qs:
                url = f"{url}?{qs}"

        content, content_type = encode_body(operation, body, extra_body)
        if content_type is not None:
            h["content-type"] = content_type

        if extra_headers:
            for name, value in extra_headers.items():
                if value is None or isinstance(value, NotGiven):
                    h.pop(name.lower(), None)
                else:
                    h[_header_name(name)] = _header_value(name, value)

        if operation.needs_idempotency_key:
            self._add_idempotency_key(operation, h, extra_headers, idempotency_key)

        ext = (
            self._timeout_ext
            if isinstance(timeout, NotGiven)
            else {"timeout": _as_timeout(timeout).as_dict()}
        )
        if isinstance(content, UploadStream):
            # httpx adds its automatic headers (Host included) only for `content=` bodies.
            if "host" not in h:
                h["host"] = httpx.URL(url).netloc.decode("ascii")
            if content.length is not None:
                h["content-length"] = str(content.length)
            else:
                h["transfer-encoding"] = "chunked"
            request = httpx.Request(
                operation.method, url, headers=cast(Any, h), stream=content, extensions=ext
            )
        else:
            # Header values are str, or UTF-8 bytes for non-ASCII text; httpx accepts both.
            request = httpx.Request(
                operation.method, url, headers=cast(Any, h), content=content, extensions=ext
            )
        if self._logger.isEnabledFor(_DEBUG):
            self._logger.debug(
                "Request: %s %s headers=%s",
                request.method,
                self._redactor.url(str(request.url)),
                self._redactor.headers(request.headers.multi_items()),
            )
        return request

    def _add_idempotency_key(
        self,
        operation: Operation,
        h: dict[str, str | bytes],
        extra_headers: Headers | None,
        idempotency_key: str | NotGiven,
    ) -> None:
        """One key per call, on the first attempt and every retry (the request is reused)."""
        name = operation.idempotency_header or self._config.idempotency_header
        if not name:
            return
        if not isinstance(idempotency_key, NotGiven):
            h[_header_name(name)] = _header_value(name, idempotency_key)
            return
        lower = name.lower()
        if lower in h:
            return  # the caller's: a header parameter, extra_headers or default_headers
        if extra_headers and any(k.lower() == lower for k in extra_headers):
            return  # extra_headers={name: None} asks for no key
        h[lower] = _new_idempotency_key()

    def _query_string(
        self,
        operation: Operation,
        query: Mapping[str, object] | None,
        auth_query: list[str],
        extra_query: Query | None,
    ) -> str:
        # Grouped by name so a later source replaces an earlier one: defaults < params < extra.
        groups = dict(self._query_groups)
        if query:
            index = operation.param_index
            for name, value in query.items():
                if value is None or isinstance(value, NotGiven):
                    continue
                groups[name] = serialize_query_param(name, value, index.get(("query", name)))
        if auth_query:
            groups[_AUTH_QUERY] = auth_query
        if extra_query:
            for name, value in extra_query.items():
                if value is None or isinstance(value, NotGiven):
                    groups.pop(name, None)
                else:
                    groups[name] = serialize_query_param(name, value, None)
        return "&".join(p for pieces in groups.values() for p in pieces)

    def _auth(
        self,
        operation: Operation,
        headers: Mapping[str, object],
        extra_headers: Headers | None,
        extra_query: Query | None,
    ) -> AuthParts:
        security = operation.security
        if not security:
            return NO_AUTH
        parts = self._auth_cache.get(security)
        if parts is not None:
            return parts
        schemes = self._config.security_schemes
        try:
            parts = resolve_auth(operation, schemes, self._credentials)
        except MissingCredentialsError:
            # The caller may have supplied the credential by hand (e.g. an Authorization
            # header); not cached, since that depends on the call.
            extra_h = {k.lower() for k, v in (extra_headers or {}).items() if v}
            extra_q = {k for k, v in (extra_query or {}).items() if v is not None}

            def supplied(scheme: SecurityScheme) -> bool:
                if scheme.type == "apiKey" and scheme.location == "query":
                    return scheme.param_name in extra_q or scheme.param_name in self._query_groups
                if scheme.type == "apiKey" and scheme.location == "cookie":
                    return f"{scheme.param_name}=" in str(headers.get("cookie", ""))
                name = header_name(scheme)
                return name is not None and (name in headers or name in extra_h)

            return resolve_auth(operation, schemes, self._credentials, supplied)
        self._auth_cache[security] = parts
        return parts

    def _auth_query(self, operation: Operation) -> list[str]:
        parts = self._auth_cache.get(operation.security) if operation.security else None
        return parts.query if parts is not None else []

    # -- deciding about a response --------------------------------------------------------------

    def _policy(
        self, operation: Operation, retry: RetryPolicy | int | NotGiven
    ) -> tuple[RetryPolicy, int]:
        """The retry policy of one call and its number of retries.

        Precedence: the call's ``retry=``, the client's (constructor or ``with_options``), the
        operation's (from the API description), the API's (config or description). An int, and
        the client's ``max_retries``, replace only the number of retries.
        """
        if isinstance(retry, RetryPolicy):
            return retry, retry.max_retries
        policy = self._retry or operation.retry or self._default_retry
        if isinstance(retry, int) and not isinstance(retry, NotGiven):
            return policy, _retry_count(retry)
        if not isinstance(retry, NotGiven):
            _retry_policy(retry)  # raises
        if self._max_retries_given or self._retry is not None:
            return policy, self._max_retries
        return policy, policy.max_retries

    def _retry_after_response(
        self,
        response: httpx.Response,
        retries_taken: int,
        max_retries: int,
        policy: RetryPolicy,
        elapsed: float,
    ) -> float | None:
        """Seconds to wait before retrying an error response, or None to raise it."""
        if not should_retry_status(response.status_code, response.headers, policy.status_codes):
            return None
        config = self._config
        delay = self._delay(policy, retries_taken, max_retries, response.headers, elapsed)
        if self._logger.isEnabledFor(_INFO):
            reason = f"HTTP {response.status_code}"
            if delay is not None:
                self._log_retry(response.request, reason, delay, retries_taken, max_retries)
            elif retries_taken < max_retries:
                self._logger.info(
                    "Not retrying %s %s (%s): the server asks to wait longer than %s s, or the "
                    "retry time limit (%s s) is reached",
                    response.request.method,
                    self._redactor.url(str(response.request.url)),
                    reason,
                    config.max_retry_after,
                    policy.max_elapsed,
                )
        return delay

    def _retry_after_error(
        self,
        exc: Exception,
        request: httpx.Request,
        retries_taken: int,
        max_retries: int,
        policy: RetryPolicy,
        elapsed: float,
    ) -> float | None:
        """Seconds to wait before retrying after a transport error, or None to raise."""
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
            return None  # a bad URL or request: trying again cannot help
        if not policy.retry_connection_errors:
            return None
        delay = self._delay(policy, retries_taken, max_retries, None, elapsed)
        if delay is not None and self._logger.isEnabledFor(_INFO):
            self._log_retry(request, type(exc).__name__, delay, retries_taken, max_retries)
        return delay

    def _delay(
        self,
        policy: RetryPolicy,
        retries_taken: int,
        max_retries: int,
        headers: httpx.Headers | None,
        elapsed: float,
    ) -> float | None:
        return retry_delay(
            retries_taken,
            max_retries,
            headers,
            initial=policy.initial_delay,
            maximum=policy.max_delay,
            max_retry_after=self._config.max_retry_after,
            exponent=policy.exponent,
            elapsed=elapsed,
            max_elapsed=policy.max_elapsed,
        )

    def _log_retry(
        self, request: httpx.Request, reason: str, delay: float, taken: int, max_retries: int
    ) -> None:
        self._logger.info(
            "Retrying %s %s in %.2f s (retry %d of %d) after %s",
            request.method,
            self._redactor.url(str(request.url)),
            delay,
            taken + 1,
            max_retries,
            reason,
        )

    def _log_response(self, response: httpx.Response, start: float) -> None:
        request = response.request
        self._logger.info(
            'HTTP Request: %s %s "%d %s" %.1f ms',
            request.method,
            self._redactor.url(str(request.url)),
            response.status_code,
            response.reason_phrase,
            (perf_counter() - start) * 1000.0,
        )

    def _connection_error(self, exc: Exception, request: httpx.Request) -> APIConnectionError:
        detail = self._redactor.text(
            f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        )
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"Request timed out ({detail}).", request=request)
        return APIConnectionError(f"Connection error ({detail}).", request=request)

    def _status_error(self, operation: Operation, response: httpx.Response) -> APIStatusError:
        if self._logger.isEnabledFor(_INFO):
            self._logger.info(
                'HTTP Request: %s %s "%d %s"',
                response.request.method,
                self._redactor.url(str(response.request.url)),
                response.status_code,
                response.reason_phrase,
            )
        return make_status_error(
            response,
            operation.error_types,
            error_key=self._config.error_key,
            redact=self._redactor.text,
        )

    # -- parsing --------------------------------------------------------------------------------

    def _parse_body(self, operation: Operation, response: httpx.Response) -> Any:
        kind = operation.response_kind
        if kind == "json":
            content = response.content
            if not content:
                return None
            marker = self._marker_bytes
            if marker is not None and marker in content:
                self._raise_embedded_error(operation, response, content)
            if operation.response_type is None:
                return None
            return self._validate(
                operation, operation.response_type, operation.response_model, content, response
            )
        if kind == "text":
            return response.text
        if kind == "binary":
            return response.content
        return None

    def _validate(
        self,
        operation: Operation,
        tp: object,
        model: type[pydantic.BaseModel] | None,
        content: bytes | str,
        response: httpx.Response,
    ) -> Any:
        try:
            return validate_json(
                tp,
                model,
                content,
                strict=self._strict,
                logger=self._logger,
                label=operation.operation_id,
            )
        except SchemaMismatch as exc:
            first = exc.error.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "(root)"
            raise APIResponseValidationError(
                f"{operation.operation_id}: the response does not match its schema "
                f"({exc.error.error_count()} errors; first at {where}: {first['msg']})",
                response=response,
                body=exc.data,
            ) from exc.error
        except pydantic.ValidationError as exc:
            text = content if isinstance(content, str) else content.decode("utf-8", "replace")
            raise APIResponseValidationError(
                f"{operation.operation_id}: the response is not valid JSON",
                response=response,
                body=text,
            ) from exc

    def _raise_embedded_error(
        self, operation: Operation, response: httpx.Response, content: bytes | str
    ) -> None:
        key = self._config.error_key
        if key is None or not operation.embedded_errors:
            return
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            return  # not JSON (or nested too deep to read): validation reports it
        err = embedded_error(data, key)
        if err is not None:
            raise make_embedded_error(
                response,
                data,
                err,
                operation.error_types,
                error_key=key,
                redact=self._redactor.text,
            )

    def _json_instead_of_events(self, response: httpx.Response) -> bool:
        """A streaming call answered with JSON: its body may hold an error object."""
        if self._marker_bytes is None:
            return False
        content_type: str = response.headers.get("content-type", "")
        return "json" in content_type

    def _event_parser(self, operation: Operation) -> EventParser[Any]:
        tp, model = operation.stream_type, operation.stream_model
        validate: Any
        if tp is None:
            validate = None
        elif model is not None:
            validate = model.model_validate_json
        else:
            from ._models import get_adapter

            validate = get_adapter(tp).validate_json

        def recover(response: httpx.Response, data: str, exc: pydantic.ValidationError) -> Any:
            return self._validate(operation, tp, model, data, response)

        def on_error_marker(response: httpx.Response, data: str) -> None:
            self._raise_embedded_error(operation, response, data)

        return EventParser(
            max_event_bytes=self._max_event_bytes,
            validate=validate,
            recover=recover,
            done=self._config.sse_done,
            error_marker=self._marker_str if operation.embedded_errors else None,
            on_error_marker=on_error_marker,
        )


class SyncClient(_BaseClient):
    """Base of generated synchronous clients."""

    _http: httpx.Client

    def __init__(
        self,
        *,
        credentials: Mapping[str, Credential | None] | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Headers | None = None,
        default_query: Query | None = None,
        http_client: httpx.Client | None = None,
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
            # Redirects are followed by _send, which keeps credentials on their origin.
            else httpx.Client(
                timeout=self._timeout, limits=_DEFAULT_LIMITS, cookies=_refusing_cookie_jar()
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
        http_client: httpx.Client | None = None,
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

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def _send(self, request: httpx.Request, operation: Operation) -> httpx.Response:
        """Send, following redirects as ``RedirectPolicy`` allows; the body is not read yet."""
        send = self._http.send
        auth: Any = httpx.USE_CLIENT_DEFAULT
        hops = 0
        keeps = True  # the request still carries the caller's credentials
        while True:
            try:
                response = send(request, stream=True, follow_redirects=False, auth=auth)
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
                response.close()
            hops += 1
            # The http client's own auth (if any) only on the original origin.
            auth = httpx.USE_CLIENT_DEFAULT if keeps else None

    def request(
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
        replaces the URL built from the path and query (a next page's link, already checked)."""
        streaming = stream is True
        request = self._build_request(
            operation, path, query, headers, cookies, body, streaming,
            extra_headers, extra_query, extra_body, timeout, idempotency_key, url,
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
                response = self._send(request, operation)
                if 200 <= response.status_code < 300:
                    if not streaming:
                        response = read_body(response, limit)
                    break
                delay = self._retry_after_response(
                    response, retries_taken, max_retries, policy, perf_counter() - first
                )
                if delay is not None:
                    response.close()
                else:
                    response = read_body(response, limit)
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
            self._sleep(delay)
            retries_taken += 1

        if self._logger.isEnabledFor(_INFO):
            self._log_response(response, start)
        if streaming and self._json_instead_of_events(response):
            try:
                response = read_body(response, limit)
            except httpx.RequestError as exc:
                raise self._connection_error(exc, request) from exc
            self._raise_embedded_error(operation, response, response.content)
        if raw_response_requested():
            return self._raw(operation, response, streaming, retries_taken, start)
        if streaming:
            return Stream(response, self._event_parser(operation))
        return self._parse_body(operation, response)

    def request_page(self, operation: Operation, **options: Any) -> Any:
        """The first ``SyncPage`` of a paged ``operation``; ``options`` are ``request()``'s."""
        return first_page(self, operation, options)

    def _raw(
        self,
        operation: Operation,
        response: httpx.Response,
        streaming: bool,
        retries_taken: int,
        start: float,
    ) -> APIResponse[Any]:
        def parse() -> Any:
            if streaming:
                return Stream(response, self._event_parser(operation))
            return self._parse_body(operation, response)

        elapsed = timedelta(seconds=perf_counter() - start)
        return APIResponse(response, parse, retries_taken=retries_taken, elapsed=elapsed)

    def close(self) -> None:
        """Close the connection pool, if this client created it."""
        if self._owns_http:
            self._http.close()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncClient(_BaseClient):
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
                timeout=self._timeout, limits=_DEFAULT_LIMITS, cookies=_refusing_cookie_jar()
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
        url: str | None = None,
    ) -> Any:
        """Send ``operation`` and return its parsed result (see docs/runtime.md). ``url``
        replaces the URL built from the path and query (a next page's link, already checked)."""
        streaming = stream is True
        request = self._build_request(
            operation, path, query, headers, cookies, body, streaming,
            extra_headers, extra_query, extra_body, timeout, idempotency_key, url,
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
                    if not streaming:
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
        if raw_response_requested():
            return self._raw(operation, response, streaming, retries_taken, start)
        if streaming:
            return AsyncStream(response, self._event_parser(operation))
        return self._parse_body(operation, response)

    def request_page(self, operation: Operation, **options: Any) -> Any:
        """An ``AsyncPaginator`` of a paged ``operation``: awaited, the first ``AsyncPage``;
        iterated, every item. ``options`` are ``request()``'s."""
        return AsyncPaginator[Any, Any](self, operation, options)

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


class SyncAPIResource:
    """Base of generated resources (groups of operations) of a sync client."""

    _client: SyncClient

    def __init__(self, client: SyncClient) -> None:
        self._client = client


class AsyncAPIResource:
    """Base of generated resources (groups of operations) of an async client."""

    _client: AsyncClient

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
