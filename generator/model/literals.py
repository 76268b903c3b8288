"""Enums and consts: values typed as a `Literal`, or a named `Enum` for a component; loosened to
their base type when a value cannot be a Literal or there are too many."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.diagnostics import Location, excerpt
from generator.model import ir
from generator.model.bounded import printable_int
from generator.model.schema_facts import common_type, nullable_of, simple_type, text

if TYPE_CHECKING:
    from generator.model.schemas import SchemaBuilder

# How many values an enum may have and still be typed as a Literal (W310 past it: the enum's base
# type). A Literal of 100,000 values is one line black lays out in super-linear time and a type
# checkers' burden; the largest enum in the corpus has 250.
MAX_LITERAL_VALUES = 2_000


def literal(
    builder: SchemaBuilder,
    values: list[Any],
    schema: dict[str, Any],
    where: Location,
    hint: str,
    component: str | None,
) -> ir.TypeExpr:
    nullable = any(value is None for value in values)
    usable: list[str | int | bool] = []
    # Keyed by type as well as value: True == 1 as Python values, but not as JSON values.
    seen: set[tuple[type, str | int | bool]] = set()
    for value in values:
        if value is None:
            continue
        if isinstance(value, str | bool) or (isinstance(value, int) and printable_int(value)):
            key = (type(value), value)
            if key not in seen:
                seen.add(key)
                usable.append(value)
        else:
            builder.diagnostics.warning(
                "W307",
                f"enum value {excerpt(value)} cannot be a Literal; the enum is loosened",
                where.child("enum" if "enum" in schema else "const"),
            )
            fallback = simple_type(schema.get("type"), None) or ir.Prim("any")
            return nullable_of(fallback) if nullable else fallback
    if len(usable) > MAX_LITERAL_VALUES:
        builder.diagnostics.warning(
            "W310",
            f"enum of {len(usable)} values (more than {MAX_LITERAL_VALUES}) is typed "
            "as its base type, not a Literal",
            where.child("enum" if "enum" in schema else "const"),
            "split the enum, or accept the base type; values are not checked client-side",
        )
        fallback = (simple_type(schema["type"], None) if "type" in schema else None) or common_type(
            usable
        )
        return nullable_of(fallback) if nullable else fallback
    literal: ir.TypeExpr = ir.Literal(tuple(usable)) if usable else ir.Prim("none")
    if component is not None and usable:
        builder.start(component)
        builder.definitions[component] = ir.Enum(
            component,
            "",
            tuple(usable),
            text(schema.get("description")),
            where,
        )
        builder.dependencies[component] = set()
        literal = ir.Ref(component)
    return nullable_of(literal) if nullable else literal
