"""`[tool.oagen.webhooks]`: how the API signs the webhook requests it sends.

    [tool.oagen.webhooks]
    scheme = "stripe"                     # or "standard" (the default: Standard Webhooks)
    signature_header = "Stripe-Signature" # default: webhook-signature / Stripe-Signature
    id_header = "webhook-id"              # standard only
    timestamp_header = "webhook-timestamp"  # standard only
    tolerance = 300                       # seconds a signature stays valid, either way
    secret_env = "ACME_WEBHOOK_SECRET"    # default: <env_prefix>_WEBHOOK_SECRET

Checked here (known keys, types, header names); `reader.py` calls `check` and `table`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostics, Location

CODE = "E010"  # the config's own code
SCHEMES = ("standard", "stripe")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_TOLERANCE = 86400.0

KEYS: dict[str, str] = {
    "scheme": 'signature scheme: "standard" (Standard Webhooks) or "stripe"',
    "signature_header": "header carrying the signature",
    "id_header": "header carrying the message id (standard scheme)",
    "timestamp_header": "header carrying the timestamp (standard scheme)",
    "tolerance": "seconds a signature's timestamp may differ from now, 0 to 86400",
    "secret_env": "environment variable holding the webhook secret",
}


@dataclass(frozen=True, slots=True)
class WebhooksTable:
    """The table's values; None = not given (the scheme's default)."""

    scheme: str = "standard"
    signature_header: str | None = None
    id_header: str | None = None
    timestamp_header: str | None = None
    tolerance: float | None = None
    secret_env: str | None = None


def check(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """Known keys, each of its type and form; every problem is reported at its key."""
    ok = True
    for key, item in value.items():
        place = where.child(key)
        description = KEYS.get(key)
        if description is None:
            diagnostics.error(
                CODE,
                f"unknown key `{key}` in [tool.oagen.webhooks]",
                place,
                "known keys: " + ", ".join(KEYS),
            )
            ok = False
            continue
        problem = _problem(key, item)
        if problem is not None:
            diagnostics.error(CODE, problem, place, f"`webhooks.{key}`: {description}")
            ok = False
    return ok


def _problem(key: str, item: object) -> str | None:
    if key == "tolerance":
        if isinstance(item, bool) or not isinstance(item, (int, float)):
            return f"`webhooks.tolerance` must be a number, got {type(item).__name__}"
        if not 0 <= item <= _MAX_TOLERANCE:
            return f"`webhooks.tolerance` must be between 0 and {_MAX_TOLERANCE:g}, got {item}"
        return None
    if not isinstance(item, str):
        return f"`webhooks.{key}` must be a string, got {type(item).__name__}"
    if key == "scheme" and item not in SCHEMES:
        return f"`webhooks.scheme` must be one of {', '.join(SCHEMES)}, got {item!r}"
    if key.endswith("_header") and not _HEADER_NAME.fullmatch(item):
        return f"`webhooks.{key}` {item!r} is not a header name"
    if key == "secret_env" and not _ENV_NAME.fullmatch(item):
        return f"`webhooks.secret_env` {item!r} is not an environment variable name"
    return None


def table(value: dict[str, Any]) -> WebhooksTable:
    tolerance = value.get("tolerance")
    return WebhooksTable(
        scheme=str(value.get("scheme", "standard")),
        signature_header=value.get("signature_header"),
        id_header=value.get("id_header"),
        timestamp_header=value.get("timestamp_header"),
        tolerance=None if tolerance is None else float(tolerance),
        secret_env=value.get("secret_env"),
    )
