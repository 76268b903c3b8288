"""Facts about types that printing them and comparing them both rely on, decided once here.

`render/types.py` prints type expressions; `review/diff` compares them. Both must agree on what
a name stands for (`DefinitionIndex`), whether None is already a value of a type, and which tag
value selects which model of a discriminated union.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from generator import pointers
from generator.model import ir

DefinitionIndex = Mapping[str, ir.Definition]

# References are followed at most this deep (aliases of aliases, which may form a cycle).
MAX_REFERENCE_DEPTH = 8


def definition_index(api: ir.Api) -> dict[str, ir.Definition]:
    """Every named definition of the models package, by name."""
    return {d.name: d for module in api.modules for d in module.definitions}


def allows_none(expr: ir.TypeExpr, definitions: DefinitionIndex, depth: int = 0) -> bool:
    """Whether None is already a value of `expr`, looking through aliases: appending `| None`
    to an alias of None would be `None | None`, a TypeError at run time."""
    if isinstance(expr, ir.Ref) and depth < MAX_REFERENCE_DEPTH:
        definition = definitions.get(expr.name)
        if isinstance(definition, ir.Alias):
            return allows_none(definition.type, definitions, depth + 1)
    return isinstance(expr, ir.Nullable) or expr in (ir.Prim("any"), ir.Prim("none"))


def discriminator_tags(
    models: Iterable[ir.Model], discriminator: ir.Discriminator
) -> list[tuple[str, str]]:
    """(tag value, model name) pairs, sorted by value: the explicit mapping's entries for these
    models, then each model's implicit tags (as OpenAPI says, the implicit mapping still applies
    beside an explicit one)."""
    listed = list(models)
    tags: dict[str, str] = {}
    for value, name in discriminator.mapping:
        if any(model.name == name for model in listed):
            tags.setdefault(value, name)
    for model in listed:
        for value in _implicit_tags(model, discriminator.property):
            tags.setdefault(value, model.name)
    return sorted(tags.items())


def _implicit_tags(model: ir.Model, prop: str) -> list[str]:
    """Tag values a model answers to without an explicit mapping: the values its tag property
    may take, else its schema name."""
    for field in model.fields:
        if field.wire_name == prop and isinstance(field.type, ir.Literal):
            return [str(v) for v in field.type.values if isinstance(v, str)]
    pointer = model.location.pointer
    for prefix in ("/components/schemas/", "/definitions/"):
        if pointer.startswith(prefix) and "/" not in pointer[len(prefix) :]:
            key = pointers.unescape(pointer[len(prefix) :])
            return [key] if key == model.name else [key, model.name]
    return [model.name]
