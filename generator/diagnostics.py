"""Diagnostics: the one type every stage reports problems with.

Stages append to a `Diagnostics` sink and keep going; only the CLI prints. A diagnostic names the
file, the JSON pointer inside it and (resolved through the source map when printed) the line and
column, so a user can jump straight to the problem.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from generator import pointers


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Location:
    """Where a node came from: a file and a JSON pointer into it."""

    file: str
    pointer: str = ""

    def child(self, *parts: str | int) -> Location:
        pointer = self.pointer
        for part in parts:
            pointer += "/" + pointers.escape(str(part))
        return Location(self.file, pointer)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: Severity
    code: str
    message: str
    location: Location | None = None
    hint: str | None = None
    line: int | None = None
    column: int | None = None

    def format(self) -> str:
        where = ""
        if self.location is not None:
            where = self.location.file
            if self.line is not None:
                where += f":{self.line}:{self.column or 1}"
            where += ": "
        # Every part may hold text from the spec (a key, a file name): no control character of
        # it reaches a terminal, and the only raw newline is the one before the hint.
        where = printable(where)
        text = f"{where}{self.severity.label} {self.code} {printable(self.message)}"
        if self.location is not None and self.location.pointer:
            text += f" (at #{printable(self.location.pointer)})"
        if self.hint:
            text += f"\n    hint: {printable(self.hint)}"
        return text


# C0 controls, DEL and C1 controls (CSI 0x9b among them): a terminal acts on these. The Unicode
# line separators and the bidirectional controls (U+202E and the isolates reorder what a reader
# sees, as in "Trojan Source") change how a line reads. Lone surrogates (a file name's bytes that
# are not UTF-8) cannot be written to a UTF-8 stream.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: str) -> str:
    """`text` with every control character (newline and tab included) written as an escape
    (`\\x1b`, `\\n`), so text from a spec cannot move the cursor, set the clipboard or clear a
    terminal it is printed to."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(_escape_control, text)


# What json.dumps(ensure_ascii=False) leaves raw of `_CONTROLS` (it escapes C0 controls itself):
# DEL, C1 controls, the line separators, the bidirectional controls and lone surrogates.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")


def json_text(value: Any) -> str:
    """`value` as indented JSON that keeps non-ASCII text readable but holds no control
    character a terminal or log viewer acts on: each is written as a \\u escape (the same
    string to a JSON reader)."""
    return _RAW_IN_JSON.sub(
        lambda match: f"\\u{ord(match.group()):04x}",
        json.dumps(value, indent=2, ensure_ascii=False),
    )


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    if "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8, as os.fsdecode keeps it
        return f"\\x{ord(char) - 0xDC00:02x}"
    if char > "\xff":
        return f"\\u{ord(char):04x}"
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}")


EXCERPT_LIMIT = 200


def excerpt(value: Any, limit: int = EXCERPT_LIMIT) -> str:
    """A short, printable `repr` of a spec value for a message: at most about `limit`
    characters, however large or deeply nested the value (an alias-expanded YAML document is
    never walked beyond what is shown) and whatever its integers' size."""
    parts: list[str] = []
    budget = [limit]
    _excerpt_into(value, parts, budget, 0)
    text = "".join(parts)
    if budget[0] < 0 or len(text) > limit:
        text = text[:limit] + "..."
    return printable(text)


_EXCERPT_DEPTH = 20


def _excerpt_into(value: Any, parts: list[str], budget: list[int], depth: int) -> None:
    """Appends pieces of `value`'s repr while budget[0] (characters left) is positive; a
    negative budget means something was left out."""
    if budget[0] <= 0:
        budget[0] = -1
        return
    if isinstance(value, dict | list | tuple):
        is_dict = isinstance(value, dict)
        opening, closing = (
            ("{", "}") if is_dict else ("[", "]") if isinstance(value, list) else ("(", ")")
        )
        if depth >= _EXCERPT_DEPTH:
            _add(opening + "...", parts, budget)
            budget[0] = -1
            return
        _add(opening, parts, budget)
        items: Any = iter(value.items()) if isinstance(value, dict) else iter(value)
        for index, item in enumerate(items):
            if budget[0] <= 0:
                budget[0] = -1
                return
            if index:
                _add(", ", parts, budget)
            if is_dict:
                _excerpt_into(item[0], parts, budget, depth + 1)
                _add(": ", parts, budget)
                _excerpt_into(item[1], parts, budget, depth + 1)
            else:
                _excerpt_into(item, parts, budget, depth + 1)
        _add(closing, parts, budget)
    elif isinstance(value, str):
        text = repr(value[: budget[0] + 1])
        _add(text, parts, budget)
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 600:
        _add(f"<an integer of about {int(value.bit_length() * 0.30103)} digits>", parts, budget)
    elif isinstance(value, bool | int | float) or value is None:
        _add(repr(value), parts, budget)
    else:
        _add(f"<{type(value).__name__}>", parts, budget)


def _add(text: str, parts: list[str], budget: list[int]) -> None:
    parts.append(text)
    budget[0] -= len(text)


SHOWN_PER_CODE = 200  # printed diagnostics of any one code; the rest are counted

Locator = Callable[[Location], tuple[int, int] | None]


@dataclass(slots=True)
class Diagnostics:
    """An append-only sink of diagnostics, shared by the stages of one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self,
        severity: Severity,
        code: str,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
    ) -> None:
        self.items.append(Diagnostic(severity, code, message, location, hint))

    def error(
        self, code: str, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        self.add(Severity.ERROR, code, message, location, hint)

    def warning(
        self, code: str, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        self.add(Severity.WARNING, code, message, location, hint)

    def info(
        self, code: str, message: str, location: Location | None = None, hint: str | None = None
    ) -> None:
        self.add(Severity.INFO, code, message, location, hint)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def count(self, severity: Severity) -> int:
        return sum(1 for item in self.items if item.severity == severity)

    @property
    def has_errors(self) -> bool:
        return any(item.severity == Severity.ERROR for item in self.items)

    def by_code(self) -> Counter[str]:
        return Counter(item.code for item in self.items)

    def located(self, locate: Locator, minimum: Severity = Severity.INFO) -> list[Diagnostic]:
        """The diagnostics to print, with line and column filled in, in a stable order: the
        first `SHOWN_PER_CODE` of each code, then one line per code counting the rest (100,000
        repeated keys made 100,000 lines, and locating each one took as long). Those below
        `minimum` are left out before locating (which may mean reading the whole document)."""
        out: list[Diagnostic] = []
        shown: Counter[str] = Counter()
        hidden: dict[str, list[Any]] = {}  # code -> [count, highest severity]
        for item in self.items:
            if item.severity < minimum:
                continue
            if shown[item.code] >= SHOWN_PER_CODE:
                rest = hidden.setdefault(item.code, [0, item.severity])
                rest[0] += 1
                rest[1] = max(rest[1], item.severity)
                continue
            shown[item.code] += 1
            if item.location is not None and item.line is None:
                position = locate(item.location)
                if position is not None:
                    item = Diagnostic(
                        item.severity,
                        item.code,
                        item.message,
                        item.location,
                        item.hint,
                        position[0],
                        position[1],
                    )
            out.append(item)
        out.sort(key=_sort_key)
        for code, (count, severity) in sorted(hidden.items()):
            out.append(
                Diagnostic(
                    severity,
                    code,
                    f"{count} more {code} diagnostics not shown "
                    f"(the first {SHOWN_PER_CODE} are above)",
                    None,
                    "fix those and run again to see the rest",
                )
            )
        return out


def _sort_key(item: Diagnostic) -> tuple[str, int, int, str, str]:
    file = item.location.file if item.location else ""
    return (file, item.line or 0, item.column or 0, item.code, item.message)
