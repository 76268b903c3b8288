"""What a compiled JSONPath selects in a document, within a budget of visits.

The query is data (the classes below), built by `jsonpath.compile_path` from the RFC 9535
parser's result. Evaluation keeps the overlay's bounds: every node visited, every pair of
values compared and every long string compared is paid from a `Budget`, so `$..*..*..*`,
`$..[?@ == @]` or a `$`-rooted query inside a filter over a large spec ends with an
OverlayLimitError rather than running for hours. Work lists, not recursion, where the document
decides the depth.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from generator.load.specdata import LimitError

__all__ = ["MAX_VISITS", "Budget", "NodePath", "OverlayLimitError", "Query", "find"]

Key = str | int
NodePath = tuple[Key, ...]

MAX_VISITS = 2_000_000  # nodes one target may visit (the Kubernetes spec has 130,000)


class OverlayLimitError(LimitError):
    """Evaluating a target went past its budget of visits."""


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Wildcard:
    pass


@dataclass(frozen=True, slots=True)
class Index:
    index: int


@dataclass(frozen=True, slots=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True, slots=True)
class Filter:
    expr: Expr


Selector = Name | Wildcard | Index | Slice | Filter


@dataclass(frozen=True, slots=True)
class Segment:
    descendant: bool
    selectors: tuple[Selector, ...]


@dataclass(frozen=True, slots=True)
class Query:
    absolute: bool  # `$...` rather than `@...`
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Value:
    value: Any


@dataclass(frozen=True, slots=True)
class Compare:
    op: str
    left: Query | Value
    right: Query | Value


@dataclass(frozen=True, slots=True)
class Exists:
    query: Query


@dataclass(frozen=True, slots=True)
class Not:
    expr: Expr


@dataclass(frozen=True, slots=True)
class Logical:
    op: str  # "&&" or "||"
    items: tuple[Expr, ...]


Expr = Compare | Exists | Not | Logical


_NOTHING = object()


def find(query: Query, document: Any, budget: Budget) -> list[tuple[NodePath, Any]]:
    """Each node `query` selects as (path from the root, value), in the order first reached,
    no repeats. Raises OverlayLimitError when `budget` runs out."""
    found: list[tuple[NodePath, Any]] = []
    seen: set[NodePath] = set()
    for path, value in _run(query, document, document, budget):
        if path not in seen:
            seen.add(path)
            found.append((path, value))
    return found


class Budget:
    """Nodes a target may still visit, shared by its filters' queries; `reason` is the limit
    reached when they run out."""

    def __init__(self, visits: int, reason: str | None = None) -> None:
        self.left = visits
        self.limit = visits
        self.reason = reason or f"the target visits more than {visits:,} nodes"

    def spend(self, count: int = 1) -> None:
        self.left -= count
        if self.left < 0:
            raise OverlayLimitError(self.reason)


def _run(query_: Query, current: Any, root: Any, budget: Budget) -> Iterator[tuple[NodePath, Any]]:
    nodes: list[tuple[NodePath, Any]] = [((), root if query_.absolute else current)]
    for segment in query_.segments:
        selected: list[tuple[NodePath, Any]] = []
        for path, value in nodes:
            targets = _descendants(path, value) if segment.descendant else iter([(path, value)])
            for target_path, target in targets:
                budget.spend(1 + len(target_path) // 32)  # building a deep path costs too
                for selector in segment.selectors:
                    selected.extend(_select(selector, target_path, target, root, budget))
        nodes = _first_of_each(selected) if segment.descendant else selected
    return iter(nodes)


def _first_of_each(nodes: list[tuple[NodePath, Any]]) -> list[tuple[NodePath, Any]]:
    """`nodes` without repeats: after `..` a node is reached once per ancestor selected, and
    each repeat would multiply the work of every later segment. The result's order (first
    occurrences) is what it would have been with the repeats."""
    seen: set[NodePath] = set()
    out: list[tuple[NodePath, Any]] = []
    for path, value in nodes:
        if path not in seen:
            seen.add(path)
            out.append((path, value))
    return out


def _children(path: NodePath, value: Any) -> Iterator[tuple[NodePath, Any]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*path, key), child
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*path, index), child


def _descendants(path: NodePath, value: Any) -> Iterator[tuple[NodePath, Any]]:
    """The node itself, then every node below it, depth first in document order."""
    stack = [(path, value)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(list(_children(*node))))


def _select(
    selector: Selector, path: NodePath, value: Any, root: Any, budget: Budget
) -> Iterator[tuple[NodePath, Any]]:
    if isinstance(selector, Name):
        if isinstance(value, dict) and selector.name in value:
            yield (*path, selector.name), value[selector.name]
    elif isinstance(selector, Wildcard):
        yield from _children(path, value)
    elif isinstance(selector, Index):
        if isinstance(value, list):
            index = selector.index + len(value) if selector.index < 0 else selector.index
            if 0 <= index < len(value):
                yield (*path, index), value[index]
    elif isinstance(selector, Slice):
        if isinstance(value, list) and selector.step != 0:
            for index in range(
                *slice(selector.start, selector.stop, selector.step).indices(len(value))
            ):
                yield (*path, index), value[index]
    else:
        for child_path, child in _children(path, value):
            budget.spend(1 + len(child_path) // 32)
            if _test(selector.expr, child, root, budget):
                yield child_path, child


def _test(expr: Expr, current: Any, root: Any, budget: Budget) -> bool:
    if isinstance(expr, Exists):
        return next(_run(expr.query, current, root, budget), None) is not None
    if isinstance(expr, Not):
        return not _test(expr.expr, current, root, budget)
    if isinstance(expr, Logical):
        if expr.op == "&&":
            return all(_test(item, current, root, budget) for item in expr.items)
        return any(_test(item, current, root, budget) for item in expr.items)
    left = _operand(expr.left, current, root, budget)
    right = _operand(expr.right, current, root, budget)
    if expr.op == "==":
        return _equal(left, right, budget)
    if expr.op == "!=":
        return not _equal(left, right, budget)
    if expr.op in ("<=", ">=") and _equal(left, right, budget):
        return True
    smaller, larger = (left, right) if expr.op in ("<", "<=") else (right, left)
    return _less(smaller, larger, budget)


def _operand(operand: Query | Value, current: Any, root: Any, budget: Budget) -> Any:
    if isinstance(operand, Value):
        return operand.value
    nodes = list(_run(operand, current, root, budget))
    return nodes[0][1] if len(nodes) == 1 else _NOTHING


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Characters of two strings compared per node of the budget: comparing the same long string at
# every node (a YAML alias) costs its length each time.
_CHARACTERS_PER_VISIT = 1024


def _equal(a: Any, b: Any, budget: Budget) -> bool:
    """JSONPath equality, with a work list rather than recursion (`@ == $` compares whole
    subtrees, as deep as an overlay may make them) and every pair compared paid from the
    target's budget: `$..[?@ == @]` would compare each subtree once per ancestor."""
    pending = [(a, b)]
    while pending:
        a, b = pending.pop()
        budget.spend(1)
        if a is _NOTHING or b is _NOTHING:
            if a is not b:
                return False
        elif _is_number(a) and _is_number(b):
            if a != b:
                return False
        elif type(a) is not type(b):
            return False
        elif isinstance(a, list):
            if len(a) != len(b):
                return False
            pending.extend(zip(a, b, strict=True))
        elif isinstance(a, dict):
            if a.keys() != b.keys():
                return False
            budget.spend(len(a))
            pending.extend((a[key], b[key]) for key in a)
        elif isinstance(a, str):
            budget.spend(min(len(a), len(b)) // _CHARACTERS_PER_VISIT)
            if a != b:
                return False
        elif a != b:
            return False
    return True


def _less(a: Any, b: Any, budget: Budget) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a < b)
    if isinstance(a, str) and isinstance(b, str):
        budget.spend(min(len(a), len(b)) // _CHARACTERS_PER_VISIT)
        return a < b
    return False
