"""Deprecation notes: what a deprecated operation, parameter or body property tells its callers.

`deprecated: true` decides; the text comes from the spec's own hint when it gives one, in this
order: Speakeasy's `x-speakeasy-deprecation-message` and `x-speakeasy-deprecation-replacement`
(an operationId), then the generic `x-deprecation-message`, `x-deprecated-message`,
`x-deprecated-reason` and `x-deprecated-replacement` some specs use. The note is text (data);
templates print it into `@deprecated(...)` and the runtime warns with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.model.bounded import scalar_text

MESSAGE_KEYS = (
    "x-speakeasy-deprecation-message",
    "x-deprecation-message",
    "x-deprecated-message",
    "x-deprecated-reason",
)
REPLACEMENT_KEYS = ("x-speakeasy-deprecation-replacement", "x-deprecated-replacement")
_MAX_NOTE = 300  # characters of the spec's text kept: a note is one sentence, not a page


def note(holder: Mapping[str, Any], subject: str) -> str | None:
    """`subject is deprecated[: hint]` when `holder` says `deprecated: true`, else None."""
    if holder.get("deprecated") is not True:
        return None
    hint = _first_text(holder, MESSAGE_KEYS)
    replacement = _first_text(holder, REPLACEMENT_KEYS)
    if hint is None and replacement is not None:
        hint = f"use `{replacement}` instead"
    if hint is None:
        return f"{subject} is deprecated."
    return f"{subject} is deprecated: {hint.rstrip('.')}."


def _first_text(holder: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = holder.get(key)
        if isinstance(value, str) and value.strip():
            text = " ".join(scalar_text(value).split())  # one line: it becomes a warning
            return text if len(text) <= _MAX_NOTE else text[: _MAX_NOTE - 1] + "…"
    return None
