"""Small facts about schemas the type builder asks: names of classes, simple types by `type` and
`format`, required sets, union option names, the references a type makes; and the draft of a
model whose fields are still being built."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Location, excerpt
from generator.model import ir
from generator.model.bounded import is_small, scalar_text
from generator.model.naming import RESERVED_CLASS_NAMES, class_identifier, pascal_case


@dataclass(slots=True)
class ModelDraft:  # a model whose fields are still being built
    name: str
    location: Location
    schema: dict[str, Any]
    fields: list[ir.Field] = field(default_factory=list)
    extra: ir.TypeExpr | None = None


def class_name(text: str) -> str:
    name = class_identifier(text, "Model")
    return name + "Model" if name in RESERVED_CLASS_NAMES else name


def shape_key(schema: dict[str, Any], where: Location) -> tuple[str, str] | None:
    """What identical inline schemas share; None for one too large or deep to compare whole
    (it then gets a model of its own)."""
    if not is_small(schema):
        return None
    return where.file, json.dumps(schema, sort_keys=True, default=str)


def simple_type(kind: Any, fmt: Any) -> ir.TypeExpr | None:
    if kind == "string":
        return ir.Prim(
            {"date-time": "datetime", "date": "date", "binary": "bytes"}.get(
                scalar_text(fmt), "str"
            )
        )
    if kind == "integer":
        return ir.Prim("int")
    if kind == "number":
        return ir.Prim("float")
    if kind == "boolean":
        return ir.Prim("bool")
    if kind == "null":
        return ir.Prim("none")
    if kind is None:
        return ir.Prim("any")
    if kind == "file":  # Swagger 2.0
        return ir.Prim("bytes")
    return None


def common_type(values: list[str | int | bool]) -> ir.TypeExpr:
    """The one Python type all enum values share, or Any."""
    kinds = {type(value) for value in values}
    if len(kinds) == 1:
        return ir.Prim({str: "str", int: "int", bool: "bool"}[kinds.pop()])
    return ir.Prim("any")


def nullable_of(inner: ir.TypeExpr) -> ir.TypeExpr:
    if isinstance(inner, ir.Nullable) or inner in (ir.Prim("any"), ir.Prim("none")):
        return inner
    return ir.Nullable(inner)


def required_set(schema: dict[str, Any]) -> set[str]:
    required = schema.get("required")
    return {scalar_text(item) for item in required} if isinstance(required, list) else set()


def constraints_only(options: Any) -> bool:
    """`oneOf: [{required: [a]}, {required: [b]}]` constrains an object; it is not a union."""
    typed = {"type", "properties", "items", "enum", "const", "allOf", "oneOf", "anyOf"}
    return (
        isinstance(options, list)
        and bool(options)
        and all(
            isinstance(option, dict) and "$ref" not in option and not typed & set(option)
            for option in options
        )
    )


def union_option_hint(option: Any, base: str, index: int) -> str:
    """Name a union option by its title, its tag value (`type: const text`), or its position."""
    if isinstance(option, dict):
        title = option.get("title")
        if isinstance(title, str) and title.strip():
            return title
        if option.get("type") == "array" or "items" in option:
            return base  # the items are named `<base>Item`
        properties = option.get("properties")
        if isinstance(properties, dict):
            for key in sorted(properties, key=lambda k: k != "type"):
                prop = properties[key]
                if not isinstance(prop, dict):
                    continue
                tag = prop.get("const")
                if tag is None and isinstance(prop.get("enum"), list) and len(prop["enum"]) == 1:
                    tag = prop["enum"][0]
                if isinstance(tag, str) and tag:
                    return base + pascal_case(tag)
    return f"{base}Option{index + 1}"


def default_doc(details: dict[str, Any]) -> str | None:
    if "default" not in details:
        return None
    if not is_small(details["default"]):
        return excerpt(details["default"])
    try:
        return json.dumps(details["default"], ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(details["default"])


def text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def refs(expr: ir.TypeExpr) -> set[str]:
    if isinstance(expr, ir.Ref):
        return {expr.name}
    if isinstance(expr, (ir.Array, ir.Map)):
        return refs(expr.item if isinstance(expr, ir.Array) else expr.value)
    if isinstance(expr, ir.Nullable):
        return refs(expr.inner)
    if isinstance(expr, (ir.Tuple, ir.Union)):
        out: set[str] = set()
        for item in expr.items if isinstance(expr, ir.Tuple) else expr.options:
            out |= refs(item)
        return out
    return set()
