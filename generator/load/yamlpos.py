"""Where a JSON pointer sits in a YAML file, found by reading the lines on its way.

Placing a diagnostic used to compose the whole file into position-carrying nodes: 1.5 s for a
3 MB spec, for the handful of pointers a run reports. Most specs are block-style YAML, in which a
key's children are the lines below it at one deeper indentation, so this walks down the pointer
line by line instead. Anything it does not fully understand (flow collections, anchors, tags,
block scalars, keys it cannot match) makes it answer None, and the caller falls back to the
composed index; when it answers, it gives what the composed index gives (tests compare the two
on snippets and on nodes sampled from the corpus's YAML specs).
"""

from __future__ import annotations

from generator import pointers

_SPECIAL = ("&", "*", "!", "|", ">", "{", "[", "%", "@", "`")


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def indentation(lines: list[str]) -> list[int]:
    """Each line's indentation, -1 for blank and comment lines: computed once per file, it
    turns the walks below into integer comparisons."""
    out = []
    for line in lines:
        stripped = line.lstrip(" ")
        out.append(
            -1 if not stripped.strip() or stripped.startswith("#") else len(line) - len(stripped)
        )
    return out


def _match_key(text: str, key: str) -> str | None:
    """The rest of the line after `key:` if `text` starts with that key, else None."""
    if text[:1] in ('"', "'"):
        quote = text[0]
        close = text.find(quote, 1)
        if (
            close < 0
            or (quote == '"' and "\\" in text[1:close])
            or (quote == "'" and text[close + 1 : close + 2] == "'")
        ):
            return None
        if text[1:close] != key or text[close + 1 : close + 2] != ":":
            return None
        rest = text[close + 2 :]
    else:
        if text[:1] in _SPECIAL or text.startswith(("- ", "? ")):
            return None
        if not text.startswith(key + ":"):
            return None
        rest = text[len(key) + 1 :]
        if rest and not rest[0].isspace():
            return None
    return rest


def _rest_is_empty(rest: str) -> bool:
    rest = rest.strip()
    return not rest or rest.startswith("#")


class _Node:
    """A block node: its content starts at (line, column) and runs until line `end`."""

    __slots__ = ("column", "end", "line")

    def __init__(self, line: int, column: int, end: int) -> None:
        self.line, self.column, self.end = line, column, end


def _value_of(
    lines: list[str], indents: list[int], line: int, key_column: int, rest: str, end: int
) -> _Node | None:
    """The block node that is the value of a key at (line, key_column) whose line ends in
    `rest`; None for inline values and anything unusual."""
    if not _rest_is_empty(rest):
        return None
    start = line + 1
    while start < end and indents[start] < 0:
        start += 1
    if start >= end:
        return None
    column = indents[start]
    text = lines[start][column:]
    compact = column == key_column and (text == "-" or text.startswith("- "))
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


def _child(
    lines: list[str], indents: list[int], node: _Node, part: str
) -> tuple[_Node | None, tuple[int, int]] | None:
    """The child `part` of a node: its own node (None when it has no block value) and where
    the composed index places it. None when the child cannot be found with certainty."""
    first = lines[node.line]
    column = node.column
    is_sequence = first[column:] == "-" or first[column:].startswith("- ")
    if is_sequence:
        if not part.isdigit():
            return None
        wanted, seen = int(part), -1
        for index in range(node.line, node.end):
            if index != node.line and indents[index] != column:
                continue
            line = lines[index]
            text = line[column:]
            if not (text == "-" or text.startswith("- ")):
                continue
            seen += 1
            if seen != wanted:
                continue
            after = text[1:]
            content = column + 1 + len(after) - len(after.lstrip(" "))
            if (
                _is_content(line[content:])
                and line[content : content + 1] not in _SPECIAL
                and not line[content:].startswith("- ")
            ):
                item_end = index + 1
                while item_end < node.end and (indents[item_end] < 0 or indents[item_end] > column):
                    item_end += 1
                if _match_key_line(line[content:]):
                    return _Node(index, content, item_end), (index + 1, content + 1)
                return None, (index + 1, content + 1)  # an inline scalar item
            return None
        return None
    key = pointers.unescape(part)
    found: tuple[int, str] | None = None
    for index in range(node.line, node.end):
        if index != node.line and indents[index] != column:
            continue
        rest = _match_key(lines[index][column:], key)
        if rest is not None:
            if found is not None:
                return None  # a repeated key: let the composed index decide
            found = (index, rest)
    if found is None:
        return None
    index, rest = found
    value = _value_of(lines, indents, index, column, rest, node.end)
    if value is None and _rest_is_empty(rest):
        return None  # a null value, or one this reader does not follow
    return value, (index + 1, column + 1)


def _match_key_line(text: str) -> bool:
    """Whether `text` starts a `key:` pair (the first key of a mapping in a sequence item)."""
    if text[:1] in ('"', "'"):
        close = text.find(text[0], 1)
        return close > 0 and text[close + 1 : close + 2] == ":"
    head, colon, _ = text.partition(":")
    return (
        bool(colon)
        and bool(head)
        and " #" not in head
        and (len(text) == len(head) + 1 or text[len(head) + 1].isspace())
    )


def locate(
    lines: list[str], pointer: str, indents: list[int] | None = None
) -> tuple[int, int] | None:
    """(line, column), 1-based, of the node at a non-empty `pointer`, or None when unsure.
    `indents` is `indentation(lines)`, for callers that locate several pointers."""
    if not pointer.startswith("/"):
        return None
    if indents is None:
        indents = indentation(lines)
    start = 0
    while start < len(lines) and (
        indents[start] < 0 or lines[start].startswith("%") or lines[start].strip() == "---"
    ):
        start += 1
    if start >= len(lines) or indents[start] != 0:
        return None
    node: _Node | None = _Node(start, 0, len(lines))
    found: tuple[int, int] | None = None
    for part in pointer[1:].split("/"):
        if node is None:
            return None
        step = _child(lines, indents, node, part)
        if step is None:
            return None
        node, found = step
    return found
