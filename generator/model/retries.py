"""Retry policies and idempotency headers: what the description and the config say, as data.

`x-speakeasy-retries` (document level and per operation) is read into `ir.RetrySettings`;
`[tool.oagen.retry]` overrides it key by key. The idempotency header comes from the config
(`idempotency_header`), else Fern's `x-fern-idempotency-headers`, else `Idempotency-Key`.
Templates print these values; the runtime applies them.
"""

from __future__ import annotations

import math
import re
from typing import Any

from generator.config import Config, RetryTable
from generator.diagnostics import Diagnostics, Location, excerpt
from generator.model import ir

DEFAULT_IDEMPOTENCY_HEADER = "Idempotency-Key"
# Methods a server must treat as idempotent (RFC 9110 9.2.2): no idempotency key.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
SPEAKEASY = "x-speakeasy-retries"
FERN_HEADERS = "x-fern-idempotency-headers"

_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,100}")
_IDEMPOTENCY_PARAM = re.compile(r"(?:x-)?idempotency[-_]?key")
_STATUS = re.compile(r"[1-5](?:[0-9][0-9]|XX)", re.IGNORECASE)
_MAX_MS = 86_400_000  # a day; more is a mistake in the description
_FIELDS = (
    "max_retries",
    "initial_delay",
    "max_delay",
    "statuses",
    "retry_connection_errors",
    "exponent",
    "max_elapsed",
)


def speakeasy_retries(
    value: Any, where: Location, diagnostics: Diagnostics
) -> ir.RetrySettings | None:
    """`x-speakeasy-retries` as data; what cannot be used is reported and left out."""
    if value is None:
        return None
    if not isinstance(value, dict):
        diagnostics.warning("W420", f"{SPEAKEASY} must be a mapping; it is ignored", where)
        return None
    found: dict[str, Any] = {}
    strategy = value.get("strategy", "backoff")
    if strategy == "none":
        found["max_retries"] = 0
    elif strategy != "backoff":
        diagnostics.warning(
            "W420",
            f"{SPEAKEASY}: strategy {excerpt(strategy, 40)} is not "
            "known (backoff, none); it is ignored",
            where.child("strategy"),
        )
        return None
    backoff = value.get("backoff")
    if isinstance(backoff, dict):
        for key, target in (
            ("initialInterval", "initial_delay"),
            ("maxInterval", "max_delay"),
            ("maxElapsedTime", "max_elapsed"),
        ):
            ms = backoff.get(key)
            if ms is None:
                continue
            if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= _MAX_MS:
                diagnostics.warning(
                    "W420",
                    f"{SPEAKEASY}: backoff.{key} must be a number of "
                    f"milliseconds from 0 to {_MAX_MS}; it is ignored",
                    where.child("backoff", key),
                )
                continue
            found[target] = ms / 1000.0
        exponent = backoff.get("exponent")
        if exponent is not None:
            if (
                isinstance(exponent, bool)
                or not isinstance(exponent, (int, float))
                or not 1 <= exponent <= 100
            ):
                diagnostics.warning(
                    "W420",
                    f"{SPEAKEASY}: backoff.exponent must be a number from 1 to 100; it is ignored",
                    where.child("backoff", "exponent"),
                )
            else:
                found["exponent"] = float(exponent)
    elif backoff is not None:
        diagnostics.warning(
            "W420", f"{SPEAKEASY}: backoff must be a mapping; it is ignored", where.child("backoff")
        )
    codes = value.get("statusCodes")
    if isinstance(codes, list):
        statuses: list[str] = []
        for index, code in enumerate(codes):
            text = (
                str(code).upper()
                if isinstance(code, (int, str)) and not isinstance(code, bool)
                else ""
            )
            if _STATUS.fullmatch(text):
                if text not in statuses:
                    statuses.append(text)
            else:
                diagnostics.warning(
                    "W420",
                    f"{SPEAKEASY}: statusCodes entry {excerpt(code, 40)}"
                    " is not a status (429) or range (5XX); it is ignored",
                    where.child("statusCodes", index),
                )
        found["statuses"] = tuple(statuses)
    elif codes is not None:
        diagnostics.warning(
            "W420",
            f"{SPEAKEASY}: statusCodes must be a list; it is ignored",
            where.child("statusCodes"),
        )
    connection = value.get("retryConnectionErrors")
    if isinstance(connection, bool):
        found["retry_connection_errors"] = connection
    elif connection is not None:
        diagnostics.warning(
            "W420",
            f"{SPEAKEASY}: retryConnectionErrors must be true or false; it is ignored",
            where.child("retryConnectionErrors"),
        )
    return _settings(found, (SPEAKEASY,))


def from_config(table: RetryTable | None) -> ir.RetrySettings | None:
    if table is None:
        return None
    found = {
        name: getattr(table, name)
        for name in ("max_retries", "initial_delay", "max_delay", "statuses")
    }
    return _settings(found, ("config",))


def merge(*layers: ir.RetrySettings | None) -> ir.RetrySettings | None:
    """Later layers win, key by key; None when no layer gives anything."""
    found: dict[str, Any] = {}
    sources: list[str] = []
    for layer in layers:
        if layer is None:
            continue
        for name in _FIELDS:
            value = getattr(layer, name)
            if value is not None:
                found[name] = value
        sources.extend(s for s in layer.sources if s not in sources)
    return _settings(found, tuple(sources)) if sources else None


def _settings(found: dict[str, Any], sources: tuple[str, ...]) -> ir.RetrySettings:
    delay, most = found.get("initial_delay"), found.get("max_delay")
    if delay is not None and most is not None and most < delay:
        found["max_delay"] = delay  # the cap never undercuts the first wait
    for name in ("initial_delay", "max_delay", "max_elapsed"):
        if name in found and found[name] is not None and not math.isfinite(found[name]):
            del found[name]
    return ir.RetrySettings(**{name: found.get(name) for name in _FIELDS}, sources=sources)


def idempotency_header(
    document: dict[str, Any], config: Config, file: str, diagnostics: Diagnostics
) -> str | None:
    """The API's idempotency header: config, else Fern's declaration, else the default."""
    if config.idempotency_header is False:
        return None
    if isinstance(config.idempotency_header, str):
        return config.idempotency_header
    declared = document.get(FERN_HEADERS)
    where = Location(file).child(FERN_HEADERS)
    if declared is None:
        return DEFAULT_IDEMPOTENCY_HEADER
    entries = declared if isinstance(declared, list) else []
    for index, entry in enumerate(entries):
        header = entry.get("header") if isinstance(entry, dict) else None
        if isinstance(header, str) and _HEADER_NAME.fullmatch(header):
            return header
        diagnostics.warning(
            "W421",
            f"{FERN_HEADERS} entry has no usable `header` name; it is ignored",
            where.child(index),
        )
    if not isinstance(declared, list):
        diagnostics.warning("W421", f"{FERN_HEADERS} must be a list; it is ignored", where)
    return DEFAULT_IDEMPOTENCY_HEADER


def is_idempotency_header(wire_name: str, api_header: str | None) -> bool:
    """A header parameter that carries an idempotency key."""
    lower = wire_name.lower()
    return (api_header is not None and lower == api_header.lower()) or _IDEMPOTENCY_PARAM.fullmatch(
        lower
    ) is not None
