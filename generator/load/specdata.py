"""Small readers for untrusted spec data: a spec may put any type anywhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


_MISSING = object()


def follow(node: Any, parts: Sequence[str]) -> Any:
    """The node at `parts` (keys and list indexes, unescaped), or `MISSING`."""
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return _MISSING
    return node


MISSING = _MISSING


def text(value: Any) -> str | None:
    """A stripped, non-empty string, or None."""
    return value.strip() if isinstance(value, str) and value.strip() else None
