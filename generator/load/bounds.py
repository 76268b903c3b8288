"""Bounds on a parsed document's shape: nesting depth, and the size YAML aliases expand to.

Every later stage walks the document (the validator, the builder, the caches), several of them
recursively, and a YAML alias is walked once per place it is used. So a document nested deeper
than `MAX_DEPTH`, or whose aliases expand it to more than `MAX_EXPANSION` times its own size (a
"billion laughs"), or that contains itself through an alias, is refused right after parsing.
The checks visit each distinct node once; `where` finds the text position for the diagnostic
(an error path only).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# Deep enough for any real description (the deepest in the corpus is 22); shallow enough that
# PyYAML's recursive constructor (three frames a level) and the recursive walkers stay well
# inside Python's recursion limit.
MAX_DEPTH = 256
MAX_EXPANSION = 10  # times the document's own node count ...
EXPANSION_ALLOWANCE = 100_000  # ... plus this many nodes, for small documents that reuse a lot
# Python refuses to convert longer digit strings (its default int_max_str_digits), and anything
# that prints such a number fails: refused at load whatever the interpreter's setting.
MAX_INTEGER_DIGITS = 4300

TOO_DEEP, TOO_LARGE, RECURSIVE = "too deep", "too large", "recursive"


def problem(data: Any, shared: bool) -> str | None:
    """TOO_DEEP, TOO_LARGE, RECURSIVE or None. `shared`: the document may hold one object at
    several places (YAML aliases, as PyYAML builds them); else it is a tree."""
    return _shared_problem(data) if shared else _tree_problem(data)


def _tree_problem(data: Any) -> str | None:
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return TOO_DEEP
        depth += 1
        for value in node.values() if type(node) is dict else node if type(node) is list else ():
            kind = type(value)
            if kind is dict or kind is list:
                stack.append((value, depth))
    return None


def _shared_problem(data: Any) -> str | None:
    """Height and expanded size of each distinct container, children first (memoised by
    identity: linear in distinct nodes, however often each is reused)."""
    if not isinstance(data, dict | list):
        return None
    done: dict[int, tuple[int, int]] = {}  # id -> (height, expanded size)
    open_: set[int] = set()  # on the current path: meeting one again is a cycle
    keep: list[Any] = []  # holds every visited node, so no id is reused meanwhile
    distinct = 0
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        values = list(node.values()) if isinstance(node, dict) else node
        if children_done:
            open_.discard(key)
            height, size = 1, 1
            for value in values:
                if isinstance(value, dict | list):
                    child_height, child_size = done[id(value)]
                    height = max(height, child_height + 1)
                    size += child_size
                else:
                    size += 1
            done[key] = (height, size)
            if height > MAX_DEPTH:
                return TOO_DEEP
            if size > MAX_EXPANSION * distinct + EXPANSION_ALLOWANCE:
                return TOO_LARGE
            continue
        if key in done:
            continue
        if key in open_:
            return RECURSIVE
        open_.add(key)
        keep.append(node)
        distinct += 1 + len(values)
        stack.append((node, True))
        for value in values:
            if isinstance(value, dict | list):
                if id(value) in open_:
                    return RECURSIVE
                if id(value) not in done:
                    stack.append((value, False))
    return None


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def where(text: str, is_json: bool, kind: str, loader: Any) -> tuple[int, int]:
    """(line, column), 1-based, of what made the document fail `kind`: the first node deeper
    than MAX_DEPTH, or the first alias; (1, 1) when the text cannot be scanned."""
    if is_json:
        depth = 0
        for match in _JSON_TOKEN.finditer(text):
            token = match.group()
            if token in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return line_column(text, match.start())
            elif token in "]}":
                depth -= 1
        return 1, 1
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if kind != TOO_DEEP and isinstance(event, yaml.AliasEvent):
                return _position(event)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _position(event)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return 1, 1


def _position(event: yaml.Event) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text` (1:1 for a negative offset: not found)."""
    if offset < 0:
        return 1, 1
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
