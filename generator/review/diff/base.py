"""The state shared by the parts of the differ, and how a changed type is reported."""

from __future__ import annotations

import json
from collections.abc import Iterable

from generator.model import ir, typerules
from generator.render.types import TypePrinter
from generator.review.diff.changes import Change, Impact
from generator.review.diff.matching import model_renames
from generator.review.diff.reachability import BOTH, IN, INPUT, OUT, OUTPUT, Direction, usage
from generator.review.diff.subtyping import (
    Side,
    Subtyping,
    contains_value,
    normal,
    renamed,
    strip_none,
)


class DiffBase:
    """Both APIs with what comparing them needs (definitions, printers for the messages, model
    renames, how each definition is reached), the changes found so far, and how a changed type
    is classified. The parts of the differ (`OperationsDiff`, `ModelsDiff`) build on it."""

    def __init__(self, old: ir.Api, new: ir.Api) -> None:
        self.old, self.new = old, new
        self.old_defs = typerules.definition_index(old)
        self.new_defs = typerules.definition_index(new)
        self.old_types, self.new_types = TypePrinter(self.old_defs), TypePrinter(self.new_defs)
        self.old_side, self.new_side = Side(self.old_defs), Side(self.new_defs)
        self.types = Subtyping()
        self.renames = model_renames(self.old_defs, self.new_defs)
        self.old_usage = usage(old, self.old_defs)
        self.new_usage = usage(new, self.new_defs)
        self.changes: list[Change] = []
        self._auth: list[
            tuple[str, str, tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]
        ] = []

    def add(self, kind: str, severity: Impact, location: str, message: str) -> None:
        self.changes.append(Change(kind, severity, location, message))

    def _type_change(
        self,
        family: str,
        old: ir.TypeExpr,
        new: ir.TypeExpr,
        old_text: str,
        new_text: str,
        direction: Direction,
        where: str,
        subject: str,
    ) -> None:
        old = renamed(old, self.renames)
        types = self.types
        same = types.covers(new, self.new_side, old, self.old_side) and types.covers(
            old, self.old_side, new, self.new_side
        )
        if same:
            return
        old_lit = types.literal(old, self.old_side)
        new_lit = types.literal(new, self.new_side)
        if old_lit is not None and new_lit is not None and old_lit[1] == new_lit[1]:
            added = [v for v in new_lit[0] if not contains_value(old_lit[0], v)]
            removed = [v for v in old_lit[0] if not contains_value(new_lit[0], v)]
            if added:
                if direction == INPUT:
                    message = f"{subject} accepts new value(s) {values_text(added)}"
                elif direction == OUTPUT:
                    message = (
                        f"{subject} may now be {values_text(added)}; enum values are "
                        "lenient, so the old client accepts them at run time "
                        "(an exhaustive match may need a new case)"
                    )
                else:
                    message = f"{subject} has new value(s) {values_text(added)}"
                self.add(f"{family}-enum-value-added", Impact.NON_BREAKING, where, message)
            if removed:
                if IN in direction:
                    self.add(
                        f"{family}-enum-value-removed",
                        Impact.BREAKING,
                        where,
                        f"{subject} no longer accepts {values_text(removed)}: calls passing "
                        "it fail type checking and are rejected by the server",
                    )
                else:
                    self.add(
                        f"{family}-enum-value-removed",
                        Impact.NON_BREAKING,
                        where,
                        f"{subject} is no longer {values_text(removed)}",
                    )
            return
        widened = types.covers(new, self.new_side, old, self.old_side)
        narrowed = types.covers(old, self.old_side, new, self.new_side)
        breaking = (IN in direction and not widened) or (OUT in direction and not narrowed)
        message = f"{subject} changed from `{old_text}` to `{new_text}`"
        old_bare, new_bare = strip_none(normal(old)), strip_none(normal(new))
        if types.covers(new_bare, self.new_side, old_bare, self.old_side) and types.covers(
            old_bare, self.old_side, new_bare, self.new_side
        ):
            # Only None came or went.
            if widened:
                message += (
                    ": code reading it must now handle None"
                    if breaking
                    else " (None is now accepted)"
                )
            else:
                message += (
                    ": calls passing None fail" if breaking else " (it is never None any more)"
                )
        elif not breaking:
            message += (
                " (widened: everything accepted before is still accepted)"
                if IN in direction
                else " (narrowed: every value it takes was possible before)"
            )
        elif OUT in direction and widened:
            message += ": code reading it may now see values it does not handle"
        elif IN in direction and narrowed:
            message += ": calls passing values of the old type may fail"
        else:
            message += ": code using the old type may fail"
        self.add(
            f"{family}-type-changed",
            Impact.BREAKING if breaking else Impact.NON_BREAKING,
            where,
            message,
        )

    def _direction(self, old_name: str | None, new_name: str | None) -> Direction | None:
        """How a definition is used (None: only as an exploded request body)."""
        uses: set[str] = set()
        if old_name is not None:
            uses |= self.old_usage.get(old_name, set())
        if new_name is not None:
            uses |= self.new_usage.get(new_name, set())
        directions = frozenset(uses & BOTH)
        if directions:
            return directions
        if "exploded" in uses:
            return None
        return BOTH


def values_text(values: Iterable[object]) -> str:
    return ", ".join(json.dumps(v) if not isinstance(v, str) else repr(v) for v in values)
