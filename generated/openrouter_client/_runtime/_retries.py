"""When to retry and how long to wait: pure functions shared by the sync and async clients.

Retried: connection errors, timeouts, 408, 409, 429 and >= 500, unless the server says otherwise
with ``x-should-retry: true|false``. The wait is exponential backoff with jitter, or what the
server asks for in ``retry-after-ms`` / ``Retry-After`` (seconds or an HTTP date). A server asking
for more than ``max_retry_after`` seconds makes the client give up at once and raise the error,
rather than sleep that long or retry too early.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC

import httpx

__all__ = ["backoff_delay", "parse_retry_after", "retry_delay", "should_retry_status"]

_RETRY_STATUSES = frozenset({408, 409, 429})
_JITTER = 0.25  # the delay is drawn from [75%, 100%] of the exponential value


def should_retry_status(status: int, headers: httpx.Headers) -> bool:
    hint = headers.get("x-should-retry")
    if hint is not None:
        hint = hint.strip().lower()
        if hint == "true":
            return True
        if hint == "false":
            return False
    return status in _RETRY_STATUSES or status >= 500


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds the server asks to wait, or None when it does not say (or says nonsense)."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            ms = float(value)
        except ValueError:
            pass
        else:
            if 0 <= ms < float("inf"):
                return ms / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        from email.utils import parsedate_to_datetime  # only needed for the rare date form

        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000" zone: HTTP dates are UTC anyway
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - (time.time() if now is None else now)
        return max(seconds, 0.0)
    if seconds == float("inf") and value.strip().isdigit():
        return seconds  # more digits than a float holds: longer than any wait, not nonsense
    return seconds if 0 <= seconds < float("inf") else None


def backoff_delay(
    retries_taken: int,
    initial: float,
    maximum: float,
    rand: Callable[[], float] = random.random,
) -> float:
    """Exponential backoff with partial jitter: bounded by ``maximum``, growing per retry."""
    base = min(initial * (2.0 ** min(retries_taken, 32)), maximum)
    return base * (1.0 - _JITTER * rand())


def retry_delay(
    retries_taken: int,
    max_retries: int,
    headers: httpx.Headers | None,
    *,
    initial: float,
    maximum: float,
    max_retry_after: float,
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up."""
    if retries_taken >= max_retries:
        return None
    if headers is not None:
        asked = parse_retry_after(headers)
        if asked is not None:
            return asked if asked <= max_retry_after else None
    return backoff_delay(retries_taken, initial, maximum)
