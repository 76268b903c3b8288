"""The settings oagen runs with (`Config`), as read from `[tool.oagen]` and overridden by flags."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator.config.webhooks import WebhooksTable


@dataclass(frozen=True, slots=True)
class RetryTable:
    """`[tool.oagen.retry]`: each key given replaces the API description's value (and the
    default); None = not given."""

    max_retries: int | None = None
    initial_delay: float | None = None  # seconds
    max_delay: float | None = None  # seconds
    statuses: tuple[str, ...] | None = None  # "429", "5XX"


@dataclass(frozen=True, slots=True)
class Config:
    spec: Path | None = None
    output: Path | None = None
    package: str | None = None  # default: derived from the spec title
    distribution: str | None = None
    version: str | None = None  # default: the spec's info.version
    client: str | None = None
    async_client: str | None = None
    env_prefix: str | None = None  # e.g. OPENROUTER: OPENROUTER_API_KEY, OPENROUTER_BASE_URL
    default_headers: tuple[tuple[str, str], ...] = ()
    sse_done: str | None = "[DONE]"
    error_key: str | None = "error"
    stream_flag: str = "stream"
    strict: bool = False
    templates: Path | None = None  # a folder whose templates replace the built-ins by name
    overlays: tuple[Path, ...] = ()  # OpenAPI Overlay files applied, in order, before validation
    root: Path | None = None  # the folder `$ref`s may read files from; default: the spec's own
    api_key_env: str | None = None  # default: <env_prefix>_API_KEY
    base_url_env: str | None = None  # default: <env_prefix>_BASE_URL
    log_env: str | None = None  # default: <env_prefix>_LOG
    # Naming overrides: operationId -> method name, schema/model name -> model name,
    # "Model.wire_name" -> field name. Sorted pairs, so the config stays hashable and ordered.
    operation_names: tuple[tuple[str, str], ...] = ()
    model_names: tuple[tuple[str, str], ...] = ()
    field_names: tuple[tuple[str, str], ...] = ()
    retry: RetryTable | None = None
    # Header of the idempotency key sent on POST/PATCH; None: the description's
    # (x-fern-idempotency-headers), else Idempotency-Key; False: no key.
    idempotency_header: str | bool | None = None
    # Response header holding the server's request id (on parsed results and errors); None: none.
    request_id_header: str | None = "x-request-id"
    webhooks: WebhooksTable | None = None  # how webhook requests are signed; None: defaults
    # Where the config came from, so relative paths and diagnostics make sense.
    source: Path | None = None


def with_overrides(config: Config, **overrides: Any) -> Config:
    """CLI flags win over the file; `None` means the flag was not given."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given) if given else config
