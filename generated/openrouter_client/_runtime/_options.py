"""Checking and normalising the options a client is given (timeouts, headers, URLs, retries)."""

from __future__ import annotations

import functools
import re
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx

from ._errors import InvalidRequestError
from ._retries import RetryPolicy
from ._types import TimeoutTypes

DEFAULT_LIMITS = httpx.Limits(max_connections=1000, max_keepalive_connections=100)


def refusing_cookie_jar() -> CookieJar:
    # Requests are built directly, so the http client's jar is never sent from; a jar that keeps
    # nothing stops a server's Set-Cookie headers piling up for the life of the client.
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def as_timeout(value: TimeoutTypes) -> httpx.Timeout:
    # Checked here: a negative or NaN timeout was a raw ValueError from the socket mid-call.
    try:
        timeout = value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRequestError(
            f"timeout must be a number of seconds, None or an httpx.Timeout ({exc})"
        ) from None
    for phase, seconds in timeout.as_dict().items():
        if seconds is not None and not (
            isinstance(seconds, (int, float))
            and not isinstance(seconds, bool)
            and 0 <= seconds < float("inf")
        ):
            raise InvalidRequestError(
                f"timeout: {phase} must be None or a number of seconds >= 0, got {seconds!r}"
            )
    return timeout


# Control characters (CR and LF above all) would split or end the header block: injection. C1
# controls are refused too: some servers and proxies still read NEL (U+0085) as a line break.
_HEADER_CTL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def header_value(name: str, value: str) -> str | bytes:
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"The value of the {name!r} header must be text (str), got {type(value).__name__}."
        )
    if _HEADER_CTL.search(value) is not None:
        raise InvalidRequestError(
            f"The value of the {name!r} header contains a control character (such as a line "
            "break), which would corrupt the request; remove it."
        )
    if value.isascii():
        return value
    # httpx encodes str header values as ASCII; other text goes as UTF-8 (RFC 9110 obs-text).
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, e.g. from a badly decoded file name
        raise InvalidRequestError(
            f"The value of the {name!r} header is not valid Unicode text (it holds a lone "
            "surrogate) and cannot be sent; check how it was decoded."
        ) from None


def checked_header_name(name: str) -> str:
    if not isinstance(name, str) or _HEADER_NAME.fullmatch(name) is None:
        raise InvalidRequestError(
            f"{name!r} is not a valid header name: use ASCII letters, digits and !#$%&'*+-.^_`|~ "
            "(no spaces, colons or line breaks)."
        )
    return name.lower()


def checked_base_url(value: str | httpx.URL) -> str:
    # Refused here with a clear message rather than as a raw httpx.InvalidURL on the first call.
    # The URL itself is not shown: it may carry userinfo.
    text = str(value).rstrip("/")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        raise InvalidRequestError(f"base_url is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise InvalidRequestError(
            "base_url must be an http:// or https:// URL with a host, "
            f"e.g. https://api.example.com/v1 (got a {url.scheme or 'relative'} URL)"
        )
    return text


def retry_count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidRequestError(f"max_retries must be a whole number >= 0, got {value!r}")
    return value


def checked_retry_policy(value: object) -> RetryPolicy:
    if not isinstance(value, RetryPolicy):
        raise InvalidRequestError(
            "retry must be a RetryPolicy (or a whole number of retries), got "
            f"{type(value).__name__}"
        )
    return value


def new_idempotency_key() -> str:
    import uuid  # not needed at import time

    return f"oagen-{uuid.uuid4()}"


def positive_bytes(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive number of bytes, got {value!r}")
    return value


def cached_property_names(cls: type) -> frozenset[str]:
    return frozenset(
        name
        for klass in cls.__mro__
        for name, attr in vars(klass).items()
        if isinstance(attr, functools.cached_property)
    )
