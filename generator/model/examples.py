"""Examples: the arguments of an example call, as data (`ir.ExampleArgument`).

Values come from the spec's examples (a parameter's or media type's own, then its schema's); a
required argument the spec gives no example for gets a placeholder built from its type (the
first enum value, a model's required fields, `"string"`, `0`, ...), so every example runs. They
are printed as Python at render time (`pysource.example_value`), never stored as source here.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from typing import Any

from generator.model import ir

_PLACEHOLDER_DEPTH = 4  # models nested deeper get `{}`
_PRIMITIVES: dict[str, ir.ExampleValue] = {
    "str": "string",
    "int": 0,
    "float": 0.0,
    "bool": False,
    "date": "2024-01-01",
    "datetime": "2024-01-01T00:00:00Z",
    "time": "00:00:00",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "none": None,
}


def from_spec(value: Any) -> ir.ExampleValue:
    """A spec example as data: objects keep their order, arrays become tuples, YAML dates and
    times their ISO text. Callers check `bounded.is_small` first."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return ir.ExampleObject(tuple((str(key), from_spec(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(from_spec(item) for item in value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return ir.ExampleFile()
    return str(value)


def placeholder(
    expr: ir.TypeExpr, definitions: Mapping[str, ir.Definition], depth: int = 0
) -> ir.ExampleValue:
    """A value of type `expr` for a required argument the spec has no example for."""
    if isinstance(expr, ir.Prim):
        if expr.name == "bytes":
            return ir.ExampleFile()
        return _PRIMITIVES.get(expr.name, ir.ExampleObject(()))
    if isinstance(expr, ir.Literal):
        return expr.values[0] if expr.values else None
    if isinstance(expr, ir.Nullable):
        return placeholder(expr.inner, definitions, depth)
    if isinstance(expr, ir.Union):
        options = [o for o in expr.options if o != ir.Prim("none")] or list(expr.options)
        return placeholder(options[0], definitions, depth) if options else None
    if isinstance(expr, ir.Array | ir.Tuple):
        return ()
    if isinstance(expr, ir.Map):
        return ir.ExampleObject(())
    definition = definitions.get(expr.name)
    if isinstance(definition, ir.Enum):
        return definition.values[0] if definition.values else None
    if isinstance(definition, ir.Alias) and depth < _PLACEHOLDER_DEPTH:
        return placeholder(definition.type, definitions, depth + 1)
    if isinstance(definition, ir.Model) and depth < _PLACEHOLDER_DEPTH:
        return ir.ExampleObject(
            tuple(
                (f.wire_name, placeholder(f.type, definitions, depth + 1))
                for f in definition.fields
                if f.required and not f.read_only
            )
        )
    return ir.ExampleObject(())


def argument(
    name: str,
    example: tuple[Any, ...],
    expr: ir.TypeExpr,
    required: bool,
    definitions: Mapping[str, ir.Definition],
) -> ir.ExampleArgument | None:
    """The argument with the spec's example when it gives one (`(value,)`, from
    `operations._example_of`, which has checked `bounded.is_small`), else a placeholder when it
    is required, else none."""
    if example:
        return ir.ExampleArgument(name, from_spec(example[0]), True)
    if required:
        return ir.ExampleArgument(name, placeholder(expr, definitions), False)
    return None
