"""Opt-in logging and the redaction that keeps credentials out of logs, reprs and messages.

The client's own messages are redacted where they are made. httpx and httpcore log too (httpx's
INFO line ``HTTP Request: GET https://host/path?api_key=... "HTTP/1.1 200 OK"`` shows the query
string, httpcore's DEBUG lines show response headers): every client adds its ``Redactor`` to one
``logging.Filter`` installed, once, on those libraries' loggers, which rewrites any record that
contains a known secret, and escapes control characters a server put in a record (a reason
phrase with ANSI sequences). Redactors are held weakly: a client that is gone stops being checked.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from ._text import escape_unprintable

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "Redactor",
    "protect_loggers",
    "secret_like",
    "setup_logger",
]

REDACTED = "***"

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
    }
)
# Headers a caller may add by hand (default_headers, extra_headers) that the API description does
# not name: their name decides (X-Vendor-Token, Session-Id, X-Signature).
_SECRET_LIKE = re.compile(r"auth|token|key|secret|session|passw|signature|credential|cookie", re.I)


def secret_like(name: str) -> bool:
    """Whether a header named ``name`` may carry a credential, judging by its name alone."""
    return _SECRET_LIKE.search(name) is not None


def setup_logger(name: str, env_var: str | None) -> logging.Logger:
    """The client's logger; ``<env_var>=debug|info`` turns it on with a stderr handler."""
    logger = logging.getLogger(name)
    level = _LEVELS.get(os.environ.get(env_var, "").strip().lower()) if env_var else None
    if level is not None:
        logger.setLevel(level)
        if not any(getattr(h, "_oagen", False) for h in logger.handlers):
            handler = logging.StreamHandler()
            handler.setFormatter(
                logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s")
            )
            handler._oagen = True  # type: ignore[attr-defined]  # added once per logger
            logger.addHandler(handler)
    return logger


class Redactor:
    """Masks credentials: secret header and query parameter values, and known secret strings.

    Secret headers: ``SECRET_HEADERS``, the API's apiKey headers, and any name ``secret_like``
    (the same rule that strips headers on a redirect to another origin).
    """

    __slots__ = ("__weakref__", "_headers", "_query", "_secrets")

    def __init__(
        self,
        *,
        secrets: Iterable[str] = (),
        header_names: Iterable[str] = (),
        query_names: Iterable[str] = (),
    ) -> None:
        # Longest first, so a secret containing another is masked whole.
        values = {s for s in secrets if s and len(s) >= 3}
        values |= {quote(s, safe="") for s in values}
        self._secrets = tuple(sorted(values, key=len, reverse=True))
        self._headers = SECRET_HEADERS | {h.lower() for h in header_names}
        self._query = frozenset(query_names)

    def text(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        return {
            k: REDACTED if k.lower() in self._headers or secret_like(k) else self.text(v)
            for k, v in items
        }

    def url(self, url: str) -> str:
        scheme, sep, rest = url.partition("://")
        if sep and "@" in rest.split("/", 1)[0]:
            # userinfo ("user:password@host") is a credential of its own.
            url = f"{scheme}://{REDACTED}@{rest.split('@', 1)[1]}"
        if self._query and "?" in url:
            base, _, query = url.partition("?")
            pieces = []
            for piece in query.split("&"):
                name, eq, _value = piece.partition("=")
                pieces.append(f"{name}={REDACTED}" if eq and name in self._query else piece)
            url = base + "?" + "&".join(pieces)
        return self.text(url)


# Loggers of the HTTP libraries that may print a URL or headers (httpcore's are per module).
_LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class _SecretFilter(logging.Filter):
    """Rewrites a record whose message contains a secret of any live client or a control."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()

    def add(self, redactor: Redactor) -> None:
        with self._lock:
            self._redactors.add(redactor)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            redactors = list(self._redactors)
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format is left to logging to report
            return True
        clean = message
        for redactor in redactors:
            clean = redactor.text(clean)
        # A reason phrase or body key with ANSI escapes or CR/LF must not act on the terminal
        # or forge log lines (httpx's own INFO line shows the server's reason phrase as sent).
        clean = escape_unprintable(clean)
        if clean != message:
            record.msg = clean
            record.args = None
        return True


_FILTER = _SecretFilter()


def protect_loggers(redactor: Redactor, *loggers: logging.Logger) -> None:
    """Keep ``redactor``'s secrets out of httpx's, httpcore's and ``loggers``' records."""
    _FILTER.add(redactor)
    for logger in (*(logging.getLogger(name) for name in _LIBRARY_LOGGERS), *loggers):
        logger.addFilter(_FILTER)  # a no-op when it is already there
