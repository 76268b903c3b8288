"""Why a spec file was not read: the located errors of reading and parsing it, each recorded in
the diagnostics before `LoadError` is raised."""

from __future__ import annotations

import math
import re
from typing import Any

from generator.diagnostics import Diagnostic, Diagnostics, Location, Severity, excerpt
from generator.load import bounds

__all__ = [
    "LoadError",
    "bounds_failure",
    "encoding_failure",
    "fail",
    "integer_failure",
    "parse_failure",
    "report_infinite_numbers",
    "utf16_hint",
]


class LoadError(Exception):
    """A file could not be loaded; the diagnostic has already been recorded."""


def fail(
    diagnostics: Diagnostics,
    code: str,
    message: str,
    location: Location | None,
    hint: str | None = None,
) -> Any:
    diagnostics.error(code, message, location, hint)
    raise LoadError(message)


def parse_failure(
    diagnostics: Diagnostics,
    display: str,
    line: int,
    column: int,
    message: str,
    hint: str | None = None,
) -> None:
    diagnostics.items.append(
        Diagnostic(
            Severity.ERROR,
            "E002",
            message,
            Location(display),
            hint or "fix the syntax at this position; a YAML or JSON linter shows the context",
            line,
            column,
        )
    )
    raise LoadError(message)


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def encoding_failure(diagnostics: Diagnostics, display: str, raw: bytes, offset: int) -> None:
    """E002 at the first byte that is not UTF-8, naming UTF-16 and UTF-32 by their marks."""
    for mark, encoding in _WIDE_BOMS:
        if raw.startswith(mark):
            parse_failure(
                diagnostics,
                display,
                1,
                1,
                f"{display} is {encoding} text (it starts "
                f"with a {encoding} byte order mark); oagen reads UTF-8",
                "save the file as UTF-8",
            )
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    parse_failure(
        diagnostics,
        display,
        line,
        column,
        f"{display} is not UTF-8 text (byte "
        f"{offset}, 0x{raw[offset]:02x}, is not part of a UTF-8 character)",
        "save the file as UTF-8",
    )


def utf16_hint(raw: bytes) -> str | None:
    """A hint for text whose every other byte is NUL: UTF-16 without a byte order mark."""
    sample = raw[:200]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        return (
            "the file looks like UTF-16 or UTF-32 text without a byte order mark: save it as UTF-8"
        )
    return None


def integer_failure(
    diagnostics: Diagnostics, display: str, digits: int, line: int, column: int
) -> None:
    diagnostics.items.append(
        Diagnostic(
            Severity.ERROR,
            "E009",
            f"an integer of {digits} digits (oagen reads at most "
            f"{bounds.MAX_INTEGER_DIGITS}); the file was not read",
            Location(display),
            "write the number as a string, or shorten it",
            line,
            column,
        )
    )
    raise LoadError(display)


_BOUNDS_MESSAGES = {
    bounds.TOO_DEEP: (
        "E007",
        f"the document nests more than {bounds.MAX_DEPTH} levels deep",
        "flatten it: move inner schemas to components and $ref them",
    ),
    bounds.TOO_LARGE: (
        "E008",
        f"YAML aliases expand the document to more than {bounds.MAX_EXPANSION} times its size",
        "write each shared part once under components and $ref it, instead of "
        "repeating it through YAML aliases",
    ),
    bounds.RECURSIVE: (
        "E008",
        "a YAML alias contains itself",
        "use a $ref for a recursive structure",
    ),
}


def bounds_failure(
    diagnostics: Diagnostics, display: str, text: str, is_json: bool, kind: str, loader: Any
) -> None:
    code, message, hint = _BOUNDS_MESSAGES[kind]
    line, column = bounds.where(text, is_json, kind, loader)
    diagnostics.items.append(
        Diagnostic(
            Severity.ERROR,
            code,
            f"{message}; the file was not read",
            Location(display),
            hint,
            line,
            column,
        )
    )
    raise LoadError(display)


# A JSON string (skipped), or a number token that may not be finite.
_JSON_ODD_NUMBER = re.compile(
    r'"(?:[^"\\]|\\.)*"|(-?(?:NaN|Infinity)|-?[0-9]+(?:\.[0-9]+)?[eE][+]?[0-9]{3,})'
)


def report_infinite_numbers(diagnostics: Diagnostics, display: str, text: str) -> None:
    """W004 at each NaN, Infinity or too-large number: not JSON (RFC 8259) or not a float,
    and a validator reports each as `null`, which would not tell the author where or why."""
    for match in _JSON_ODD_NUMBER.finditer(text):
        token = match.group(1)
        if token is None or math.isfinite(float(token)):
            continue
        line, column = bounds.line_column(text, match.start(1))
        diagnostics.items.append(
            Diagnostic(
                Severity.WARNING,
                "W004",
                f"{excerpt(token)} is not a finite JSON number; it is read as {float(token)}",
                Location(display),
                "write a finite number (NaN and Infinity are not JSON), or leave the keyword out",
                line,
                column,
            )
        )
