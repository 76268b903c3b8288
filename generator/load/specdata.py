"""Small readers for untrusted spec data: a spec may put any type anywhere."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

from generator.load.bounds import MAX_DEPTH


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


_MISSING = object()


def follow(node: Any, parts: Sequence[str]) -> Any:
    """The node at `parts` (keys and list indexes, unescaped), or `MISSING`."""
    found, reached = walk(node, parts)
    return found if reached == len(parts) else _MISSING


def walk(node: Any, parts: Sequence[str]) -> tuple[Any, int]:
    """How far `parts` lead from `node`: the node reached and the number of parts followed
    (`len(parts)` when all are there; else `parts[count]` is the one missing)."""
    for count, part in enumerate(parts):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return node, count
    return node, len(parts)


MISSING = _MISSING


def text(value: Any) -> str | None:
    """A stripped, non-empty string, or None."""
    return value.strip() if isinstance(value, str) and value.strip() else None


class LimitError(ValueError):
    """Copying (or selecting, for an overlay's targets) went past a limit; `hint` says what to
    do."""

    def __init__(
        self,
        message: str,
        hint: str = "make the target more specific (fewer `..`), or the update smaller",
    ) -> None:
        super().__init__(message)
        self.hint = hint


class Copier:
    """The one deep copy of spec data: copies sharing one budget of nodes (unbounded by default;
    an overlay bounds it, since a YAML alias bomb in an update, each level an alias list of the
    one below, is a few lines of text but billions of nodes once copied).

    A copy may not nest the document deeper than the loader allows (bounds.MAX_DEPTH): every
    later stage relies on that bound, and a few overlay updates, each within it, stack up past it.
    A node that contains itself (a recursive YAML alias) keeps its cycle, within the copy.
    Work list rather than recursion, so any depth the loader allows copies.
    """

    def __init__(self, budget: int = sys.maxsize) -> None:
        self.left = budget
        self.limit = budget

    def copy(self, value: Any, level: int = 1) -> Any:
        """A copy of `value`, to be placed at nesting `level` (the document's root is 1)."""
        if not isinstance(value, dict | list):
            return value
        ancestors: dict[int, Any] = {}  # originals being copied -> their copies
        self._check_level(level)
        root = self._empty(value, ancestors)
        # Each entry: an original, its copy, its remaining items; done when they run out.
        stack: list[tuple[Any, Any, Iterator[tuple[Any, Any]]]] = [
            (value, root, self._items(value))
        ]
        while stack:
            original, out, items = stack[-1]
            for key, item in items:
                if not isinstance(item, dict | list):
                    self._put(out, key, item)
                    continue
                done = ancestors.get(id(item))
                if done is not None:
                    self._put(out, key, done)
                    continue
                self._check_level(level + len(stack))
                child = self._empty(item, ancestors)
                self._put(out, key, child)
                stack.append((item, child, self._items(item)))
                break
            else:
                stack.pop()
                del ancestors[id(original)]
        return root

    @staticmethod
    def _check_level(level: int) -> None:
        if level > MAX_DEPTH:
            raise LimitError(
                f"the update would nest the document more than {MAX_DEPTH} levels deep",
                "flatten the update: move inner schemas to components and $ref them",
            )

    def _empty(self, value: Any, ancestors: dict[int, Any]) -> Any:
        self.left -= 1 + len(value)
        if self.left < 0:
            raise LimitError(f"copying values goes past {self.limit:,} nodes (a YAML alias bomb?)")
        out: Any = {} if isinstance(value, dict) else []
        ancestors[id(value)] = out
        return out

    @staticmethod
    def _items(value: Any) -> Iterator[tuple[Any, Any]]:
        return iter(value.items()) if isinstance(value, dict) else iter(enumerate(value))

    @staticmethod
    def _put(out: Any, key: Any, item: Any) -> None:
        if isinstance(out, dict):
            out[key] = item
        else:
            out.append(item)
