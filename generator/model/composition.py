"""Composition: `allOf` merged into one model (or an alias of the one part that types), `oneOf`
and `anyOf` as unions, and the discriminator that picks a union's option."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.diagnostics import Location
from generator.load.specdata import mapping
from generator.model import ir
from generator.model.naming import pascal_case
from generator.model.schema_facts import (
    ModelDraft,
    default_doc,
    nullable_of,
    required_set,
    union_option_hint,
)

if TYPE_CHECKING:
    from generator.model.schemas import SchemaBuilder

# Keywords that only annotate a schema; a schema made of these alone adds no type information.
_ANNOTATION_KEYWORDS = frozenset(
    {
        "description",
        "title",
        "default",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
        "externalDocs",
        "xml",
        "$comment",
        "format",
        "discriminator",
    }
)


def all_of(
    builder: SchemaBuilder,
    schema: dict[str, Any],
    where: Location,
    hint: str,
    component: str | None,
) -> ir.TypeExpr:
    parts = schema["allOf"]
    if not isinstance(parts, list) or not parts:
        builder.diagnostics.warning(
            "W303", "allOf must be a non-empty list; typed as Any", where.child("allOf")
        )
        return ir.Prim("any")
    own = {k: v for k, v in schema.items() if k != "allOf"}
    typed = [
        (index, part)
        for index, part in enumerate(parts)
        if not (isinstance(part, dict) and set(part) <= _ANNOTATION_KEYWORDS)
    ]
    if len(typed) == 1 and not own.get("properties"):
        # `allOf: [{$ref: X}, {description: ...}]`: the wrapper only annotates X.
        index, part = typed[0]
        inner = builder.type_of(part, where.child("allOf", index), hint)
        return builder.named_alias(component, inner, schema, where) if component else inner
    # Merge: the properties and required lists of every part, in order.
    properties: dict[str, Any] = {}
    required: set[str] = set()
    merged_where: dict[str, Location] = {}
    for index, part in enumerate(parts):
        part_where = where.child("allOf", index)
        resolved = builder.resolver.deref(part, part_where)
        if resolved is None:
            continue
        node, node_where = resolved
        if not isinstance(node, dict):
            continue
        if "allOf" in node or "oneOf" in node or "anyOf" in node:
            flattened = flatten(builder, node, node_where, 0)
            if flattened is None:
                builder.diagnostics.warning(
                    "W304",
                    "allOf part is a union; its properties are merged loosely",
                    part_where,
                )
                continue
            node = flattened
        for prop_name, prop in (node.get("properties") or {}).items():
            properties[str(prop_name)] = prop
            merged_where[str(prop_name)] = node_where.child("properties", str(prop_name))
        required |= required_set(node)
    for prop_name, prop in (own.get("properties") or {}).items():
        properties[str(prop_name)] = prop
        merged_where[str(prop_name)] = where.child("properties", str(prop_name))
    required |= required_set(own)
    if not properties:
        return (
            ir.Prim("object")
            if component is None
            else builder.named_alias(component, ir.Prim("object"), schema, where)
        )
    name = component or builder.inline_name(schema, hint)
    builder.memo[(where.file, where.pointer)] = ir.Ref(name)
    builder.start(name)
    draft = ModelDraft(name, where, schema)
    python_names = builder.field_names(name, where, list(properties))
    for wire, prop in properties.items():
        prop_where = merged_where[wire]
        prop_type = builder.type_of(prop, prop_where, name + pascal_case(wire))
        details = builder.details(prop, prop_where)
        draft.fields.append(
            ir.Field(
                python_names[wire],
                wire,
                prop_type,
                wire in required,
                details.get("description"),
                default_doc(details),
                bool(details.get("deprecated")),
                bool(details.get("readOnly")),
                bool(details.get("writeOnly")),
                prop_where,
            )
        )
    builder.finish_model(draft)
    return ir.Ref(name)


def flatten(
    builder: SchemaBuilder, node: dict[str, Any], where: Location, depth: int
) -> dict[str, Any] | None:
    """Merge a nested allOf into one properties/required object; None for unions."""
    if depth > 20 or "oneOf" in node or "anyOf" in node:
        return None
    out: dict[str, Any] = {
        "properties": dict(node.get("properties") or {}),
        "required": list(node.get("required") or []),
    }
    for index, part in enumerate(node.get("allOf") or []):
        resolved = builder.resolver.deref(part, where.child("allOf", index))
        if resolved is None or not isinstance(resolved[0], dict):
            continue
        inner = flatten(builder, resolved[0], resolved[1], depth + 1)
        if inner is None:
            return None
        out["properties"].update(inner["properties"])
        out["required"].extend(inner["required"])
    return out


def union(
    builder: SchemaBuilder,
    schema: dict[str, Any],
    keyword: str,
    where: Location,
    hint: str,
    component: str | None,
) -> ir.TypeExpr:
    options_raw = schema[keyword]
    if not isinstance(options_raw, list) or not options_raw:
        builder.diagnostics.warning(
            "W303", f"{keyword} must be a non-empty list; typed as Any", where.child(keyword)
        )
        return ir.Prim("any")
    options: list[ir.TypeExpr] = []
    seen: set[ir.TypeExpr] = set()
    nullable = False
    for index, option in enumerate(options_raw):
        if isinstance(option, dict) and option.get("type") == "null":
            nullable = True
            continue
        base = component or hint
        option_hint = union_option_hint(option, base, index)
        option_type = builder.type_of(option, where.child(keyword, index), option_hint)
        if option_type not in seen:
            seen.add(option_type)
            options.append(option_type)
    if schema.get("properties") and not component:
        builder.diagnostics.warning(
            "W305",
            f"{keyword} beside properties: the properties are not merged into each option",
            where,
        )
    result: ir.TypeExpr
    if not options:
        result = ir.Prim("none")
    elif len(options) == 1:
        result = options[0]
    else:
        result = ir.Union(tuple(options), discriminator(builder, schema, options, where))
    if nullable:
        result = nullable_of(result)
    return builder.named_alias(component, result, schema, where) if component else result


def discriminator(
    builder: SchemaBuilder, schema: dict[str, Any], options: list[ir.TypeExpr], where: Location
) -> ir.Discriminator | None:
    spec = schema.get("discriminator")
    if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
        return None
    pairs: list[tuple[str, str]] = []
    explicit = mapping(spec.get("mapping"))
    for value, ref in explicit.items():
        resolved = builder.resolver.resolve(
            ref, where.child("discriminator", "mapping", str(value))
        )
        if resolved is None:
            continue
        target = builder.memo.get((resolved[1].file, resolved[1].pointer))
        if isinstance(target, ir.Ref):
            pairs.append((str(value), target.name))
    return ir.Discriminator(spec["propertyName"], tuple(pairs))
