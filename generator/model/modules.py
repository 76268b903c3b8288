"""Modules: place every named definition in a module of the models package.

Each strongly connected group of definitions (a model and the models that refer back to it) shares
one module; everything else gets a module of its own. Modules then import each other without
cycles, and a client that touches one model imports only what that model needs, which keeps
`import` fast on specs with hundreds of schemas.
"""

from __future__ import annotations

from dataclasses import replace

from generator.model import ir
from generator.model.naming import Namer, file_stem, snake_identifier


def strongly_connected(order: list[str], deps: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative, visiting in `order`: deterministic groups, each in order."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    position = {name: i for i, name in enumerate(order)}

    def ordered(name: str) -> list[str]:
        return sorted(deps.get(name, ()), key=lambda n: position.get(n, -1))

    counter = 0
    for root in order:
        if root in index_of:
            continue
        work: list[tuple[str, list[str]]] = [(root, ordered(root))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            if children:
                child = children.pop(0)
                if child not in position:
                    continue
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, ordered(child)))
                elif child in on_stack:
                    low[node] = min(low[node], index_of[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                groups.append(sorted(group, key=position.__getitem__))
    return groups


def build_modules(
    definitions: dict[str, ir.Definition], order: list[str], deps: dict[str, set[str]]
) -> tuple[dict[str, ir.Definition], tuple[ir.ModelModule, ...]]:
    groups = strongly_connected(order, deps)
    namer = Namer({"__init__"})
    group_modules: list[tuple[str, list[str]]] = []
    for group in groups:
        group_modules.append((namer.take(file_stem(snake_identifier(group[0], "model"))), group))

    final: dict[str, ir.Definition] = {}
    modules: list[ir.ModelModule] = []
    for module, group in sorted(group_modules, key=lambda item: item[0]):
        placed: list[ir.Definition] = []
        for name in _definition_order(group, definitions, deps):
            final[name] = replace(definitions[name], module=module)
            placed.append(final[name])
        modules.append(ir.ModelModule(module, tuple(placed), ()))
    return final, tuple(modules)


def _definition_order(
    group: list[str], definitions: dict[str, ir.Definition], deps: dict[str, set[str]]
) -> list[str]:
    """Enums, then models (their annotations are lazy), then aliases after what they use."""
    enums = [n for n in group if isinstance(definitions[n], ir.Enum)]
    models = [n for n in group if isinstance(definitions[n], ir.Model)]
    aliases = [n for n in group if isinstance(definitions[n], ir.Alias)]
    ordered_aliases: list[str] = []
    pending = list(aliases)
    while pending:
        progressed = False
        for name in list(pending):
            waiting = {d for d in deps.get(name, ()) if d in pending and d != name}
            if not waiting:
                ordered_aliases.append(name)
                pending.remove(name)
                progressed = True
        if not progressed:  # a cycle of aliases: keep document order
            ordered_aliases.extend(pending)
            break
    return enums + models + ordered_aliases
