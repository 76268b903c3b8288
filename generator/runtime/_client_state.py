"""The attributes every client holds, shared by the parts of a client that read them."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import httpx

from ._auth import AuthParts, Credential
from ._hooks import Hooks
from ._logging import Redactor
from ._operation import ClientConfig
from ._redirects import RedirectPolicy
from ._retries import RetryPolicy
from ._types import NotGiven


class ClientState:
    """Configuration and derived per-call state of a client (see BaseClient)."""

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
    _hooks: Hooks
    _package_hooks: tuple[object, ...]  # the generated package's own, kept by copies
    _server: str | None  # the server and variables chosen (a copy starts from them)
    _server_variables: dict[str, str]
    _flow: httpx.Auth | None  # auth= given to the client: applies to every request
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
