"""Credentials: where they come from, how each security scheme sends them, what is missing.

A credential comes from the client constructor (``credentials={"<scheme>": value}``) or, failing
that, from the scheme's environment variable, read once at construction. Per operation the first
alternative whose schemes all have credentials wins; an empty alternative (auth optional) is used
only when no other one can be satisfied. Nothing satisfiable raises ``MissingCredentialsError``
before any network call.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from typing import TypeAlias
from urllib.parse import quote

import httpx

from ._auth_flows import ClientCredentials
from ._errors import InvalidRequestError, MissingCredentialsError
from ._operation import Operation, SecurityScheme

__all__ = [
    "AuthParts",
    "Credential",
    "follow_base_url",
    "resolve_auth",
    "resolve_credentials",
    "secret_values",
]

# A token / API key, or (username, password) for http basic ("user:password" also works), or
# (client id, client secret) for OAuth2 client credentials; or an httpx.Auth flow made of these.
Credential: TypeAlias = str | tuple[str, str] | httpx.Auth


class AuthParts:
    """What one security alternative adds to a request."""

    __slots__ = ("cookies", "flow", "headers", "query")

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.query: list[str] = []  # encoded name=value pieces
        self.cookies: list[str] = []
        self.flow: httpx.Auth | None = None  # e.g. OAuth2 client credentials

    def __repr__(self) -> str:  # values are secrets
        return f"AuthParts(headers={sorted(self.headers)}, query={len(self.query)})"


NO_AUTH = AuthParts()


def resolve_credentials(
    schemes: Mapping[str, SecurityScheme],
    given: Mapping[str, Credential | None],
    base_url: str = "",
) -> dict[str, Credential]:
    credentials: dict[str, Credential] = {}
    for name, scheme in schemes.items():
        value = given.get(name)
        if scheme.token_url is not None and not isinstance(value, (str, httpx.Auth)):
            flow = _client_credentials(scheme, value, base_url)
            if flow is not None:
                credentials[name] = flow
            continue
        if value is None or value == "":
            value = os.environ.get(scheme.env_var) if scheme.env_var else None
        if value:
            credentials[name] = value
    return credentials


def _client_credentials(
    scheme: SecurityScheme, value: tuple[str, str] | None, base_url: str
) -> ClientCredentials | None:
    """The client credentials flow of ``scheme``, from (id, secret) or its variables."""
    client_id, secret = value if value is not None else (None, None)
    if not client_id and scheme.client_id_env:
        client_id = os.environ.get(scheme.client_id_env)
    secret = secret or (
        os.environ.get(scheme.client_secret_env) if scheme.client_secret_env else None
    )
    if not client_id or not secret:
        return None
    return ClientCredentials(
        _token_url(scheme, base_url),
        client_id,
        secret,
        scopes=scheme.scopes,
        method=scheme.token_auth_method,
    )


def _token_url(scheme: SecurityScheme, base_url: str) -> str:
    """The scheme's token endpoint; a relative one is on the server (RFC 3986 joining)."""
    assert scheme.token_url is not None
    token_url = scheme.token_url
    if base_url and not token_url.startswith(("http://", "https://")):
        token_url = str(httpx.URL(base_url.rstrip("/") + "/").join(token_url))
    return token_url


def follow_base_url(
    schemes: Mapping[str, SecurityScheme],
    credentials: Mapping[str, Credential],
    old_base_url: str,
    new_base_url: str,
) -> dict[str, Credential]:
    """The credentials of a copy on another base URL.

    A client credentials flow whose token endpoint is relative to the server gets a flow of its
    own at the new server's endpoint: a token one server issued is never sent to another.
    Other credentials, and flows with an absolute token URL, stay shared.
    """
    out = dict(credentials)
    for name, value in credentials.items():
        scheme = schemes.get(name)
        if not isinstance(value, ClientCredentials) or scheme is None or not scheme.token_url:
            continue
        old, new = _token_url(scheme, old_base_url), _token_url(scheme, new_base_url)
        if value.token_url == old and new != old:
            out[name] = value.at(new)
    return out


def secret_values(credentials: Mapping[str, Credential]) -> list[str]:
    """Every string that would reveal a credential (for redaction)."""
    out: list[str] = []
    for value in credentials.values():
        if isinstance(value, ClientCredentials):
            out.extend(value.secrets())
            continue
        if isinstance(value, httpx.Auth):
            continue
        if isinstance(value, tuple):
            out.append(value[1])  # the password; a user name is not a secret
            value = f"{value[0]}:{value[1]}"
        else:
            out.append(value)
        out.append(base64.b64encode(value.encode()).decode("ascii"))
    return out


def header_name(scheme: SecurityScheme) -> str | None:
    """The (lower-case) header a scheme is sent in, if it is sent in a header."""
    if scheme.type == "apiKey":
        return (
            scheme.param_name.lower() if scheme.location == "header" and scheme.param_name else None
        )
    return "authorization"


_COOKIE_UNSAFE = frozenset(' ",;\\')


def _sendable(scheme: SecurityScheme, token: str, where: str, cookie: bool = False) -> str:
    """``token`` if it can go into a header or cookie as it is (printable ASCII), else raise.

    A line break would inject headers, a ";" more cookies; anything non-ASCII is a copy-paste
    slip httpx would fail on. The message names the scheme, never the value.
    """
    if token.isascii() and token.isprintable() and (not cookie or _COOKIE_UNSAFE.isdisjoint(token)):
        return token
    allowed = "printable ASCII without spaces, quotes, commas, semicolons or backslashes"
    raise InvalidRequestError(
        f"The credential for {scheme.name or scheme.argument!r} cannot be sent in {where}: it "
        f"must be {allowed if cookie else 'printable ASCII'}; check it for a stray line break, "
        "space or non-ASCII character."
    )


def _apply(scheme: SecurityScheme, credential: Credential, parts: AuthParts) -> None:
    if isinstance(credential, httpx.Auth):
        parts.flow = credential
        return
    if scheme.type == "apiKey":
        token = credential if isinstance(credential, str) else ":".join(credential)
        name = scheme.param_name or ""
        if scheme.location == "query":
            parts.query.append(f"{quote(name, safe='')}={quote(token, safe='')}")
        elif scheme.location == "cookie":
            token = _sendable(scheme, token, f"the {name!r} cookie", cookie=True)
            parts.cookies.append(f"{name}={token}")
        else:
            parts.headers[name.lower()] = _sendable(scheme, token, f"the {name!r} header")
        return
    http_scheme = (scheme.scheme or "bearer").lower() if scheme.type == "http" else "bearer"
    if http_scheme == "basic":
        pair = credential if isinstance(credential, str) else ":".join(credential)
        encoded = base64.b64encode(pair.encode("utf-8")).decode("ascii")
        parts.headers["authorization"] = f"Basic {encoded}"
    else:
        token = credential if isinstance(credential, str) else ":".join(credential)
        prefix = "Bearer" if http_scheme == "bearer" else (scheme.scheme or "")
        token = _sendable(scheme, token, "the Authorization header")
        parts.headers["authorization"] = f"{prefix} {token}"


def resolve_auth(
    operation: Operation,
    schemes: Mapping[str, SecurityScheme],
    credentials: Mapping[str, Credential],
    supplied: Callable[[SecurityScheme], bool] | None = None,
) -> AuthParts:
    """The auth parts for ``operation``.

    ``supplied`` reports schemes the caller already satisfied by hand (e.g. an Authorization
    header in ``default_headers``); those count as present and add nothing.
    """
    security = operation.security
    if not security:
        return NO_AUTH
    optional = False
    for alternative in security:
        if not alternative:
            optional = True
            continue
        if all(
            name in schemes
            and (name in credentials or (supplied is not None and supplied(schemes[name])))
            for name in alternative
        ):
            parts = AuthParts()
            for name in alternative:
                if name in credentials:
                    _apply(schemes[name], credentials[name], parts)
            return parts
    if optional:
        return NO_AUTH
    raise MissingCredentialsError(_missing_message(operation, schemes, credentials))


def _what(scheme: SecurityScheme) -> str:
    if scheme.type == "http" and (scheme.scheme or "").lower() == "basic":
        return "a username and password"
    if scheme.token_url is not None:
        return "a client id and secret"
    if scheme.type in ("oauth2", "openIdConnect"):
        return "an access token"
    return "an API key"


def _hint(scheme: SecurityScheme) -> str:
    if scheme.token_url is not None:
        hint = f"pass {scheme.argument}=(client_id, client_secret)"
        if scheme.client_id_env and scheme.client_secret_env:
            hint += f" or set {scheme.client_id_env} and {scheme.client_secret_env}"
        return hint + ", or auth=..."
    hint = f"pass {scheme.argument}=..."
    return f"{hint} or set {scheme.env_var}" if scheme.env_var else hint


def _missing_message(
    operation: Operation,
    schemes: Mapping[str, SecurityScheme],
    credentials: Mapping[str, Credential],
) -> str:
    options: list[str] = []
    for alternative in operation.security:
        missing = [n for n in alternative if n not in credentials]
        if not missing:
            continue
        described = []
        for name in missing:
            scheme = schemes.get(name)
            if scheme is None:
                described.append(f"the undeclared security scheme {name!r}")
            else:
                described.append(f"{_what(scheme)}: {_hint(scheme)}")
        options.append(" and ".join(described))
    return f"{operation.operation_id} needs " + "; or ".join(options)
