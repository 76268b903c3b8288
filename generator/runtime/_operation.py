"""Frozen descriptions of operations, parameters, security schemes and clients.

Generated code writes these as module constants; the runtime derives everything it needs per call
from them once, at construction (see the ``init=False`` fields), so the hot path only reads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

import httpx
import pydantic

from ._pagination import Paging
from ._retries import RetryPolicy

__all__ = [
    "DEFAULT_MAX_EVENT_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "ClientConfig",
    "Operation",
    "Param",
    "SecurityScheme",
]

DEFAULT_TIMEOUT: Final = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES: Final = 2
DEFAULT_MAX_RESPONSE_BYTES: Final = 256 * 1024 * 1024
DEFAULT_MAX_EVENT_BYTES: Final = 16 * 1024 * 1024

ParamLocation = Literal["path", "query", "header", "cookie"]
ResponseKind = Literal["json", "text", "binary", "none"]
BodyEncoding = Literal["json", "multipart", "form", "text", "binary"]

# OpenAPI defaults: form for query/cookie, simple for path/header; explode only for form.
_DEFAULT_STYLE: Final[Mapping[str, str]] = {
    "path": "simple",
    "query": "form",
    "header": "simple",
    "cookie": "form",
}
_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
# Methods a server must treat as idempotent (RFC 9110 9.2.2): retried without an idempotency key.
IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


@dataclass(frozen=True, slots=True)
class Param:
    """One declared parameter, by wire name."""

    name: str
    location: ParamLocation
    style: str | None = None
    explode: bool | None = None
    allow_reserved: bool = False
    deprecated: str | None = None  # the note warned with when a value is given
    resolved_style: str = field(init=False, repr=False, compare=False)
    resolved_explode: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        style = self.style or _DEFAULT_STYLE[self.location]
        explode = (style == "form") if self.explode is None else self.explode
        object.__setattr__(self, "resolved_style", style)
        object.__setattr__(self, "resolved_explode", explode)


@dataclass(frozen=True, slots=True)
class Operation:
    """Everything the runtime needs to know about one operation."""

    method: str
    path: str
    operation_id: str
    params: tuple[Param, ...] = ()
    # Alternatives of scheme names; () = no auth; an empty alternative inside = auth optional.
    security: tuple[tuple[str, ...], ...] = ()
    request_content_type: str | None = None
    response_type: object = None
    response_kind: ResponseKind = "json"
    stream_type: object = None
    error_types: Mapping[str, object] = field(default_factory=dict)
    file_fields: frozenset[str] = frozenset()
    # False when a successful body declares the error key as its own (required) data, so an
    # object there is a result, not an error report.
    embedded_errors: bool = True
    # Retry policy the API description gives this operation (x-speakeasy-retries); None: the
    # client's. A policy given to the client or the call replaces it.
    retry: RetryPolicy | None = None
    # Header carrying the idempotency key when the description names one for this operation;
    # None: ClientConfig.idempotency_header.
    idempotency_header: str | None = None
    # Where the method is on the client, for hooks: "chat.completions.create", "chat.completions".
    call_path: str = ""
    resource: str = ""
    # How a list operation pages; None: it returns its body as it is.
    paging: Paging | None = None
    # The note warned with (once) when the operation is called; None: not deprecated.
    deprecated: str | None = None
    # Deprecated body properties: wire name -> note (parameters carry their own).
    deprecated_body: Mapping[str, str] = field(default_factory=dict)

    # Derived once; read on every call.
    # (location, wire name, note) of each deprecated argument; "body" for body properties.
    deprecated_params: tuple[tuple[str, str, str], ...] = field(
        init=False, repr=False, compare=False
    )
    warns: bool = field(init=False, repr=False, compare=False)  # anything deprecated at all
    needs_idempotency_key: bool = field(init=False, repr=False, compare=False)
    path_parts: tuple[str, ...] = field(init=False, repr=False, compare=False)
    param_index: Mapping[tuple[str, str], Param] = field(init=False, repr=False, compare=False)
    body_encoding: BodyEncoding = field(init=False, repr=False, compare=False)
    response_model: type[pydantic.BaseModel] | None = field(init=False, repr=False, compare=False)
    stream_model: type[pydantic.BaseModel] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "method", self.method.upper())
        set_(self, "needs_idempotency_key", self.method not in IDEMPOTENT_METHODS)
        # Alternating literal text and parameter names: "/keys/{hash}" -> ("/keys/", "hash", "").
        set_(self, "path_parts", tuple(_PATH_PARAM.split(self.path)))
        set_(self, "param_index", {(p.location, p.name): p for p in self.params})
        set_(self, "body_encoding", body_encoding(self.request_content_type))
        set_(self, "response_model", _model_class(self.response_type))
        set_(self, "stream_model", _model_class(self.stream_type))
        notes: list[tuple[str, str, str]] = [
            (p.location, p.name, p.deprecated) for p in self.params if p.deprecated is not None
        ]
        notes += [("body", name, note) for name, note in self.deprecated_body.items()]
        set_(self, "deprecated_params", tuple(notes))
        set_(self, "warns", self.deprecated is not None or bool(notes))


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """One entry of ``components.securitySchemes``.

    ``name`` is the scheme's key there (informational). ``type`` is the OpenAPI type; oauth2 and
    openIdConnect credentials are sent as bearer tokens. ``scheme`` is the http scheme ("bearer",
    "basic"); for apiKey, ``param_name`` and ``location`` are the OpenAPI ``name`` and ``in``:
    the header, query or cookie parameter that carries the key. ``argument`` and ``env_var`` name
    the constructor argument and environment variable that supply the credential (they appear in
    the missing-credentials error).
    """

    type: Literal["http", "apiKey", "oauth2", "openIdConnect"]
    scheme: str | None = None
    location: Literal["header", "query", "cookie"] | None = None
    param_name: str | None = None
    name: str | None = None
    argument: str = "api_key"
    env_var: str | None = None
    # OAuth2 client credentials flow (oauth2 with flows.clientCredentials): the token URL
    # (relative ones are resolved against the client's base URL), the scopes asked for, how the
    # client authenticates to the token endpoint, and the variables holding its id and secret.
    token_url: str | None = None
    scopes: tuple[str, ...] = ()
    token_auth_method: Literal["client_secret_post", "client_secret_basic"] = "client_secret_post"
    client_id_env: str | None = None
    client_secret_env: str | None = None


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Per-API settings of a generated client."""

    default_base_url: str
    base_url_env: str | None = None
    security_schemes: Mapping[str, SecurityScheme] = field(default_factory=dict)
    user_agent: str | None = None
    default_headers: Mapping[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout = field(default_factory=lambda: DEFAULT_TIMEOUT)
    max_retries: int = DEFAULT_MAX_RETRIES
    # Retry pacing: backoff starts at initial_retry_delay and doubles up to max_retry_delay; a
    # server asking (Retry-After) to wait longer than max_retry_after makes the client give up.
    initial_retry_delay: float = 0.5
    max_retry_delay: float = 8.0
    max_retry_after: float = 60.0
    # The API's retry policy (config, else the description's document-level
    # x-speakeasy-retries); None: max_retries, initial_retry_delay and max_retry_delay above.
    retry: RetryPolicy | None = None
    # Header sending a key generated once per call (reused by its retries) on every POST, PATCH
    # and other non-idempotent request, so a server can recognise a repeat; None: no key.
    idempotency_header: str | None = "Idempotency-Key"
    # Size caps (bytes), overridable per client: a whole non-streamed body (decoded), and one
    # line or event of a stream. A response over them raises ResponseTooLargeError.
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    # Top-level key of an error object some APIs put in 2xx bodies and stream events.
    error_key: str | None = None
    # SSE data that ends a stream; None: run until the server closes it.
    sse_done: str | None = "[DONE]"
    log_env: str | None = None
    logger_name: str = "oagen.client"
    # Response header carrying the server's request id (on parsed models and on errors).
    request_id_header: str | None = "x-request-id"
    # Selectable servers: (name, URL template) with {variables}, the first being the default, and
    # each variable's default and allowed values ((name, default, allowed), allowed () = any).
    servers: tuple[tuple[str, str], ...] = ()
    server_variables: tuple[tuple[str, str, tuple[str, ...]], ...] = ()


def body_encoding(content_type: str | None) -> BodyEncoding:
    """How a request body with this media type is encoded."""
    if content_type is None:
        return "json"
    base = content_type.split(";", 1)[0].strip().lower()
    if base == "application/json" or base.endswith("+json"):
        return "json"
    if base.startswith("multipart/"):
        return "multipart"
    if base == "application/x-www-form-urlencoded":
        return "form"
    if base.startswith("text/"):
        return "text"
    return "binary"


def _model_class(tp: object) -> type[pydantic.BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        return tp
    return None
