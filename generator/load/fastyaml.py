"""Read YAML with yaml-rs (Rust) when the result is certain to be what PyYAML gives.

PyYAML's C parser reads a large spec at about 3 MB/s (a second for GitHub's description); yaml-rs
is about five times faster. But yaml-rs reads YAML 1.2 while oagen's PyYAML loader keeps some YAML
1.1 rules, and it merges no `<<` keys and ignores tags. So yaml-rs is used only when nothing in
the document could be read differently:

- no tag, merge key, directive, complex key, surrogate escape, bare `=`, YAML 1.1 line break
  (NEL, U+2028, U+2029), colon that PyYAML rejects in flow style, or anchor (each found by a
  cheap scan; a false alarm only costs speed). Without an anchor there is no alias; with one,
  yaml-rs would copy what an alias names (and read one that contains itself as null) where
  PyYAML shares the object, which `bounds` can measure;
- every plain scalar that could be a number (it starts with a digit, sign, dot or underscore) is
  resolved by both libraries, one distinct token at a time, and they agree: the same type and
  value, and for a key the same text (PyYAML keeps a key's text; yaml-rs gives `200` as a
  number, turned back into "200" here). A value token they read differently is put back as
  PyYAML reads it when yaml-rs makes a number of it that no other token makes: a number in
  yaml-rs's result can only come from a token this scan finds, so that number marks exactly
  the places it was written (PyYAML's own dumper writes `key_id: 012345678912345678`, a
  string to PyYAML and an integer to yaml-rs);
- yaml-rs parses the text, finds no repeated key, and returns one mapping.

Otherwise `load` returns None and PyYAML reads the document, reporting any problem with its
position.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

# Where a plain scalar can start, each led by a literal so the scan runs at C speed: a block
# value, a list item, a line's first token (a key), a flow item. The group is the scalar.
_SCALAR_STARTS = [
    re.compile(pattern)
    for pattern in (
        r":[ \t]+([-+._0-9])",
        r"-[ \t]+(?=([-+._0-9]))",  # not consumed: it may be the next item's dash (`- - 0`)
        r"\n[ \t]*([-+._0-9])",
        r"\[[ \t]*([-+._0-9])",
        r"\{[ \t]*([-+._0-9])",
        r",[ \t]*([-+._0-9])",
    )
]
_FIRST_SCALAR = re.compile(r"[ \t]*([-+._0-9])")
_SCALAR_END = re.compile(r"[^\s,\[\]{}]*")
_NEXT_ON_LINE = re.compile(r"[ \t]*(.?)", re.DOTALL)
_TAG = re.compile(r"![!<\w-]")  # not a markdown image: `![`
_BARE_EQUALS = re.compile(r"=[ \t]*(?:#[^\n]*)?(?:\n|$)|=[ \t]*[,\]}]")
# A scalar that starts with a colon (`[:a]`, `b: :a`): PyYAML rejects some that YAML 1.2 allows.
_LEADING_COLON = [
    re.compile(r"\[[ \t]*:"),
    re.compile(r"\{[ \t]*:"),
    re.compile(r":[ \t]+:"),
    re.compile(r"-[ \t]+:"),
]
_FLOW_CLOSING_COLON = re.compile(r":[,\]}]")
# Each led by a literal, so the scan runs at C speed.
_MERGE_OR_COMPLEX_KEY = [
    re.compile(pattern)
    for pattern in (
        r"<<[ \t]*:",
        r"\n[ \t]*\?[ \t\n]",
        r"\[[ \t]*\?[ \t]",
        r"\{[ \t]*\?[ \t]",
        r",[ \t]*\?[ \t]",
        r",[ \t]*:",
    )
]
# Line breaks in YAML 1.1 only (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR).
_OLD_LINE_BREAKS = ("\x85", "\u2028", "\u2029")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]")
# An anchor (`&name`), which every alias needs: a line of block-scalar text such as `**Note:**`
# looks much like an alias to a scan, an `&` at the start of a node far less.
_ANCHOR = re.compile(r"&[^\s,\[\]{}]")
_MISSING = object()


def load(text: str, loader: Any) -> dict[str, Any] | None:
    """The document as yaml-rs reads it, when `loader` (a PyYAML loader class) would read the
    same; else None."""
    try:
        import yaml_rs
    except ImportError:  # pragma: no cover - a dependency; PyYAML reads everything without it
        return None
    if _needs_pyyaml(text):
        return None
    fixes = _number_fixes(text, loader, yaml_rs)
    if fixes is None:
        return None
    try:
        data = yaml_rs.loads(text, parse_datetime=False)  # a repeated key is an error
    except Exception:  # yaml-rs raises its own errors, and ValueError for alias limits
        return None
    if not isinstance(data, dict) or not _keys_as_text(data):
        return None
    if fixes:
        _put_back(data, fixes)
    return data


def _at_node_start(text: str, position: int) -> bool:
    """Whether a plain scalar starting at `position` would be a whole key or value: after the
    line's indentation, a `: `, `- ` or `? `, or a flow `[`, `{` (itself starting a node) or
    `,`. Only the blanks and brackets just before `position` are looked at (slicing from the
    line's start made a long line with many candidates quadratic)."""
    while True:  # a loop, not recursion: `[[[[...` may be very long
        index = position - 1
        while index >= 0 and text[index] in " \t":
            index -= 1
        if index < 0 or text[index] == "\n":
            return True
        last = text[index]
        if last in ":-?":
            return index < position - 1
        if last not in "[{":
            return last == ","
        position = index


def _needs_pyyaml(text: str) -> bool:
    if (
        text.startswith(("%", "?"))
        or "\n%" in text
        or any(pattern.search(text) for pattern in _MERGE_OR_COMPLEX_KEY)
    ):
        return True  # a directive, a merge key, a complex key, a colon starting a flow item
    if ("\\u" in text or "\\U" in text) and _SURROGATE_ESCAPE.search(text):
        return True
    if any(line_break in text for line_break in _OLD_LINE_BREAKS):
        return True
    for pattern in (_TAG, _BARE_EQUALS, _ANCHOR):
        if any(_at_node_start(text, match.start()) for match in pattern.finditer(text)):
            return True
    for pattern in _LEADING_COLON:
        if any(_at_node_start(text, match.end() - 1) for match in pattern.finditer(text)):
            return True
    previous, previous_start = -1, -1  # the last match, and where its item starts
    for match in _FLOW_CLOSING_COLON.finditer(text):  # `[a:]`: from where the item starts
        start = match.start()
        end = start
        while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "[{,":
            start -= 1
            if start == previous:  # the same item as the last match (`a:]a:]...`): walked
                start = previous_start
                break
        previous, previous_start = end, start
        if _at_node_start(text, start):
            return True
    return False


# A number as yaml-rs gives it, with its type: 1, 1.0 and True are equal in Python.
_Number = tuple[type, Any]


def _number_fixes(text: str, loader: Any, yaml_rs: Any) -> dict[_Number, Any] | None:
    """PyYAML's value for each number yaml-rs reads from a token the two read differently
    (empty when every plain scalar that could be a number reads the same); None when a
    difference cannot be put back that way."""
    resolver = loader("")
    readings: dict[tuple[str, bool], tuple[Any, Any] | None] = {}
    first = _FIRST_SCALAR.match(text)
    starts = [first.start(1)] if first is not None else []
    for pattern in _SCALAR_STARTS:
        starts.extend(match.start(1) for match in pattern.finditer(text))
    try:
        for start in starts:
            scalar = _whole_scalar(text, start)
            if scalar is not None and scalar not in readings:
                readings[scalar] = _read_both(*scalar, resolver, yaml_rs)
                if readings[scalar] is None:
                    return None
    finally:
        resolver.dispose()
    fixes: dict[_Number, Any] = {}
    made: set[_Number] = set()  # numbers that tokens read the same way make
    for (_token, is_key), both in readings.items():
        assert both is not None
        theirs, ours = both
        number = (type(theirs), theirs)
        if _same_scalar(theirs, ours):
            if type(theirs) in (int, float):
                made.add(number)
            continue
        if is_key or type(theirs) not in (int, float) or theirs != theirs:  # NaN: no key
            return None
        if number in fixes and not _same_scalar(fixes[number], ours):
            return None  # `0123` and `00123`: one number, two strings
        fixes[number] = ours
    return None if made & fixes.keys() else fixes


def _whole_scalar(text: str, start: int) -> tuple[str, bool] | None:
    """(token, is_key) when the plain scalar at `start` is one token, else None (a longer
    scalar, `12 apples`, is a string to both)."""
    match = _SCALAR_END.match(text, start)
    assert match is not None  # the pattern matches the empty string
    token = match.group()
    if token == "-":
        return None  # a sequence entry's dash, not a scalar
    # `200:` or `12:30: x`: the token stops at a blank, so a key's colon is its last character.
    is_key = token.endswith(":")
    if is_key:
        token = token[:-1]
    else:  # what follows on its line, past blanks (not the whole rest of a long line)
        after = _NEXT_ON_LINE.match(text, start + len(token))
        assert after is not None  # the pattern matches the empty string
        if after.group(1) not in ("", "\n", "#", ",", "]", "}"):
            return None
    return token, is_key


def _read_both(token: str, is_key: bool, resolver: Any, yaml_rs: Any) -> tuple[Any, Any] | None:
    """(yaml-rs's value, PyYAML's) of one plain scalar; for a key, each library's text of it.
    None when either cannot read it alone (the document is then left to PyYAML)."""
    try:
        if is_key:
            (key,) = yaml_rs.loads(f"{token}: 0\n", parse_datetime=False)
            text = key if type(key) is str else str(key) if type(key) is int else None
            return text, token
        theirs = yaml_rs.loads(f"x: {token}\n", parse_datetime=False)["x"]
        tag = resolver.resolve(yaml.ScalarNode, token, (True, False))
        ours = resolver.yaml_constructors[tag](resolver, yaml.ScalarNode(tag, token))
    except Exception:  # either side cannot read it alone: leave the document to PyYAML
        return None
    return theirs, ours


def _same_scalar(theirs: Any, ours: Any) -> bool:
    if type(ours) is not type(theirs):
        return False
    if isinstance(ours, float) and math.isnan(ours):
        return math.isnan(theirs)
    return bool(ours == theirs)


def _put_back(root: dict[str, Any], fixes: dict[_Number, Any]) -> None:
    """Each number of `fixes` in the data, as PyYAML reads the token it came from, in place."""
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if type(value) in (int, float):
                fixed = fixes.get((type(value), value), _MISSING)
                if fixed is not _MISSING:
                    node[key] = fixed
            elif isinstance(value, (dict, list)):
                stack.append(value)


def _keys_as_text(root: dict[str, Any]) -> bool:
    """Integer keys (`200:`) back to the text PyYAML keeps, in place and in order; False when a
    key is some other non-string, or two keys become the same text."""
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if not all(type(key) is str for key in node):
                if not all(type(key) in (str, int) for key in node):
                    return False
                items = [(str(key), value) for key, value in node.items()]
                if len({key for key, _ in items}) != len(items):
                    return False  # `1:` beside `"1":`: PyYAML reports the repeated key
                node.clear()
                node.update(items)
            stack.extend(value for value in node.values() if isinstance(value, (dict, list)))
        else:
            stack.extend(value for value in node if isinstance(value, (dict, list)))
    return True
