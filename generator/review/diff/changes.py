"""The result of a diff: one `Change` per difference a caller can notice, and its `Impact`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Impact(StrEnum):
    BREAKING = "breaking"
    NON_BREAKING = "non-breaking"
    DOCS = "docs"

    @property
    def rank(self) -> int:
        return {"breaking": 0, "non-breaking": 1, "docs": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # e.g. method-removed, parameter-added, field-type-changed, description-changed
    severity: Impact
    location: str  # client-level: `client.keys.list_keys(offset=)`, `models.Pet.name`
    message: str  # the consequence for a caller of the old client

    def sort_key(self) -> tuple[int, str, str, str]:
        return (self.severity.rank, self.location, self.kind, self.message)


def suggested_bump(changes: Iterable[Change]) -> str:
    """`major` if anything breaks, `minor` for additions, `patch` for docs, `none` if nothing."""
    severities = {change.severity for change in changes}
    if Impact.BREAKING in severities:
        return "major"
    if Impact.NON_BREAKING in severities:
        return "minor"
    if Impact.DOCS in severities:
        return "patch"
    return "none"
