"""Opt-in logging and the redaction that keeps credentials out of logs, reprs and messages."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from urllib.parse import quote

__all__ = ["REDACTED", "Redactor", "setup_logger"]

REDACTED = "***"

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}
_SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "x-api-key",
        "api-key",
    }
)


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
    """Masks credentials: secret header and query parameter values, and known secret strings."""

    __slots__ = ("_headers", "_query", "_secrets")

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
        self._headers = _SECRET_HEADERS | {h.lower() for h in header_names}
        self._query = frozenset(query_names)

    def text(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def headers(self, headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
        items = headers.items() if isinstance(headers, Mapping) else headers
        return {k: REDACTED if k.lower() in self._headers else self.text(v) for k, v in items}

    def url(self, url: str) -> str:
        if self._query and "?" in url:
            base, _, query = url.partition("?")
            pieces = []
            for piece in query.split("&"):
                name, eq, _value = piece.partition("=")
                pieces.append(f"{name}={REDACTED}" if eq and name in self._query else piece)
            url = base + "?" + "&".join(pieces)
        return self.text(url)
