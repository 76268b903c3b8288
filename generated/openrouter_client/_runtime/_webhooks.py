"""Verifying the signature of a webhook request and reading its event.

Two schemes, chosen per API (``[tool.oagen.webhooks]``):

- ``standard`` (Standard Webhooks, https://www.standardwebhooks.com): headers ``webhook-id``,
  ``webhook-timestamp`` (Unix seconds) and ``webhook-signature`` (space-separated ``v1,<base64>``
  entries: several during a key rotation); the signature is base64 HMAC-SHA256 over
  ``<id>.<timestamp>.<body>`` keyed with the secret's base64 part (after ``whsec_``).
- ``stripe``: one header ``Stripe-Signature: t=<timestamp>,v1=<hex>[,v1=<hex>...]``; hex
  HMAC-SHA256 over ``<timestamp>.<body>`` keyed with the whole secret's UTF-8 bytes.

Header names are configurable for both (Svix, for one, sends ``svix-id``...). The timestamp must be
within ``tolerance`` seconds of now, either way, so a captured request cannot be replayed later;
signatures are compared in constant time (``hmac.compare_digest``). Verify the raw body as
received: parsing and re-serialising JSON changes the bytes the signature covers.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import pydantic

from ._models import validate_json

__all__ = ["BaseWebhooks", "WebhookScheme", "WebhookVerificationError", "verify_signature"]

# Headers and secrets longer than this are refused before any work: a real one is far shorter.
_MAX_HEADER = 8 * 1024


class WebhookVerificationError(ValueError):
    """The request is not proven to come from the API: a missing, malformed, stale or wrong
    signature, or no secret to check it with."""


@dataclass(frozen=True, slots=True)
class WebhookScheme:
    """How an API signs its webhook requests (see the module's docstring)."""

    kind: Literal["standard", "stripe"] = "standard"
    signature_header: str = "webhook-signature"
    id_header: str = "webhook-id"  # standard only
    timestamp_header: str = "webhook-timestamp"  # standard only
    tolerance: float = 300.0  # seconds between the signature's timestamp and now, either way
    secret_env: str | None = None  # environment variable holding the secret


STANDARD = WebhookScheme()


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            if not isinstance(value, str) or len(value) > _MAX_HEADER:
                raise WebhookVerificationError(f"The {name} header is not a usable value.")
            return value
    raise WebhookVerificationError(f"The {name} header is missing: the request is not signed.")


def _check_time(timestamp: str, tolerance: float, now: float | None) -> None:
    if not timestamp.isascii() or not timestamp.isdigit() or len(timestamp) > 15:
        raise WebhookVerificationError("The webhook timestamp is not a number of seconds.")
    moment = time.time() if now is None else now
    if int(timestamp) < moment - tolerance:
        raise WebhookVerificationError(
            f"The webhook timestamp is more than {tolerance:g} s old: a replayed or late request."
        )
    if int(timestamp) > moment + tolerance:
        raise WebhookVerificationError(
            f"The webhook timestamp is more than {tolerance:g} s in the future."
        )


def _standard_key(secret: str) -> bytes:
    encoded = secret.removeprefix("whsec_")
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise WebhookVerificationError(
            "The webhook secret is not a Standard Webhooks secret (whsec_ then base64)."
        ) from None


def _digest(key: bytes, *parts: bytes) -> bytes:
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        mac.update(part)
    return mac.digest()


def verify_signature(
    payload: str | bytes,
    headers: Mapping[str, str],
    secret: str,
    scheme: WebhookScheme = STANDARD,
    *,
    now: float | None = None,
) -> None:
    """Raise ``WebhookVerificationError`` unless ``payload`` carries a valid, fresh signature."""
    if not isinstance(secret, str) or not secret or len(secret) > _MAX_HEADER:
        raise WebhookVerificationError("No usable webhook secret was given.")
    body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    header = _header(headers, scheme.signature_header)
    if scheme.kind == "stripe":
        pairs = [item.partition("=") for item in header.split(",")]
        stamps = [value.strip() for key, _, value in pairs if key.strip() == "t"]
        offered = [value.strip() for key, _, value in pairs if key.strip() == "v1"]
        if len(stamps) != 1 or not offered:
            raise WebhookVerificationError(
                f"The {scheme.signature_header} header has no t=... and v1=... entries."
            )
        timestamp = stamps[0]
        _check_time(timestamp, scheme.tolerance, now)
        expected = _digest(secret.encode("utf-8"), timestamp.encode(), b".", body).hex()
    else:
        message_id = _header(headers, scheme.id_header)
        timestamp = _header(headers, scheme.timestamp_header)
        _check_time(timestamp, scheme.tolerance, now)
        key = _standard_key(secret)
        signed = (message_id.encode("utf-8"), b".", timestamp.encode(), b".", body)
        expected = base64.b64encode(_digest(key, *signed)).decode()
        offered = [
            signature
            for version, _, signature in (item.partition(",") for item in header.split())
            if version == "v1"
        ]
    # Every entry is compared (no early exit on the first match), each in constant time.
    matched = False
    for candidate in offered:
        matched |= hmac.compare_digest(candidate.encode(), expected.encode())
    if not matched:
        raise WebhookVerificationError(
            "No webhook signature matches: a wrong secret, or a body changed on the way."
        )


class BaseWebhooks:
    """Base of a generated client's ``webhooks``: ``verify_signature`` and the typed ``unwrap``.

    ``scheme`` and ``event_type`` (the union of the API's webhook payloads) are set by the
    generated subclass. The secret is the call's ``secret=``, else the one given to the
    constructor, else the environment variable ``scheme.secret_env``.
    """

    scheme: ClassVar[WebhookScheme] = STANDARD
    event_type: ClassVar[object] = Any

    def __init__(self, secret: str | None = None) -> None:
        self._secret = secret

    def __repr__(self) -> str:
        return f"<{type(self).__name__} scheme={self.scheme.kind!r}>"  # never the secret

    def _secret_for(self, secret: str | None) -> str:
        found = secret or self._secret
        if not found and self.scheme.secret_env:
            found = os.environ.get(self.scheme.secret_env)
        if not found:
            where = f" or set {self.scheme.secret_env}" if self.scheme.secret_env else ""
            raise WebhookVerificationError(f"No webhook secret: pass secret={where}.")
        return found

    def verify_signature(
        self,
        payload: str | bytes,
        headers: Mapping[str, str],
        *,
        secret: str | None = None,
        now: float | None = None,
    ) -> None:
        """Raise ``WebhookVerificationError`` unless the request is signed with the secret."""
        verify_signature(payload, headers, self._secret_for(secret), self.scheme, now=now)

    def _unwrap(
        self,
        payload: str | bytes,
        headers: Mapping[str, str],
        secret: str | None,
        now: float | None = None,
    ) -> Any:
        self.verify_signature(payload, headers, secret=secret, now=now)
        tp = self.event_type
        model = tp if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel) else None
        # As for responses: an unknown enum value or a missing field does not lose the event.
        return validate_json(tp, model, payload, strict=False, label="webhook")
