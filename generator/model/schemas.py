"""Schemas: JSON Schema (as OpenAPI uses it) to type expressions and named definitions.

Every schema location is built once (memoised by file and JSON pointer), so a `$ref` used a
hundred times yields one model, and a recursive schema refers to itself by name. Named schemas
keep their component name; inline objects are named from their context (`ListKeysResponse`,
`ListKeysResponseDataItem`) or their `title`. Anything that cannot be typed precisely falls back
to a looser type with a located warning; nothing is dropped.

Composition (`allOf`, unions) is in `composition.py`, enums and consts in `literals.py`, the
small facts both ask in `schema_facts.py`.
"""

from __future__ import annotations

from typing import Any

from generator import pointers
from generator.diagnostics import Diagnostics, Location, excerpt
from generator.model import ir
from generator.model.composition import all_of, union
from generator.model.literals import literal
from generator.model.naming import (
    ANNOTATION_NAMES,
    BASEMODEL_RESERVED,
    RESERVED_CLASS_NAMES,
    Namer,
    pascal_case,
    snake_identifier,
)
from generator.model.resolve import Resolver
from generator.model.schema_facts import (
    ModelDraft,
    class_name,
    constraints_only,
    default_doc,
    nullable_of,
    refs,
    required_set,
    shape_key,
    simple_type,
    text,
)

_COMPONENT_PREFIXES = ("/components/schemas/", "/definitions/", "/$defs/")

# How many schemas deep (each `$ref` followed counts too) the builder goes: a schema nested
# deeper is typed Any with a warning (W309). Each level costs about seven Python frames, so this
# stays far below the recursion limit; the deepest in the corpus is 21 (Kubernetes).
MAX_SCHEMA_DEPTH = 64


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
        self.memo: dict[tuple[str, str], ir.TypeExpr] = {}
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
            name = self.names.take(self._override(str(key), class_name(str(key))))
            self._component_names[(where.file, where.child(str(key)).pointer)] = name

    def build_components(self, schemas: Any, where: Location) -> None:
        if not isinstance(schemas, dict):
            return
        for key, schema in schemas.items():
            self.type_of(schema, where.child(str(key)), str(key))

    def type_of(self, schema: Any, where: Location, hint: str) -> ir.TypeExpr:
        """The type expression for `schema`, building named definitions as needed."""
        key = (where.file, where.pointer)
        memo = self.memo.get(key)
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
            self.memo[key] = result
            return result
        if key in self._in_progress:  # an inline cycle without a name: loosen, do not loop
            return ir.Prim("any")
        self._in_progress.add(key)
        try:
            result = self._build(schema, where, hint)
        finally:
            self._in_progress.discard(key)
        self.memo[key] = result
        return result

    # --- references -------------------------------------------------------------------------

    def _reference(self, schema: dict[str, Any], where: Location, hint: str) -> ir.TypeExpr:
        resolved = self.resolver.resolve(schema["$ref"], where.child("$ref"))
        if resolved is None:
            return ir.Prim("any")  # W201 already reported at the $ref
        target, target_where = resolved
        result = self.type_of(target, target_where, self.hint_for(target_where, hint))
        if self._nullable_marker(schema):
            result = nullable_of(result)
        return result

    def hint_for(self, where: Location, fallback: str) -> str:
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
        return nullable_of(result) if nullable and result != ir.Prim("none") else result

    def _nullable_marker(self, schema: dict[str, Any]) -> bool:
        if schema.get("nullable") is True or schema.get("x-nullable") is True:
            return True
        types = schema.get("type")
        return isinstance(types, list) and "null" in types

    def _build_non_null(self, schema: dict[str, Any], where: Location, hint: str) -> ir.TypeExpr:
        component = self._component_names.get((where.file, where.pointer))
        if "const" in schema:
            return literal(self, [schema["const"]], schema, where, hint, component)
        if isinstance(schema.get("enum"), list):
            return literal(self, schema["enum"], schema, where, hint, component)
        if "allOf" in schema:
            return all_of(self, schema, where, hint, component)
        for keyword in ("oneOf", "anyOf"):
            if keyword in schema and not constraints_only(schema[keyword]):
                return union(self, schema, keyword, where, hint, component)
        types = schema.get("type")
        if isinstance(types, list):
            concrete = [t for t in types if t != "null"]
            if len(concrete) > 1:
                options = tuple(self._by_type(t, schema, where, hint, None) for t in concrete)
                return self.named_alias(component, ir.Union(options), schema, where)
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
            return self.named_alias(component, self._array(schema, where, hint), schema, where)
        simple = simple_type(kind, schema.get("format"))
        if simple is None:
            if kind is not None:
                self.diagnostics.warning(
                    "W302",
                    f"unknown schema type {excerpt(kind)}; typed as Any",
                    where.child("type"),
                )
            simple = ir.Prim("any")
        return self.named_alias(component, simple, schema, where) if component else simple

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
                return self.named_alias(component, ir.Map(value), schema, where)
            if component is None:
                return ir.Prim("object")
        shape = shape_key(schema, where) if component is None else None
        if shape is not None:
            shared = self._shapes.get(shape)
            if shared is not None:
                return ir.Ref(shared)
        name = component or self.inline_name(schema, hint)
        if shape is not None:
            self._shapes[shape] = name
        draft = ModelDraft(name, where, schema)
        self.memo[(where.file, where.pointer)] = ir.Ref(name)
        self.start(name)
        self._fill_fields(
            draft, properties if isinstance(properties, dict) else {}, required_set(schema), where
        )
        if isinstance(additional, dict) and additional and "additionalProperties" in schema:
            draft.extra = self.type_of(
                additional, where.child("additionalProperties"), name + "Value"
            )
        self.finish_model(draft)
        return ir.Ref(name)

    def field_names(self, model: str, where: Location, wires: list[str]) -> dict[str, str]:
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
        self, draft: ModelDraft, properties: dict[str, Any], required: set[str], where: Location
    ) -> None:
        python_names = self.field_names(draft.name, where, [str(w) for w in properties])
        for wire_name, prop in properties.items():
            wire = str(wire_name)
            prop_where = where.child("properties", wire)
            python_name = python_names[wire]
            prop_type = self.type_of(prop, prop_where, draft.name + pascal_case(wire))
            details = self.details(prop, prop_where)
            draft.fields.append(
                ir.Field(
                    name=python_name,
                    wire_name=wire,
                    type=prop_type,
                    required=wire in required,
                    description=details.get("description"),
                    default_doc=default_doc(details),
                    deprecated=bool(details.get("deprecated")),
                    read_only=bool(details.get("readOnly")),
                    write_only=bool(details.get("writeOnly")),
                    location=prop_where,
                )
            )

    def details(self, prop: Any, where: Location) -> dict[str, Any]:
        """The annotations of a property: its own, else those of what it refers to."""
        if not isinstance(prop, dict):
            return {}
        if "$ref" in prop and "description" not in prop:
            resolved = self.resolver.resolve(prop["$ref"], where.child("$ref"))
            if resolved is not None and isinstance(resolved[0], dict):
                return {**resolved[0], **prop}
        return prop

    def finish_model(self, draft: ModelDraft) -> None:
        self.definitions[draft.name] = ir.Model(
            name=draft.name,
            module="",
            fields=tuple(draft.fields),
            description=text(draft.schema.get("description")) or text(draft.schema.get("title")),
            extra_type=draft.extra,
            deprecated=bool(draft.schema.get("deprecated")),
            location=draft.location,
        )
        deps = set()
        for f in draft.fields:
            deps |= refs(f.type)
        if draft.extra is not None:
            deps |= refs(draft.extra)
        self.dependencies[draft.name] = deps

    # --- arrays and aliases ------------------------------------------------------------------

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

    def named_alias(
        self, component: str | None, target: ir.TypeExpr, schema: dict[str, Any], where: Location
    ) -> ir.TypeExpr:
        if component is None:
            return target
        if isinstance(target, ir.Ref) and target.name == component:
            return target
        self.start(component)
        self.definitions[component] = ir.Alias(
            component, "", target, text(schema.get("description")), where
        )
        self.dependencies[component] = refs(target)
        return ir.Ref(component)

    # --- names --------------------------------------------------------------------------------

    def inline_name(self, schema: dict[str, Any], hint: str) -> str:
        title = schema.get("title")
        if isinstance(title, str) and title.strip():
            candidate = self._override(title, class_name(title))
            if candidate not in self.names:
                return self.names.take(candidate)
        return self.names.take(self._override(hint, class_name(hint)))

    def _override(self, source: str, name: str) -> str:
        """The configured name for a schema key, title or generated name, if there is one."""
        for key in (source, name):
            if key in self.model_overrides:
                self.renamed_models.add(key)
                return self.model_overrides[key]
        return name

    def _field_name(self, model: str, where: Location, wire: str) -> str:
        """The configured name of a field (keyed by model name or schema name), else its own."""
        schema_name = self.hint_for(where, model)
        for key in (f"{model}.{wire}", f"{schema_name}.{wire}"):
            if key in self.field_overrides:
                self.renamed_fields.add(key)
                return self.field_overrides[key]
        name = snake_identifier(wire.lstrip("_") or wire, "field")
        return name + "_" if name in ANNOTATION_NAMES else name

    def start(self, name: str) -> None:
        if name not in self.dependencies:
            self.order.append(name)
            self.dependencies[name] = set()
