"""When to retry and how long to wait: ``RetryPolicy`` and pure functions shared by the sync and
async clients.

Retried by default: connection errors, timeouts, 408, 409, 429 and >= 500, unless the server says
otherwise with ``x-should-retry: true|false``; a ``RetryPolicy`` can name other statuses. The wait
is exponential backoff with jitter, or what the server asks for in ``retry-after-ms`` /
``Retry-After`` (seconds or an HTTP date). A server asking for more than ``max_retry_after``
seconds makes the client give up at once and raise the error, rather than sleep that long or retry
too early.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC

import httpx

__all__ = [
    "RetryPolicy",
    "backoff_delay",
    "parse_retry_after",
    "retry_delay",
    "should_retry_status",
    "status_set",
]

_RETRY_STATUSES = frozenset({408, 409, 429})
DEFAULT_STATUSES: frozenset[int] = frozenset({408, 409, 429, *range(500, 600)})
_JITTER = 0.25  # the delay is drawn from [75%, 100%] of the exponential value


def status_set(statuses: tuple[int | str, ...]) -> frozenset[int]:
    """HTTP statuses matched by ``statuses``: codes (429, "429") and ranges ("5XX", "5xx")."""
    out: set[int] = set()
    for item in statuses:
        text = str(item).strip().upper()
        if len(text) == 3 and text[0] in "12345" and text[1:] == "XX":
            first = int(text[0]) * 100
            out.update(range(first, first + 100))
        elif text.isdigit() and 100 <= int(text) <= 599:
            out.add(int(text))
        else:
            raise ValueError(
                f"retry statuses: {item!r} is not an HTTP status (e.g. 429) or range (e.g. 5XX)"
            )
    return frozenset(out)


def _seconds(name: str, value: object, *, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < math.inf:
        raise ValueError(f"RetryPolicy.{name} must be a number of seconds >= 0, got {value!r}")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How a call is retried: how often, how long to wait, and after which failures.

    ``statuses`` holds codes and ranges (``(429, "5XX")``); None means the default rule (408,
    409, 429 and >= 500). The wait before retry ``n`` (0-based) is
    ``min(initial_delay * exponent**n, max_delay)`` with jitter, unless the server asks for a
    wait with Retry-After. ``max_elapsed`` (seconds, None: no limit) stops retrying once the
    next attempt would start later than that after the first one.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    statuses: tuple[int | str, ...] | None = None
    retry_connection_errors: bool = True
    exponent: float = 2.0
    max_elapsed: float | None = None
    # Derived once; read on every retry decision.
    status_codes: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        retries = self.max_retries
        if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
            raise ValueError(
                f"RetryPolicy.max_retries must be a whole number >= 0, got {retries!r}"
            )
        _seconds("initial_delay", self.initial_delay)
        _seconds("max_delay", self.max_delay)
        _seconds("max_elapsed", self.max_elapsed, allow_none=True)
        exponent = self.exponent
        if (
            isinstance(exponent, bool)
            or not isinstance(exponent, (int, float))
            or not 1 <= exponent < math.inf
        ):
            raise ValueError(f"RetryPolicy.exponent must be a number >= 1, got {exponent!r}")
        codes = DEFAULT_STATUSES if self.statuses is None else status_set(tuple(self.statuses))
        object.__setattr__(self, "status_codes", codes)


def should_retry_status(
    status: int, headers: httpx.Headers, statuses: frozenset[int] | None = None
) -> bool:
    hint = headers.get("x-should-retry")
    if hint is not None:
        hint = hint.strip().lower()
        if hint == "true":
            return True
        if hint == "false":
            return False
    if statuses is not None:
        return status in statuses
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
    exponent: float = 2.0,
) -> float:
    """Exponential backoff with partial jitter: bounded by ``maximum``, growing per retry."""
    try:
        grown = initial * (exponent ** min(retries_taken, 64))
    except OverflowError:
        grown = math.inf
    base = min(grown, maximum)
    return base * (1.0 - _JITTER * rand())


def retry_delay(
    retries_taken: int,
    max_retries: int,
    headers: httpx.Headers | None,
    *,
    initial: float,
    maximum: float,
    max_retry_after: float,
    exponent: float = 2.0,
    elapsed: float = 0.0,
    max_elapsed: float | None = None,
    rand: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before the next attempt, or None to give up.

    ``elapsed`` is the time since the first attempt started; with ``max_elapsed`` set, a wait
    that would start the next attempt later than that gives up instead.
    """
    if retries_taken >= max_retries:
        return None
    delay: float | None = None
    if headers is not None:
        asked = parse_retry_after(headers)
        if asked is not None:
            if asked > max_retry_after:
                return None
            delay = asked
    if delay is None:
        delay = backoff_delay(retries_taken, initial, maximum, rand, exponent)
    if max_elapsed is not None and elapsed + delay > max_elapsed:
        return None
    return delay
