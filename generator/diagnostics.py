"""Diagnostics: the one type every stage reports problems with.

Stages append to a `Diagnostics` sink and keep going; only the CLI prints. A diagnostic names the
file, the JSON pointer inside it and (resolved through the source map when printed) the line and
column, so a user can jump straight to the problem.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum


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
            pointer += "/" + str(part).replace("~", "~0").replace("/", "~1")
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
        text = f"{where}{self.severity.label} {self.code} {self.message}"
        if self.location is not None and self.location.pointer:
            text += f" (at #{self.location.pointer})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


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

    def error(self, code: str, message: str, location: Location | None = None,
              hint: str | None = None) -> None:
        self.add(Severity.ERROR, code, message, location, hint)

    def warning(self, code: str, message: str, location: Location | None = None,
                hint: str | None = None) -> None:
        self.add(Severity.WARNING, code, message, location, hint)

    def info(self, code: str, message: str, location: Location | None = None,
             hint: str | None = None) -> None:
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

    def located(self, locate: Locator) -> list[Diagnostic]:
        """Every diagnostic with its line and column filled in, in a stable order."""
        out: list[Diagnostic] = []
        for item in self.items:
            if item.location is not None and item.line is None:
                position = locate(item.location)
                if position is not None:
                    item = Diagnostic(item.severity, item.code, item.message, item.location,
                                      item.hint, position[0], position[1])
            out.append(item)
        out.sort(key=_sort_key)
        return out


def _sort_key(item: Diagnostic) -> tuple[str, int, int, str, str]:
    file = item.location.file if item.location else ""
    return (file, item.line or 0, item.column or 0, item.code, item.message)
