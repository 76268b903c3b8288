"""The HTTP clients generated clients derive from.

``SyncClient`` (_sync_client) and ``AsyncClient`` (_async_client) share ``BaseClient``:
configuration and copies (``with_options``) here, request building (_request_building), retry
decisions, error mapping and parsing (_response_handling), all plain (non-I/O) methods; the two
subclasses only differ in their send/sleep/read loops. The attributes these parts share are
declared once in _client_state.

Ownership: a client closes the httpx client only if it created it. An ``http_client=`` passed in
stays the caller's to close, and copies made by ``with_options()`` share the pool without owning
it. Requests are built directly as ``httpx.Request`` and passed to ``send`` (for speed): the
headers of an injected ``http_client`` are captured at construction and its auth, hooks and
transport apply, but its ``base_url``, ``params`` and cookie jar are not used.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Generic, Self, TypeVar
from urllib.parse import quote

import httpx

from ._auth import Credential, follow_base_url, resolve_credentials, secret_values
from ._auth_flows import AuthOption, as_httpx_auth
from ._hooks import Hooks
from ._logging import SECRET_HEADERS, Redactor, protect_loggers, setup_logger
from ._options import (
    as_timeout,
    cached_property_names,
    checked_base_url,
    checked_header_name,
    checked_retry_policy,
    header_value,
    positive_bytes,
    retry_count,
)
from ._redirects import RedirectPolicy
from ._request_building import RequestBuilding
from ._response_handling import ResponseHandling
from ._retries import RetryPolicy
from ._serialize import serialize_query_param
from ._servers import server_url
from ._types import NOT_GIVEN, Headers, NotGiven, Query, TimeoutTypes

# The httpx client a client sends with: httpx.Client or httpx.AsyncClient.
HttpClient = TypeVar("HttpClient", bound=httpx.Client | httpx.AsyncClient)


class BaseClient(RequestBuilding, ResponseHandling, Generic[HttpClient]):
    """State and decisions shared by the sync and async clients."""

    _http: HttpClient

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
        hooks: Iterable[object] | None = None,
        auth: object = None,
        server: str | None = None,
        server_variables: Mapping[str, str | None] | None = None,
        package_hooks: Iterable[object] | None = None,
    ) -> None:
        config = self._config
        self._server = server
        self._server_variables = _given(server_variables or {})
        if base_url is None:
            if server is None and not self._server_variables:
                env = config.base_url_env
                base_url = os.environ.get(env) if env else None
            if base_url is None:
                base_url = server_url(config, server, self._server_variables)
        self._base_url = checked_base_url(base_url)
        self._credentials = resolve_credentials(
            config.security_schemes, credentials or {}, self._base_url
        )
        self._package_hooks = tuple(package_hooks or ())
        self._hooks = Hooks([*self._package_hooks, *(hooks or ())])
        self._flow = as_httpx_auth(auth)
        self._timeout = config.timeout if isinstance(timeout, NotGiven) else as_timeout(timeout)
        self._default_retry = config.retry or RetryPolicy(
            max_retries=config.max_retries,
            initial_delay=config.initial_retry_delay,
            max_delay=config.max_retry_delay,
        )
        self._retry = None if retry is None else checked_retry_policy(retry)
        if max_retries is not None:
            self._max_retries = retry_count(max_retries)
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
            self._max_response_bytes = positive_bytes("max_response_bytes", max_response_bytes)
        elif not hasattr(self, "_max_response_bytes"):
            self._max_response_bytes = self._config.max_response_bytes
        if not isinstance(max_event_bytes, NotGiven):
            self._max_event_bytes = positive_bytes("max_event_bytes", max_event_bytes)
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
            headers[checked_header_name(name)] = header_value(name, text)
        for name, value in self._custom_headers.items():
            if value is None or isinstance(value, NotGiven):
                headers.pop(name.lower(), None)  # lets callers drop e.g. the User-Agent
            else:
                headers[checked_header_name(name)] = header_value(name, value)
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
        http_client: HttpClient | None = None,
        max_response_bytes: int | NotGiven = NOT_GIVEN,
        max_event_bytes: int | NotGiven = NOT_GIVEN,
        retry: RetryPolicy | None = None,
        hooks: Iterable[object] | None = None,
        auth: AuthOption | None = None,
        server: str | None = None,
        server_variables: Mapping[str, str | None] | None = None,
    ) -> Self:
        """A copy with some settings replaced, sharing this client's connection pool.

        Every setting of the constructor can be given, checked as the constructor checks it;
        one left out (or None) keeps this client's. Nothing done to the copy changes this
        client: its containers are copied, never shared.

        - ``default_headers``, ``default_query`` and ``credentials`` are merged over this
          client's (a None header or query value drops it; a None credential goes back to its
          environment variable).
        - ``hooks`` replaces the hooks given to this client, as in the constructor: the
          package's own (``package_hooks()``) still run first; ``[]`` leaves only those.
        - ``auth`` replaces the ``auth=`` flow; without it the copy shares this client's.
        - ``server`` and ``server_variables`` choose the base URL from the API's servers,
          starting from this client's choice (a None variable goes back to its default);
          ``base_url`` wins over both, as in the constructor.
        - An OAuth2 client credentials flow, and its token, is shared with this client (one
          fetch at a time across both) unless ``credentials`` replaces it, or the copy's base
          URL moves a token endpoint that is relative to the server: then the copy fetches
          its own token there.
        - ``http_client`` changes the pool the copy sends with. A copy never owns its pool
          (the one thing that differs from a new client): closing it does nothing, so close
          this client, or your ``http_client``, instead.
        """
        clone = object.__new__(type(self))
        skip = cached_property_names(type(self))  # resources bound to the original client
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if k not in skip})
        clone._owns_http = False
        if server is not None or server_variables:
            clone._server = self._server if server is None else server
            clone._server_variables = _given({**self._server_variables, **(server_variables or {})})
            if base_url is None:  # base_url= wins over a server, as in the constructor
                base_url = server_url(self._config, clone._server, clone._server_variables)
        if base_url is not None:
            clone._base_url = checked_base_url(base_url)
        schemes = self._config.security_schemes
        if credentials is not None:
            merged: dict[str, Credential | None] = {**self._credentials, **credentials}
            clone._credentials = resolve_credentials(schemes, merged, clone._base_url)
        else:
            clone._credentials = dict(self._credentials)
        if clone._base_url != self._base_url:
            clone._credentials = follow_base_url(
                schemes, clone._credentials, self._base_url, clone._base_url
            )
        if hooks is not None:  # replaces the caller's hooks; the package's stay first
            clone._hooks = Hooks([*self._package_hooks, *hooks])
        if auth is not None:
            clone._flow = as_httpx_auth(auth)
        if not isinstance(timeout, NotGiven):
            clone._timeout = as_timeout(timeout)
        if retry is not None:
            clone._retry = checked_retry_policy(retry)
            if not self._max_retries_given:
                clone._max_retries = clone._retry.max_retries
        if max_retries is not None:
            clone._max_retries = retry_count(max_retries)
            clone._max_retries_given = True
        clone._custom_headers = {**self._custom_headers, **(default_headers or {})}
        clone._custom_query = {**self._custom_query, **(default_query or {})}
        if strict_response_validation is not None:
            clone._strict = strict_response_validation
        clone._set_limits(max_response_bytes, max_event_bytes)
        if http_client is not None:
            clone._http = http_client
        clone._derive(clone._http.headers)
        return clone


def _given(variables: Mapping[str, str | None]) -> dict[str, str]:
    """The server variables given a value (None: the variable's default)."""
    return {name: value for name, value in variables.items() if value is not None}
