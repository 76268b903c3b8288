"""Matching the two versions: which old method is which new one, and which old definition is
which new one (a renamed model).

A method is the same when its HTTP method and path are (path parameter names aside), whatever
its Python call path became: a different call path is then a rename. Failing that, a method
whose call path stayed but whose HTTP method or path changed is the same method moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.model import ir
from generator.review.diff.subtyping import Definitions, map_refs

Placed = tuple[ir.Resource, ir.Operation]


@dataclass(slots=True)
class OperationMatch:
    pairs: list[tuple[Placed, Placed]]  # (old, new) of every matched method
    moved: list[tuple[Placed, Placed]]  # of those, the ones matched by call path (new path)
    gone: dict[tuple[str, str], Placed]  # old methods without a match, by operation_key
    came: dict[tuple[str, str], Placed]  # new methods without a match, by operation_key


def operation_key(op: ir.Operation) -> tuple[str, str]:
    """The HTTP method and the path with its parameters unnamed: `("GET", "/keys/{}")`."""
    return op.http_method, re.sub(r"\{[^}/]*\}", "{}", op.path)


def call_path(op: ir.Operation) -> str:
    """How a caller reaches the method: `client.chat.completions.create`."""
    return f"client.{op.resource}.{op.method_name}"


def match_operations(old: ir.Api, new: ir.Api) -> OperationMatch:
    old_ops = {operation_key(op): (r, op) for r in old.resources for op in r.operations}
    new_ops = {operation_key(op): (r, op) for r in new.resources for op in r.operations}
    pairs = [(old_ops[k], new_ops[k]) for k in old_ops.keys() & new_ops.keys()]
    gone = {k: v for k, v in old_ops.items() if k not in new_ops}
    came = {k: v for k, v in new_ops.items() if k not in old_ops}
    by_call_path = {call_path(op): key for key, (_, op) in came.items()}
    moved: list[tuple[Placed, Placed]] = []
    for key in sorted(gone):
        match = by_call_path.get(call_path(gone[key][1]))
        if match is not None and match in came:
            moved.append((gone.pop(key), came.pop(match)))
    return OperationMatch(pairs + moved, moved, gone, came)


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
