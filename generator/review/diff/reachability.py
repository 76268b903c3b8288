"""Reachability: how the operations of an API use each definition, as input (arguments, request
bodies), as output (responses, stream events, error bodies), or only as a request body the
client explodes into keyword arguments."""

from __future__ import annotations

from collections.abc import Mapping

from generator.model import ir
from generator.review.diff.subtyping import ANY, refs_of

IN, OUT = "in", "out"
Direction = frozenset[str]
BOTH: Direction = frozenset({IN, OUT})
INPUT: Direction = frozenset({IN})
OUTPUT: Direction = frozenset({OUT})


def field_direction(f: ir.Field, direction: Direction) -> Direction:
    if f.read_only and direction != INPUT:
        return direction - INPUT
    if f.write_only and direction != OUTPUT:
        return direction - OUTPUT
    return direction


def usage(api: ir.Api, defs: Mapping[str, ir.Definition]) -> dict[str, set[str]]:
    """Definition name -> {"in", "out", "exploded"}: how operations reach it."""
    roots: dict[str, list[ir.TypeExpr]] = {IN: [], OUT: []}
    exploded: set[str] = set()
    models = [d for d in defs.values() if isinstance(d, ir.Model)]
    for resource in api.resources:
        for op in resource.operations:
            roots[IN].extend(p.type for p in op.parameters)
            if op.body is not None:
                roots[IN].extend(f.type for f in op.body.fields)
                roots[IN].append(op.body.whole_type or ANY)
                shape = tuple((f.wire_name, f.type) for f in op.body.fields)
                if shape:
                    exploded.update(
                        m.name
                        for m in models
                        if tuple((f.wire_name, f.type) for f in m.fields if not f.read_only)
                        == shape
                    )
            for expr in (op.response, op.stream, *(e.type for e in op.errors)):
                if expr is not None:
                    roots[OUT].append(expr)
    usage: dict[str, set[str]] = {name: {"exploded"} for name in exploded}
    for direction, exprs in roots.items():
        pending = [name for expr in exprs for name in refs_of(expr)]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            usage.setdefault(name, set()).add(direction)
            definition = defs.get(name)
            if isinstance(definition, ir.Model):
                for f in definition.fields:
                    if (direction == IN and f.read_only) or (direction == OUT and f.write_only):
                        continue
                    pending.extend(refs_of(f.type))
                pending.extend(refs_of(definition.extra_type))
            elif isinstance(definition, ir.Alias):
                pending.extend(refs_of(definition.type))
    return usage
