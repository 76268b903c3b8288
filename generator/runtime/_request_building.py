"""Building the ``httpx.Request`` of one call: URL, query, headers, auth, body, idempotency key."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from typing import Any, cast

import httpx

from ._auth import NO_AUTH, AuthParts, header_name, resolve_auth
from ._client_state import ClientState
from ._errors import InvalidRequestError, MissingCredentialsError
from ._files import UploadStream
from ._operation import Operation, SecurityScheme
from ._options import as_timeout, checked_header_name, header_value, new_idempotency_key
from ._serialize import (
    build_path,
    encode_body,
    serialize_cookie_param,
    serialize_header_param,
    serialize_query_param,
)
from ._types import NOT_GIVEN, Headers, NotGiven, Query, TimeoutTypes

_DEBUG = logging.DEBUG
_AUTH_QUERY = "\0auth"  # key of the auth pieces among query groups; cannot clash with a name


@functools.lru_cache(maxsize=256)
def raw_operation(
    method: str, path: str, security: tuple[tuple[str, ...], ...], cast_to: object
) -> Operation:
    """The operation of ``client.get(path)`` and the like: an endpoint the description lacks.

    Its auth is the first scheme the client has a credential for (none needed), its result the
    JSON body validated into ``cast_to`` (``object``: plain data).
    """
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise InvalidRequestError(
            f"path must start with one '/' and is relative to the client's base URL, got {path!r}"
        )
    if "?" in path or "#" in path:
        raise InvalidRequestError("pass query parameters as query={...}, not in the path")
    literal = path.replace("{", "%7B").replace("}", "%7D")  # no {parameters} in a raw path
    return Operation(
        method=method,
        path=literal,
        operation_id=f"{method} {path}",
        security=security,
        response_type=cast_to,
    )


class RequestBuilding(ClientState):
    """Turns an operation and its arguments into a request."""

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
                    h[checked_header_name(name)] = header_value(name, text)

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
            h["cookie"] = header_value("cookie", f"{existing}; {joined}" if existing else joined)

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
                    h[checked_header_name(name)] = header_value(name, value)

        if operation.needs_idempotency_key:
            self._add_idempotency_key(operation, h, extra_headers, idempotency_key)

        ext = (
            self._timeout_ext
            if isinstance(timeout, NotGiven)
            else {"timeout": as_timeout(timeout).as_dict()}
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
            h[checked_header_name(name)] = header_value(name, idempotency_key)
            return
        lower = name.lower()
        if lower in h:
            return  # the caller's: a header parameter, extra_headers or default_headers
        if extra_headers and any(k.lower() == lower for k in extra_headers):
            return  # extra_headers={name: None} asks for no key
        h[lower] = new_idempotency_key()

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
                if name == "authorization" and self._flow is not None:
                    return True  # auth= sends it
                return name is not None and (name in headers or name in extra_h)

            return resolve_auth(operation, schemes, self._credentials, supplied)
        self._auth_cache[security] = parts
        return parts

    def _raw_operation(self, method: str, path: str, cast_to: object) -> Operation:
        # Any one scheme the client has a credential (or auth=) for; none also does.
        security = (*((name,) for name in self._config.security_schemes), ())
        return raw_operation(method, path, security, object if cast_to is None else cast_to)

    def _flow_for(self, operation: Operation) -> Any:
        """The httpx auth flow of a call: its scheme's (client credentials), else auth=."""
        parts = self._auth_cache.get(operation.security) if operation.security else None
        flow = parts.flow if parts is not None else None
        return flow or self._flow or httpx.USE_CLIENT_DEFAULT

    def _auth_query(self, operation: Operation) -> list[str]:
        parts = self._auth_cache.get(operation.security) if operation.security else None
        return parts.query if parts is not None else []
