"""Text from a server, made safe to print in a terminal or a log.

A server chooses much of what ends up in error messages and log records (reason phrases, error
bodies, keys of a body). Escaped here: C0 and C1 controls (ESC starts ANSI sequences, CR/LF
forge lines, 0x9b is CSI on its own), DEL, the line and paragraph separators, the bidi marks,
overrides and isolates that reorder what is shown, and lone surrogates (a JSON body may hold
``"\\ud800"``; a UTF-8 stream cannot write one). Everything
else, non-ASCII letters included, is kept.
"""

from __future__ import annotations

import re

__all__ = ["escape_unprintable"]

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def escape_unprintable(text: str) -> str:
    """``text`` with unprintable characters written as ``\\n``, ``\\x1b``, ``\\u202e``, ..."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(_escape, text)
