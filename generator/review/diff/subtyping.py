"""Subtyping between the type expressions of two versions of an API: does every value of one
type belong to the other? Read on the IR's `TypeExpr` directly, each side with its own
definitions (an alias or enum reference stands for what it names on its side)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from generator.model import ir

# How deep comparisons follow nested and referenced types (aliases may refer to each other in a
# cycle); past it, types are taken as different.
MAX_DEPTH = 24

ANY, NONE, OBJECT = ir.Prim("any"), ir.Prim("none"), ir.Prim("object")


def normal(expr: ir.TypeExpr) -> ir.TypeExpr:
    """One canonical spelling: `X | None` is Nullable(X), `dict[str, Any]` is object."""
    if isinstance(expr, ir.Map) and normal(expr.value) == ANY:
        return OBJECT
    if isinstance(expr, ir.Union):
        options: list[ir.TypeExpr] = []
        nullable = False
        for raw in expr.options:
            option = normal(raw)
            if isinstance(option, ir.Nullable):
                nullable = True
                option = option.inner
            flat = option.options if isinstance(option, ir.Union) else (option,)
            for item in flat:
                if item == NONE:
                    nullable = True
                elif item not in options:
                    options.append(item)
        if not options:
            return NONE
        if ANY in options:
            return ANY
        base = options[0] if len(options) == 1 else ir.Union(tuple(options), expr.discriminator)
        return ir.Nullable(base) if nullable else base
    if isinstance(expr, ir.Nullable):
        wrapped = normal(expr.inner)
        if wrapped in (ANY, NONE) or isinstance(wrapped, ir.Nullable):
            return wrapped
        return ir.Nullable(wrapped)
    if isinstance(expr, ir.Literal) and None in expr.values:
        rest = tuple(v for v in expr.values if v is not None)
        return ir.Nullable(ir.Literal(rest)) if rest else NONE
    return expr


def refs_of(expr: ir.TypeExpr | None) -> Iterator[str]:
    if expr is None:
        return
    if isinstance(expr, ir.Ref):
        yield expr.name
    elif isinstance(expr, ir.Array):
        yield from refs_of(expr.item)
    elif isinstance(expr, ir.Map):
        yield from refs_of(expr.value)
    elif isinstance(expr, ir.Nullable):
        yield from refs_of(expr.inner)
    elif isinstance(expr, ir.Tuple):
        for item in expr.items:
            yield from refs_of(item)
    elif isinstance(expr, ir.Union):
        for option in expr.options:
            yield from refs_of(option)


def renamed(expr: ir.TypeExpr, names: Mapping[str, str]) -> ir.TypeExpr:
    """`expr` with old model names replaced by the names they were renamed to."""
    return map_refs(expr, lambda name: names.get(name, name)) if names else expr


def map_refs(expr: ir.TypeExpr, rename: Callable[[str], str]) -> ir.TypeExpr:
    if isinstance(expr, ir.Ref):
        return ir.Ref(rename(expr.name))
    if isinstance(expr, ir.Array):
        return ir.Array(map_refs(expr.item, rename))
    if isinstance(expr, ir.Map):
        return ir.Map(map_refs(expr.value, rename))
    if isinstance(expr, ir.Nullable):
        return ir.Nullable(map_refs(expr.inner, rename))
    if isinstance(expr, ir.Tuple):
        return ir.Tuple(tuple(map_refs(i, rename) for i in expr.items))
    if isinstance(expr, ir.Union):
        return ir.Union(tuple(map_refs(o, rename) for o in expr.options), expr.discriminator)
    return expr


def same_value(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def contains_value(values: Sequence[object], value: object) -> bool:
    return any(same_value(v, value) for v in values)


def prim_accepts(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return name == "bool"
    if isinstance(value, int):
        return name in ("int", "float")
    if isinstance(value, float):
        return name == "float"
    if isinstance(value, str):
        return name in ("str", "date", "datetime", "time", "uuid")
    return value is None and name == "none"


Definitions = Mapping[str, ir.Definition]


@dataclass(frozen=True, slots=True)
class Side:
    defs: Definitions


class Subtyping:
    """Subtyping between the two sides' type expressions (old names already renamed)."""

    def covers(
        self, a: ir.TypeExpr, a_side: Side, b: ir.TypeExpr, b_side: Side, depth: int = 0
    ) -> bool:
        """Every value of `b` is a value of `a`."""
        a, b = normal(a), normal(b)
        # Equal dataclasses may still differ as JSON: Literal((1,)) == Literal((True,)).
        if a == ANY or (a == b and repr(a) == repr(b)):
            return True
        if depth > MAX_DEPTH:
            return False
        if b == NONE:
            return self.allows_none(a, a_side)
        if isinstance(b, ir.Nullable):
            return self.allows_none(a, a_side) and self.covers(
                strip_none(a), a_side, b.inner, b_side, depth + 1
            )
        if isinstance(a, ir.Nullable):
            return self.covers(a.inner, a_side, b, b_side, depth + 1)
        if isinstance(b, ir.Union):
            return all(self.covers(a, a_side, o, b_side, depth + 1) for o in b.options)
        if isinstance(a, ir.Ref) and isinstance(b, ir.Ref) and a.name == b.name:
            return True
        expanded_b = self.expand(b, b_side)
        if expanded_b is not None:
            return self.covers(a, a_side, expanded_b, b_side, depth + 1)
        expanded_a = self.expand(a, a_side)
        if expanded_a is not None:
            return self.covers(expanded_a, a_side, b, b_side, depth + 1)
        if isinstance(a, ir.Union):
            return any(self.covers(o, a_side, b, b_side, depth + 1) for o in a.options)
        if isinstance(b, ir.Literal):
            if isinstance(a, ir.Literal):
                return all(contains_value(a.values, v) for v in b.values)
            return isinstance(a, ir.Prim) and all(prim_accepts(a.name, v) for v in b.values)
        if isinstance(a, ir.Prim) and isinstance(b, ir.Prim):
            return a.name == "float" and b.name == "int"
        if a == OBJECT and isinstance(b, ir.Map):
            return True
        if isinstance(a, ir.Array) and isinstance(b, ir.Array):
            return self.covers(a.item, a_side, b.item, b_side, depth + 1)
        if isinstance(a, ir.Map) and isinstance(b, ir.Map):
            return self.covers(a.value, a_side, b.value, b_side, depth + 1)
        if isinstance(a, ir.Tuple) and isinstance(b, ir.Tuple):
            return len(a.items) == len(b.items) and all(
                self.covers(x, a_side, y, b_side, depth + 1)
                for x, y in zip(a.items, b.items, strict=True)
            )
        return False

    def allows_none(self, expr: ir.TypeExpr, side: Side, depth: int = 0) -> bool:
        expr = normal(expr)
        if isinstance(expr, ir.Nullable) or expr in (ANY, NONE):
            return True
        expanded = self.expand(expr, side)
        return (
            expanded is not None
            and depth < MAX_DEPTH
            and self.allows_none(expanded, side, depth + 1)
        )

    def expand(self, expr: ir.TypeExpr, side: Side) -> ir.TypeExpr | None:
        """What a reference to an alias or an enum stands for; None for models and the rest."""
        if not isinstance(expr, ir.Ref):
            return None
        definition = side.defs.get(expr.name)
        if isinstance(definition, ir.Alias):
            return definition.type
        if isinstance(definition, ir.Enum):
            return ir.Literal(definition.values)
        return None

    def literal(
        self, expr: ir.TypeExpr, side: Side
    ) -> tuple[tuple[str | int | float | bool | None, ...], bool] | None:
        """(values, nullable) when `expr` is an enum, else None."""
        expr = normal(expr)
        nullable = isinstance(expr, ir.Nullable)
        inner = strip_none(expr)
        for _ in range(MAX_DEPTH):
            if isinstance(inner, ir.Literal):
                return inner.values, nullable
            expanded = self.expand(inner, side)
            if expanded is None:
                return None
            expanded = normal(expanded)
            nullable = nullable or isinstance(expanded, ir.Nullable)
            inner = strip_none(expanded)
        return None


def strip_none(expr: ir.TypeExpr) -> ir.TypeExpr:
    return expr.inner if isinstance(expr, ir.Nullable) else expr
