"""The resource tree: every call path's resource (and each parent it needs) with its module, its
four class names and its sub-resources."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import ir
from generator.model.naming import Namer, class_identifier, file_stem, isort_key


@dataclass(frozen=True, slots=True)
class Node:
    names: tuple[str, str, str, str, str, str]  # sync, async, raw and streaming of each
    module: str
    children: tuple[ir.SubResource, ...]


def resource_nodes(
    paths: Iterable[tuple[str, ...]], class_names: Namer
) -> dict[tuple[str, ...], Node]:
    """Nodes by call path, parents first (sorted), so names do not depend on the spec's order."""
    wanted: set[tuple[str, ...]] = set()
    for path in paths:
        wanted.update(path[:depth] for depth in range(1, len(path) + 1))
    # Module names are file names: unique whatever the file system's case rules.
    modules = Namer(case_insensitive=True)
    named: dict[tuple[str, ...], tuple[tuple[str, str, str, str, str, str], str]] = {}
    for path in sorted(wanted):
        base = class_identifier("_".join(path), "Resource")
        sync = class_names.take(base + "Resource" if base in class_names else base)
        names = (
            sync,
            class_names.take("Async" + sync),
            class_names.take(sync + "WithRawResponse"),
            class_names.take("Async" + sync + "WithRawResponse"),
            class_names.take(sync + "WithStreamingResponse"),
            class_names.take("Async" + sync + "WithStreamingResponse"),
        )
        named[path] = names, modules.take(file_stem("_".join(path)))
    by_parent: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for path in named:  # sorted: children in order
        by_parent.setdefault(path[:-1], []).append(path)
    nodes: dict[tuple[str, ...], Node] = {}
    for path, (names, module) in named.items():
        children = tuple(
            ir.SubResource(
                attribute=child[-1],
                module=named[child][1],
                class_name=named[child][0][0],
                async_class_name=named[child][0][1],
                raw_class_name=named[child][0][2],
                async_raw_class_name=named[child][0][3],
                streaming_class_name=named[child][0][4],
                async_streaming_class_name=named[child][0][5],
                class_names=tuple(sorted(named[child][0], key=isort_key)),
            )
            for child in by_parent.get(path, ())
        )
        nodes[path] = Node(names, module, children)
    return nodes
