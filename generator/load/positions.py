"""Where a JSON pointer of a spec file sits in its text (line and column, 1-based), for the
diagnostics that are printed: one indexer per file, built on first use.

- **JSON**: one scan records where every value starts, keyed by pointer.
- **YAML**: most specs are block-style YAML, in which a key's children are the lines below it at
  one deeper indentation. A pointer is found by walking down those lines. Each node's children
  are listed, and each child's extent found, once, the first time a pointer passes through it,
  so hundreds of pointers (GitHub's description prints a few hundred notes) read each line
  about once.
- Anything the walk does not fully understand (flow collections, anchors, tags, block scalars,
  keys it cannot read, repeated keys) makes it unsure, and only then is the whole file composed
  into PyYAML's position-carrying nodes (about a second for an 8 MB file). When the walk answers,
  it gives what the composed index gives: tests compare the two on snippets and on nodes sampled
  from the corpus's YAML specs.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import NamedTuple

import yaml

from generator import pointers
from generator.load.readers import SpecLoader

__all__ = ["Positions", "composed_index"]

Position = tuple[int, int]


class Positions:
    """The positions of one file's nodes."""

    def __init__(self, text: str, is_json: bool) -> None:
        self.text = text
        self.is_json = is_json
        self._walk: _BlockWalk | None = None
        self._index: dict[str, Position] | None = None  # the whole file's, when built

    @property
    def indexed(self) -> bool:
        """Whether the whole-file index was built (for JSON, on the first pointer; for YAML,
        only when the walk was unsure)."""
        return self._index is not None

    def locate(self, pointer: str) -> Position | None:
        """Where the node at `pointer` is written, or its nearest ancestor."""
        if not self.is_json:
            if self._walk is None:
                self._walk = _BlockWalk(self.text)
            found = self._walk.locate(pointer)
            if found is not None:
                return found
        if self._index is None:
            self._index = _json_index(self.text) if self.is_json else composed_index(self.text)
        while True:
            found = self._index.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


# --- YAML, composed: exact and slow ---------------------------------------------------------


def composed_index(text: str) -> dict[str, Position]:
    """Every node of a YAML text, from PyYAML's node tree; empty when it cannot be read."""
    try:
        node = yaml.compose(text, Loader=SpecLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, Position] = {}
    if node is not None:
        _index_node(node, "", out)
    return out


def _index_node(node: yaml.Node, pointer: str, out: dict[str, Position]) -> None:
    out.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = pointer + "/" + pointers.escape(str(key.value))
            # Point at the key: that is where an editor should put the cursor.
            out[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _index_node(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _index_node(value, f"{pointer}/{index}", out)


# --- YAML, walked: block style only ----------------------------------------------------------

_SPECIAL = ("&", "*", "!", "|", ">", "{", "[", "%", "@", "`")


def _indentation(lines: list[str]) -> list[int]:
    """Each line's indentation, -1 for blank and comment lines: computed once per file, it
    turns the walks below into integer comparisons."""
    out = []
    for line in lines:
        stripped = line.lstrip(" ")
        out.append(
            -1 if not stripped.strip() or stripped.startswith("#") else len(line) - len(stripped)
        )
    return out


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _rest_is_empty(rest: str) -> bool:
    rest = rest.strip()
    return not rest or rest.startswith("#")


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith("- ")


def _read_key(text: str) -> tuple[str, str] | None:
    """(key, the rest of the line after its colon) when `text` starts with a `key:` this
    reader understands, else None."""
    if text[:1] in ('"', "'"):
        quote = text[0]
        close = text.find(quote, 1)
        if (
            close < 0
            or (quote == '"' and "\\" in text[1:close])
            or (quote == "'" and text[close + 1 : close + 2] == "'")
            or text[close + 1 : close + 2] != ":"
        ):
            return None
        return text[1:close], text[close + 2 :]
    if text[:1] in _SPECIAL or text.startswith(("- ", "? ")):
        return None
    at = text.find(":")
    while at >= 0 and at + 1 < len(text) and not text[at + 1].isspace():
        at = text.find(":", at + 1)  # `/a:b:` is the key `/a:b`
    if at <= 0 or " #" in text[:at] or text[at - 1] in " \t":
        return None
    return text[:at], text[at + 1 :]


class _Node(NamedTuple):
    """A block node: its content starts at (line, column) and runs until line `end`."""

    line: int
    column: int
    end: int


# A child: its own node (None for an inline scalar) and where the composed index places it.
_Step = tuple[_Node | None, Position]


class _BlockWalk:
    """Locates pointers by walking block-style YAML; None where it is unsure."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.indents = _indentation(self.lines)
        self._keys: dict[_Node, dict[str, list[int]]] = {}  # a mapping's keys and their lines
        self._items: dict[_Node, list[int]] = {}  # a sequence's item lines
        self._values: dict[tuple[_Node, str], _Step | None] = {}
        self._root: _Node | None = self._find_root()

    def _find_root(self) -> _Node | None:
        lines, indents = self.lines, self.indents
        start = 0
        while start < len(lines) and (
            indents[start] < 0 or lines[start].startswith("%") or lines[start].strip() == "---"
        ):
            start += 1
        if start >= len(lines) or indents[start] != 0 or lines[start].startswith(("---", "...")):
            return None  # `--- a: 1`: content on the document marker's line
        return _Node(start, 0, len(lines))

    def locate(self, pointer: str) -> Position | None:
        if self._root is None:
            return None
        if not pointer:
            return self._root.line + 1, 1
        if not pointer.startswith("/"):
            return None
        node: _Node | None = self._root
        found: Position | None = None
        for part in pointer[1:].split("/"):
            if node is None:
                return None
            step = self._child(node, part)
            if step is None:
                return None
            node, found = step
        return found

    def _child(self, node: _Node, part: str) -> _Step | None:
        if _is_item(self.lines[node.line][node.column :]):
            return self._item(node, part)
        return self._value(node, part)

    def _value(self, node: _Node, part: str) -> _Step | None:
        # Each key's value is found once: finding where a block ends reads all of its lines.
        if (node, part) not in self._values:
            self._values[node, part] = self._find_value(node, part)
        return self._values[node, part]

    def _find_value(self, node: _Node, part: str) -> _Step | None:
        keys = self._keys.get(node)
        if keys is None:
            keys = self._keys[node] = self._list_keys(node)
        found = keys.get(pointers.unescape(part))
        if found is None or len(found) > 1:
            return None  # not found, or repeated: let the composed index decide
        index = found[0]
        read = _read_key(self.lines[index][node.column :])
        assert read is not None
        value = self._block_value(index, node.column, read[1], node.end)
        if value is None and _rest_is_empty(read[1]):
            return None  # a null value, or one this reader does not follow
        return value, (index + 1, node.column + 1)

    def _list_keys(self, node: _Node) -> dict[str, list[int]]:
        keys: dict[str, list[int]] = {}
        indents, column = self.indents, node.column
        for index in range(node.line, node.end):
            if index != node.line and indents[index] != column:
                continue
            read = _read_key(self.lines[index][column:])
            if read is not None:
                keys.setdefault(read[0], []).append(index)
        return keys

    def _block_value(self, line: int, key_column: int, rest: str, end: int) -> _Node | None:
        """The block node that is the value of a key at (line, key_column) whose line ends in
        `rest`; None for inline values and anything unusual."""
        if not _rest_is_empty(rest):
            return None
        lines, indents = self.lines, self.indents
        start = line + 1
        while start < end and indents[start] < 0:
            start += 1
        if start >= end:
            return None
        column = indents[start]
        compact = column == key_column and _is_item(lines[start][column:])
        if column <= key_column and not compact:
            return None
        stop = start + 1
        while stop < end:
            width = indents[stop]
            if width >= 0 and (
                width < column
                or (compact and width == column and not lines[stop][width:].startswith("-"))
            ):
                break
            stop += 1
        return _Node(start, column, stop)

    def _item(self, node: _Node, part: str) -> _Step | None:
        if not part.isdigit():
            return None
        items = self._items.get(node)
        if items is None:
            items = self._items[node] = [
                index
                for index in range(node.line, node.end)
                if (index == node.line or self.indents[index] == node.column)
                and _is_item(self.lines[index][node.column :])
            ]
        wanted = int(part)
        if wanted >= len(items):
            return None
        index = items[wanted]
        line, column = self.lines[index], node.column
        after = line[column + 1 :]
        content = column + 1 + len(after) - len(after.lstrip(" "))
        if (
            not _is_content(line[content:])
            or line[content : content + 1] in _SPECIAL
            or line[content:].startswith("- ")
        ):
            return None
        if _read_key(line[content:]) is None:
            return None, (index + 1, content + 1)  # an inline scalar item
        item_end = index + 1
        while item_end < node.end and (
            self.indents[item_end] < 0 or self.indents[item_end] > column
        ):
            item_end += 1
        return _Node(index, content, item_end), (index + 1, content + 1)


# --- JSON ------------------------------------------------------------------------------------

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^\s,\]\}]+")


def _json_index(text: str) -> dict[str, Position]:
    try:
        return _JsonIndexer(text).run()
    except (IndexError, ValueError):
        return {}


class _JsonIndexer:
    """A small JSON scanner that records where each value starts, keyed by JSON pointer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: dict[str, Position] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def run(self) -> dict[str, Position]:
        self._value("")
        return self.out

    def _where(self, pos: int) -> Position:
        line = bisect.bisect_right(self.line_starts, pos) - 1
        return line + 1, pos - self.line_starts[line] + 1

    def _skip(self) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\r\n":
            self.pos += 1

    def _value(self, pointer: str, key_pos: int | None = None) -> None:
        self._skip()
        self.out[pointer] = self._where(key_pos if key_pos is not None else self.pos)
        char = self.text[self.pos]
        if char == "{":
            self.pos += 1
            while True:
                self._skip()
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                start = self.pos
                match = _STRING.match(self.text, self.pos)
                if match is None:
                    raise ValueError("expected a key")
                key = json.loads(match.group())
                self.pos = match.end()
                self._skip()
                self.pos += 1  # the colon
                self._value(pointer + "/" + pointers.escape(key), start)
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip()
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                self._value(f"{pointer}/{index}")
                index += 1
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == '"':
            match = _STRING.match(self.text, self.pos)
            if match is None:
                raise ValueError("unterminated string")
            self.pos = match.end()
        else:
            match = _SCALAR.match(self.text, self.pos)
            if match is None:
                raise ValueError("expected a value")
            self.pos = match.end()
