"""Matching the two versions: which old definition is which new one (a renamed model)."""

from __future__ import annotations

from generator.model import ir
from generator.review.diff.subtyping import Definitions, map_refs


def model_renames(old_defs: Definitions, new_defs: Definitions) -> dict[str, str]:
    """Old name -> new name for definitions that only changed their name."""
    gone = {n: d for n, d in old_defs.items() if n not in new_defs}
    came = {n: d for n, d in new_defs.items() if n not in old_defs}
    renames: dict[str, str] = {}
    by_pointer: dict[str, list[str]] = {}
    for name, definition in came.items():
        by_pointer.setdefault(definition.location.pointer, []).append(name)
    for name, definition in sorted(gone.items()):
        candidates = [
            c
            for c in by_pointer.get(definition.location.pointer, [])
            if c not in renames.values() and came[c].kind == definition.kind
        ]
        if len(candidates) == 1:
            renames[name] = candidates[0]
    # Then the same shape (a renamed component), when the match is unique both ways.
    old_shapes: dict[str, list[str]] = {}
    new_shapes: dict[str, list[str]] = {}
    for name, definition in sorted(gone.items()):
        if name not in renames:
            old_shapes.setdefault(_shape(definition), []).append(name)
    for name, definition in sorted(came.items()):
        if name not in renames.values():
            new_shapes.setdefault(_shape(definition), []).append(name)
    for shape, names in old_shapes.items():
        matches = new_shapes.get(shape, [])
        if len(names) == 1 and len(matches) == 1:
            renames[names[0]] = matches[0]
    return renames


def _shape(definition: ir.Definition) -> str:
    def erase(expr: ir.TypeExpr | None) -> str:
        if expr is None:
            return "-"
        return repr(map_refs(expr, lambda _: "_"))

    if isinstance(definition, ir.Model):
        return (
            "model:"
            + repr(tuple((f.wire_name, f.required, erase(f.type)) for f in definition.fields))
            + erase(definition.extra_type)
        )
    if isinstance(definition, ir.Enum):
        return "enum:" + repr(definition.values)
    return "alias:" + erase(definition.type)
