"""Bounds on spec values the builder prints, hashes or walks whole.

A hostile spec's value may be an alias-expanded YAML structure of billions of nodes, nested
thousands deep, or hold an integer too long for Python to print (more than 4,300 digits raises
ValueError). Such a value is never printed into the client or compared whole: callers check
`is_small` first and fall back (no example, no shared model, an excerpt in a docstring).
"""

from __future__ import annotations

from typing import Any

MAX_NODES = 100_000  # far above any example or schema in the corpus
MAX_DEPTH = 100  # printing recurses once per level; this keeps far from the recursion limit
MAX_INT_BITS = 10_000  # about 3,000 digits


def is_small(value: Any, max_nodes: int = MAX_NODES, max_depth: int = MAX_DEPTH) -> bool:
    """Whether `value` has at most `max_nodes` nodes, nests at most `max_depth` deep and holds
    no integer longer than MAX_INT_BITS bits. Stops as soon as a bound is passed, so the cost
    is at most about `max_nodes` steps whatever the value's expanded size."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    count = 1
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list | tuple):
            if depth >= max_depth:
                return False
            count += len(node) * (2 if isinstance(node, dict) else 1)
            if count > max_nodes:
                return False
            items = node.values() if isinstance(node, dict) else node
            stack.extend((item, depth + 1) for item in items)
            if isinstance(node, dict):
                stack.extend((key, depth + 1) for key in node)
        elif isinstance(node, int) and node.bit_length() > MAX_INT_BITS:
            return False
    return True


def printable_int(value: int) -> bool:
    """An integer `repr` prints quickly and without ValueError."""
    return value.bit_length() <= MAX_INT_BITS


def scalar_text(value: Any, fallback: str = "") -> str:
    """`str(value)` for a scalar (None, text, number, boolean), else `fallback`: a spec may put
    an alias-expanded structure where text belongs, and printing that would never end."""
    if isinstance(value, int) and not printable_int(value):
        return fallback
    if value is None or isinstance(value, str | int | float):
        return str(value)
    return fallback
