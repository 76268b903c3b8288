"""Schemas: JSON Schema (as OpenAPI uses it) to type expressions and named definitions.

Every schema location is built once (memoised by file and JSON pointer), so a `$ref` used a
hundred times yields one model, and a recursive schema refers to itself by name. Named schemas
keep their component name; inline objects are named from their context (`ListKeysResponse`,
`ListKeysResponseDataItem`) or their `title`. Anything that cannot be typed precisely falls back
to a looser type with a located warning; nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import pointers
from generator.diagnostics import Diagnostics, Location, excerpt
from generator.load.specdata import mapping
from generator.model import ir
from generator.model.bounded import is_small, printable_int, scalar_text
from generator.model.naming import (
    ANNOTATION_NAMES,
    BASEMODEL_RESERVED,
    RESERVED_CLASS_NAMES,
    Namer,
    class_identifier,
    pascal_case,
    snake_identifier,
)
from generator.model.resolve import Resolver

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
_COMPONENT_PREFIXES = ("/components/schemas/", "/definitions/", "/$defs/")

# How many schemas deep (each `$ref` followed counts too) the builder goes: a schema nested
# deeper is typed Any with a warning (W309). Each level costs about seven Python frames, so this
# stays far below the recursion limit; the deepest in the corpus is 21 (Kubernetes).
MAX_SCHEMA_DEPTH = 64

# How many values an enum may have and still be typed as a Literal (W310 past it: the enum's base
# type). A Literal of 100,000 values is one line black lays out in super-linear time and a type
# checkers' burden; the largest enum in the corpus has 250.
MAX_LITERAL_VALUES = 2_000


@dataclass(slots=True)
class _ModelDraft:  # a model whose fields are still being built
    name: str
    location: Location
    schema: dict[str, Any]
    fields: list[ir.Field] = field(default_factory=list)
    extra: ir.TypeExpr | None = None


class SchemaBuilder:
    def __init__(
        self,
        resolver: Resolver,
        diagnostics: Diagnostics,
        spec_version: str,
        model_names: dict[str, str] | None = None,
        field_names: dict[str, str] | None = None,
    ) -> None:
        self.resolver = resolver
        # Naming overrides from the config, and which of them were used.
        self.model_overrides = model_names or {}
        self.field_overrides = field_names or {}
        self.renamed_models: set[str] = set()
        self.renamed_fields: set[str] = set()
        self.diagnostics = diagnostics
        self.spec_version = spec_version
        self.names = Namer(RESERVED_CLASS_NAMES, case_insensitive=True)
        self.definitions: dict[str, ir.Model | ir.Enum | ir.Alias] = {}
        self.order: list[str] = []  # definition names in the order they were started
        self.dependencies: dict[str, set[str]] = {}
        self._memo: dict[tuple[str, str], ir.TypeExpr] = {}
        self._component_names: dict[tuple[str, str], str] = {}
        self._in_progress: set[tuple[str, str]] = set()
        self._depth = 0  # schemas being built, one inside the other
        # Inline object schemas written out identically in several places share one model.
        self._shapes: dict[tuple[str, str], str] = {}

    # --- entry points --------------------------------------------------------------------

    def reserve_components(self, schemas: Any, where: Location) -> None:
        """Give every named schema its name first, so inline schemas never take them."""
        if not isinstance(schemas, dict):
            return
        for key in schemas:
            name = self.names.take(self._override(str(key), _class_name(str(key))))
            self._component_names[(where.file, where.child(str(key)).pointer)] = name

    def build_components(self, schemas: Any, where: Location) -> None:
        if not isinstance(schemas, dict):
            return
        for key, schema in schemas.items():
            self.type_of(schema, where.child(str(key)), str(key))

    def type_of(self, schema: Any, where: Location, hint: str) -> ir.TypeExpr:
        """The type expression for `schema`, building named definitions as needed."""
        key = (where.file, where.pointer)
        memo = self._memo.get(key)
        if memo is not None:
            return memo
        if self._depth >= MAX_SCHEMA_DEPTH:
            self.diagnostics.warning(
                "W309",
                f"schema nested more than {MAX_SCHEMA_DEPTH} deep (counting $refs "
                "followed); typed as Any",
                where,
                "name the inner schema under components/schemas, or flatten the nesting",
            )
            return ir.Prim("any")
        self._depth += 1
        try:
            return self._type_of(schema, where, hint, key)
        finally:
            self._depth -= 1

    def _type_of(
        self, schema: Any, where: Location, hint: str, key: tuple[str, str]
    ) -> ir.TypeExpr:
        if isinstance(schema, dict) and "$ref" in schema:
            if key in self._in_progress:  # `A: {$ref: A}`, or A -> B -> A: nothing to type
                self.diagnostics.warning(
                    "W308", "$ref cycle without a schema in it; typed as Any", where
                )
                return ir.Prim("any")
            self._in_progress.add(key)
            try:
                result = self._reference(schema, where, hint)
            finally:
                self._in_progress.discard(key)
            self._memo[key] = result
            return result
        if key in self._in_progress:  # an inline cycle without a name: loosen, do not loop
            return ir.Prim("any")
        self._in_progress.add(key)
        try:
            result = self._build(schema, where, hint)
        finally:
            self._in_progress.discard(key)
        self._memo[key] = result
        return result

    # --- references -------------------------------------------------------------------------

    def _reference(self, schema: dict[str, Any], where: Location, hint: str) -> ir.TypeExpr:
        resolved = self.resolver.resolve(schema["$ref"], where.child("$ref"))
        if resolved is None:
            return ir.Prim("any")  # W201 already reported at the $ref
        target, target_where = resolved
        result = self.type_of(target, target_where, self._hint_for(target_where, hint))
        if self._nullable_marker(schema):
            result = _nullable(result)
        return result

    def _hint_for(self, where: Location, fallback: str) -> str:
        for prefix in _COMPONENT_PREFIXES:
            if where.pointer.startswith(prefix) and "/" not in where.pointer[len(prefix) :]:
                return pointers.unescape(where.pointer[len(prefix) :])
        if where.pointer.startswith("/components/responses/"):
            return where.pointer.split("/")[3] + "Body"
        return fallback

    # --- the builder proper ---------------------------------------------------------------

    def _build(self, schema: Any, where: Location, hint: str) -> ir.TypeExpr:
        if schema is True or schema == {}:
            return ir.Prim("any")
        if schema is False:
            return ir.Prim("none")
        if not isinstance(schema, dict):
            self.diagnostics.warning(
                "W301", f"schema is a {type(schema).__name__}, not an object; typed as Any", where
            )
            return ir.Prim("any")
        nullable = self._nullable_marker(schema)
        result = self._build_non_null(schema, where, hint)
        return _nullable(result) if nullable and result != ir.Prim("none") else result

    def _nullable_marker(self, schema: dict[str, Any]) -> bool:
        if schema.get("nullable") is True or schema.get("x-nullable") is True:
            return True
        types = schema.get("type")
        return isinstance(types, list) and "null" in types

    def _build_non_null(self, schema: dict[str, Any], where: Location, hint: str) -> ir.TypeExpr:
        component = self._component_names.get((where.file, where.pointer))
        if "const" in schema:
            return self._literal([schema["const"]], schema, where, hint, component)
        if isinstance(schema.get("enum"), list):
            return self._literal(schema["enum"], schema, where, hint, component)
        if "allOf" in schema:
            return self._all_of(schema, where, hint, component)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema and not _constraints_only(schema[keyword]):
                return self._union(schema, keyword, where, hint, component)
        types = schema.get("type")
        if isinstance(types, list):
            concrete = [t for t in types if t != "null"]
            if len(concrete) > 1:
                options = tuple(self._by_type(t, schema, where, hint, None) for t in concrete)
                return self._named_alias(component, ir.Union(options), schema, where)
            types = concrete[0] if concrete else "null"
        if types is None:
            if "properties" in schema or "additionalProperties" in schema:
                types = "object"
            elif "items" in schema or "prefixItems" in schema:
                types = "array"
        return self._by_type(types, schema, where, hint, component)

    def _by_type(
        self, kind: Any, schema: dict[str, Any], where: Location, hint: str, component: str | None
    ) -> ir.TypeExpr:
        if kind == "object":
            return self._object(schema, where, hint, component)
        if kind == "array":
            return self._named_alias(component, self._array(schema, where, hint), schema, where)
        simple = _simple_type(kind, schema.get("format"))
        if simple is None:
            if kind is not None:
                self.diagnostics.warning(
                    "W302",
                    f"unknown schema type {excerpt(kind)}; typed as Any",
                    where.child("type"),
                )
            simple = ir.Prim("any")
        return self._named_alias(component, simple, schema, where) if component else simple

    # --- objects ------------------------------------------------------------------------------

    def _object(
        self, schema: dict[str, Any], where: Location, hint: str, component: str | None
    ) -> ir.TypeExpr:
        properties = schema.get("properties")
        additional = schema.get("additionalProperties", schema.get("patternProperties"))
        if not properties:
            if isinstance(additional, dict) and additional and "patternProperties" not in schema:
                value = self.type_of(
                    additional, where.child("additionalProperties"), hint + "Value"
                )
                return self._named_alias(component, ir.Map(value), schema, where)
            if component is None:
                return ir.Prim("object")
        shape = _shape_key(schema, where) if component is None else None
        if shape is not None:
            shared = self._shapes.get(shape)
            if shared is not None:
                return ir.Ref(shared)
        name = component or self._inline_name(schema, hint)
        if shape is not None:
            self._shapes[shape] = name
        draft = _ModelDraft(name, where, schema)
        self._memo[(where.file, where.pointer)] = ir.Ref(name)
        self._start(name)
        self._fill_fields(
            draft, properties if isinstance(properties, dict) else {}, _required_set(schema), where
        )
        if isinstance(additional, dict) and additional and "additionalProperties" in schema:
            draft.extra = self.type_of(
                additional, where.child("additionalProperties"), name + "Value"
            )
        self._finish_model(draft)
        return ir.Ref(name)

    def _field_names(self, model: str, where: Location, wires: list[str]) -> dict[str, str]:
        """Python names of a model's fields. A field whose name is its wire name keeps it; the
        others never take another field's wire name, which pydantic also accepts as input."""
        names = Namer(BASEMODEL_RESERVED)
        wanted = {wire: self._field_name(model, where, wire) for wire in wires}
        out = {wire: names.take(name) for wire, name in wanted.items() if name == wire}
        for wire in wires:
            names.reserve(wire)
        for wire, name in wanted.items():
            if wire not in out:
                out[wire] = names.take(name)
        return out

    def _fill_fields(
        self, draft: _ModelDraft, properties: dict[str, Any], required: set[str], where: Location
    ) -> None:
        python_names = self._field_names(draft.name, where, [str(w) for w in properties])
        for wire_name, prop in properties.items():
            wire = str(wire_name)
            prop_where = where.child("properties", wire)
            python_name = python_names[wire]
            prop_type = self.type_of(prop, prop_where, draft.name + pascal_case(wire))
            details = self._details(prop, prop_where)
            draft.fields.append(
                ir.Field(
                    name=python_name,
                    wire_name=wire,
                    type=prop_type,
                    required=wire in required,
                    description=details.get("description"),
                    default_doc=_default_doc(details),
                    deprecated=bool(details.get("deprecated")),
                    read_only=bool(details.get("readOnly")),
                    write_only=bool(details.get("writeOnly")),
                    location=prop_where,
                )
            )

    def _details(self, prop: Any, where: Location) -> dict[str, Any]:
        """The annotations of a property: its own, else those of what it refers to."""
        if not isinstance(prop, dict):
            return {}
        if "$ref" in prop and "description" not in prop:
            resolved = self.resolver.resolve(prop["$ref"], where.child("$ref"))
            if resolved is not None and isinstance(resolved[0], dict):
                return {**resolved[0], **prop}
        return prop

    def _finish_model(self, draft: _ModelDraft) -> None:
        self.definitions[draft.name] = ir.Model(
            name=draft.name,
            module="",
            fields=tuple(draft.fields),
            description=_text(draft.schema.get("description")) or _text(draft.schema.get("title")),
            extra_type=draft.extra,
            deprecated=bool(draft.schema.get("deprecated")),
            location=draft.location,
        )
        deps = set()
        for f in draft.fields:
            deps |= _refs(f.type)
        if draft.extra is not None:
            deps |= _refs(draft.extra)
        self.dependencies[draft.name] = deps

    # --- composition -----------------------------------------------------------------------

    def _all_of(
        self, schema: dict[str, Any], where: Location, hint: str, component: str | None
    ) -> ir.TypeExpr:
        parts = schema["allOf"]
        if not isinstance(parts, list) or not parts:
            self.diagnostics.warning(
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
            inner = self.type_of(part, where.child("allOf", index), hint)
            return self._named_alias(component, inner, schema, where) if component else inner
        # Merge: the properties and required lists of every part, in order.
        properties: dict[str, Any] = {}
        required: set[str] = set()
        merged_where: dict[str, Location] = {}
        for index, part in enumerate(parts):
            part_where = where.child("allOf", index)
            resolved = self.resolver.deref(part, part_where)
            if resolved is None:
                continue
            node, node_where = resolved
            if not isinstance(node, dict):
                continue
            if "allOf" in node or "oneOf" in node or "anyOf" in node:
                flattened = self._flatten(node, node_where, 0)
                if flattened is None:
                    self.diagnostics.warning(
                        "W304",
                        "allOf part is a union; its properties are merged loosely",
                        part_where,
                    )
                    continue
                node = flattened
            for prop_name, prop in (node.get("properties") or {}).items():
                properties[str(prop_name)] = prop
                merged_where[str(prop_name)] = node_where.child("properties", str(prop_name))
            required |= _required_set(node)
        for prop_name, prop in (own.get("properties") or {}).items():
            properties[str(prop_name)] = prop
            merged_where[str(prop_name)] = where.child("properties", str(prop_name))
        required |= _required_set(own)
        if not properties:
            return (
                ir.Prim("object")
                if component is None
                else self._named_alias(component, ir.Prim("object"), schema, where)
            )
        name = component or self._inline_name(schema, hint)
        self._memo[(where.file, where.pointer)] = ir.Ref(name)
        self._start(name)
        draft = _ModelDraft(name, where, schema)
        python_names = self._field_names(name, where, list(properties))
        for wire, prop in properties.items():
            prop_where = merged_where[wire]
            prop_type = self.type_of(prop, prop_where, name + pascal_case(wire))
            details = self._details(prop, prop_where)
            draft.fields.append(
                ir.Field(
                    python_names[wire],
                    wire,
                    prop_type,
                    wire in required,
                    details.get("description"),
                    _default_doc(details),
                    bool(details.get("deprecated")),
                    bool(details.get("readOnly")),
                    bool(details.get("writeOnly")),
                    prop_where,
                )
            )
        self._finish_model(draft)
        return ir.Ref(name)

    def _flatten(self, node: dict[str, Any], where: Location, depth: int) -> dict[str, Any] | None:
        """Merge a nested allOf into one properties/required object; None for unions."""
        if depth > 20 or "oneOf" in node or "anyOf" in node:
            return None
        out: dict[str, Any] = {
            "properties": dict(node.get("properties") or {}),
            "required": list(node.get("required") or []),
        }
        for index, part in enumerate(node.get("allOf") or []):
            resolved = self.resolver.deref(part, where.child("allOf", index))
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            inner = self._flatten(resolved[0], resolved[1], depth + 1)
            if inner is None:
                return None
            out["properties"].update(inner["properties"])
            out["required"].extend(inner["required"])
        return out

    def _union(
        self,
        schema: dict[str, Any],
        keyword: str,
        where: Location,
        hint: str,
        component: str | None,
    ) -> ir.TypeExpr:
        options_raw = schema[keyword]
        if not isinstance(options_raw, list) or not options_raw:
            self.diagnostics.warning(
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
            option_hint = _option_hint(option, base, index)
            option_type = self.type_of(option, where.child(keyword, index), option_hint)
            if option_type not in seen:
                seen.add(option_type)
                options.append(option_type)
        if schema.get("properties") and not component:
            self.diagnostics.warning(
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
            result = ir.Union(tuple(options), self._discriminator(schema, options, where))
        if nullable:
            result = _nullable(result)
        return self._named_alias(component, result, schema, where) if component else result

    def _discriminator(
        self, schema: dict[str, Any], options: list[ir.TypeExpr], where: Location
    ) -> ir.Discriminator | None:
        spec = schema.get("discriminator")
        if not isinstance(spec, dict) or not isinstance(spec.get("propertyName"), str):
            return None
        pairs: list[tuple[str, str]] = []
        explicit = mapping(spec.get("mapping"))
        for value, ref in explicit.items():
            resolved = self.resolver.resolve(
                ref, where.child("discriminator", "mapping", str(value))
            )
            if resolved is None:
                continue
            target = self._memo.get((resolved[1].file, resolved[1].pointer))
            if isinstance(target, ir.Ref):
                pairs.append((str(value), target.name))
        return ir.Discriminator(spec["propertyName"], tuple(pairs))

    # --- scalars, arrays, enums ---------------------------------------------------------------

    def _array(self, schema: dict[str, Any], where: Location, hint: str) -> ir.TypeExpr:
        prefix = schema.get("prefixItems")
        if isinstance(prefix, list) and prefix:
            return ir.Tuple(
                tuple(
                    self.type_of(item, where.child("prefixItems", index), f"{hint}Item{index}")
                    for index, item in enumerate(prefix)
                )
            )
        items = schema.get("items")
        if items is None:
            return ir.Array(ir.Prim("any"))
        if isinstance(items, list):  # draft-4 tuple form
            self.diagnostics.warning(
                "W306", "tuple-form `items` typed as a list of Any", where.child("items")
            )
            return ir.Array(ir.Prim("any"))
        return ir.Array(self.type_of(items, where.child("items"), hint + "Item"))

    def _literal(
        self,
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
                self.diagnostics.warning(
                    "W307",
                    f"enum value {excerpt(value)} cannot be a Literal; the enum is loosened",
                    where.child("enum" if "enum" in schema else "const"),
                )
                fallback = _simple_type(schema.get("type"), None) or ir.Prim("any")
                return _nullable(fallback) if nullable else fallback
        if len(usable) > MAX_LITERAL_VALUES:
            self.diagnostics.warning(
                "W310",
                f"enum of {len(usable)} values (more than {MAX_LITERAL_VALUES}) is typed "
                "as its base type, not a Literal",
                where.child("enum" if "enum" in schema else "const"),
                "split the enum, or accept the base type; values are not checked client-side",
            )
            fallback = (
                _simple_type(schema["type"], None) if "type" in schema else None
            ) or _common_type(usable)
            return _nullable(fallback) if nullable else fallback
        literal: ir.TypeExpr = ir.Literal(tuple(usable)) if usable else ir.Prim("none")
        if component is not None and usable:
            self._start(component)
            self.definitions[component] = ir.Enum(
                component,
                "",
                tuple(usable),
                _text(schema.get("description")),
                where,
            )
            self.dependencies[component] = set()
            literal = ir.Ref(component)
        return _nullable(literal) if nullable else literal

    def _named_alias(
        self, component: str | None, target: ir.TypeExpr, schema: dict[str, Any], where: Location
    ) -> ir.TypeExpr:
        if component is None:
            return target
        if isinstance(target, ir.Ref) and target.name == component:
            return target
        self._start(component)
        self.definitions[component] = ir.Alias(
            component, "", target, _text(schema.get("description")), where
        )
        self.dependencies[component] = _refs(target)
        return ir.Ref(component)

    # --- names --------------------------------------------------------------------------------

    def _inline_name(self, schema: dict[str, Any], hint: str) -> str:
        title = schema.get("title")
        if isinstance(title, str) and title.strip():
            candidate = self._override(title, _class_name(title))
            if candidate not in self.names:
                return self.names.take(candidate)
        return self.names.take(self._override(hint, _class_name(hint)))

    def _override(self, source: str, name: str) -> str:
        """The configured name for a schema key, title or generated name, if there is one."""
        for key in (source, name):
            if key in self.model_overrides:
                self.renamed_models.add(key)
                return self.model_overrides[key]
        return name

    def _field_name(self, model: str, where: Location, wire: str) -> str:
        """The configured name of a field (keyed by model name or schema name), else its own."""
        schema_name = self._hint_for(where, model)
        for key in (f"{model}.{wire}", f"{schema_name}.{wire}"):
            if key in self.field_overrides:
                self.renamed_fields.add(key)
                return self.field_overrides[key]
        name = snake_identifier(wire.lstrip("_") or wire, "field")
        return name + "_" if name in ANNOTATION_NAMES else name

    def _start(self, name: str) -> None:
        if name not in self.dependencies:
            self.order.append(name)
            self.dependencies[name] = set()


# --- helpers ------------------------------------------------------------------------------------


def _class_name(text: str) -> str:
    name = class_identifier(text, "Model")
    return name + "Model" if name in RESERVED_CLASS_NAMES else name


def _shape_key(schema: dict[str, Any], where: Location) -> tuple[str, str] | None:
    """What identical inline schemas share; None for one too large or deep to compare whole
    (it then gets a model of its own)."""
    import json

    if not is_small(schema):
        return None
    return where.file, json.dumps(schema, sort_keys=True, default=str)


def _simple_type(kind: Any, fmt: Any) -> ir.TypeExpr | None:
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


def _common_type(values: list[str | int | bool]) -> ir.TypeExpr:
    """The one Python type all enum values share, or Any."""
    kinds = {type(value) for value in values}
    if len(kinds) == 1:
        return ir.Prim({str: "str", int: "int", bool: "bool"}[kinds.pop()])
    return ir.Prim("any")


def _nullable(inner: ir.TypeExpr) -> ir.TypeExpr:
    if isinstance(inner, ir.Nullable) or inner in (ir.Prim("any"), ir.Prim("none")):
        return inner
    return ir.Nullable(inner)


def _required_set(schema: dict[str, Any]) -> set[str]:
    required = schema.get("required")
    return {scalar_text(item) for item in required} if isinstance(required, list) else set()


def _constraints_only(options: Any) -> bool:
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


def _option_hint(option: Any, base: str, index: int) -> str:
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


def _default_doc(details: dict[str, Any]) -> str | None:
    if "default" not in details:
        return None
    import json

    if not is_small(details["default"]):
        return excerpt(details["default"])
    try:
        return json.dumps(details["default"], ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return repr(details["default"])


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _refs(expr: ir.TypeExpr) -> set[str]:
    if isinstance(expr, ir.Ref):
        return {expr.name}
    if isinstance(expr, (ir.Array, ir.Map)):
        return _refs(expr.item if isinstance(expr, ir.Array) else expr.value)
    if isinstance(expr, ir.Nullable):
        return _refs(expr.inner)
    if isinstance(expr, (ir.Tuple, ir.Union)):
        out: set[str] = set()
        for item in expr.items if isinstance(expr, ir.Tuple) else expr.options:
            out |= _refs(item)
        return out
    return set()


refs_of = _refs
