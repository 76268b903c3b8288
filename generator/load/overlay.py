"""Overlay: apply OpenAPI Overlay 1.0 documents to a loaded spec, before validation.

An overlay is a list of actions, each a JSONPath `target` and either `update` (merged into each
selected node) or `remove: true` (each selected node is deleted), applied in order:

```yaml
overlay: 1.0.0
info: {title: Fix the upstream spec, version: 1.0.0}
actions:
  - target: $.paths['/keys'].get.parameters[?(@.name == 'offset')]
    update: {schema: {type: integer, minimum: 0}}
  - target: $.paths.*[?(@.deprecated == true)]
    remove: true
```

Semantics (Overlay 1.0.0, with the choices the specification leaves open written down):

- `update` on an object merges recursively: objects merge key by key, an array in the update is
  appended to the array already there, anything else replaces the old value. On an array, the
  update is appended as one entry (an array update appends each of its items). On a scalar, or a
  non-object update on an object, the node is skipped, with one warning per action.
- `remove: true` deletes each selected node from its parent; it wins over `update`. The root
  cannot be removed.
- A target that selects nothing is a warning (W702), located at `/actions/<i>/target` of the
  overlay file. An invalid overlay document (wrong shape, unsupported version, a target that is not
  a JSONPath) is an error (E701, E702) and no overlay is applied.
- Inputs are never changed: the spec is copied once, and every inserted value is a fresh copy.

JSONPath (RFC 9535) as overlays use it: `$`; child `.name`, `['name']`, `["name"]`, `['a','b']`;
wildcard `.*`, `[*]`; recursive descent `..name`, `..*`, `..[...]`; index `[0]`, `[-1]`; slice
`[start:end:step]`; filters `[?(@.key == 'value')]` and `[?@.key=='value']` with `==`, `!=`, `<`,
`<=`, `>`, `>=`, existence `[?(@.key)]`, `!`, `&&`, `||`, parentheses, `$`-rooted queries and
string, number, `true`, `false`, `null` literals. Dot names are read leniently (`.x-logo`,
`.application/json` work). Indexes and slice bounds are I-JSON integers (RFC 9535: at most
2**53-1 either way). Function extensions (`length()`, `match()`, `search()`, ...) are not
supported, so no regular expression from an overlay ever runs.

`extends` is never followed (nothing is fetched or read): the overlay applies to the spec oagen
was given. One that names a document elsewhere (a URL, an absolute path, `..`) is noted (I701).

Limits, so a hostile overlay ends quickly with a located error: filters nest at most
MAX_NESTING deep (parentheses, `!` and queries inside filters; deeper is E702); one action's
target visits at most MAX_VISITS nodes (`$..*..*..*`, a `$`-rooted query inside a filter over a
large spec; comparing two subtrees or long strings is paid for too) and all the targets of one
overlay MAX_OVERLAY_VISITS together (a thousand costly actions), copying the document and
inserting `update` values copies at most MAX_COPIED nodes per overlay (a YAML alias bomb in
`update`), and no update may nest the document deeper than the loader allows (bounds.MAX_DEPTH,
which later stages rely on); past any of these the overlay is not applied (E703).

Diagnostics: E701 invalid overlay, E702 invalid JSONPath, E703 overlay beyond its limits, W701
ignored overlay content, W702 target matched nothing, W703 update or removal that does not fit
the selected node, I701 `extends` not followed. An overlay file that is missing or no regular
file (a FIFO, a device) is E001 or E005, before anything opens it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Diagnostics, Location, excerpt
from generator.load.bounds import MAX_DEPTH
from generator.load.sources import (
    MAX_INTEGER_DIGITS,
    LoadError,
    SourceFile,
    Sources,
    read_source,
    spec_file_problem,
)

__all__ = [
    "Action",
    "JsonPath",
    "JsonPathError",
    "Overlay",
    "OverlayLimitError",
    "apply_overlay",
    "apply_overlays",
    "compile_path",
    "load_overlay",
    "overlay_source",
    "parse_overlay",
    "query",
]

Key = str | int
NodePath = tuple[Key, ...]

MAX_NESTING = 32  # filters and parentheses inside each other; real targets nest two or three
MAX_VISITS = 2_000_000  # nodes one target may visit (the Kubernetes spec has 130,000)
MAX_COPIED = 5_000_000  # nodes one overlay may copy, the document included
# Nodes the targets of one overlay may visit together: each action may visit MAX_VISITS, and
# 1,000 actions near that took an hour; about 70 `$..name` targets over the Kubernetes spec fit.
MAX_OVERLAY_VISITS = 10_000_000
MAX_INDEX = 2**53 - 1  # RFC 9535: indexes and slice bounds are I-JSON integers


class OverlayLimitError(ValueError):
    """Evaluating a target, or copying values, went past MAX_VISITS, MAX_COPIED or MAX_DEPTH;
    `hint` says what to do."""

    def __init__(
        self,
        message: str,
        hint: str = "make the target more specific (fewer `..`), or the update smaller",
    ) -> None:
        super().__init__(message)
        self.hint = hint


# --- JSONPath -----------------------------------------------------------------------------------


class JsonPathError(ValueError):
    """A JSONPath expression that cannot be parsed; `position` is the 0-based offset."""

    def __init__(self, message: str, expression: str, position: int) -> None:
        super().__init__(f"{message} at position {position + 1} of {excerpt(expression)}")
        self.reason = message
        self.expression = expression
        self.position = position


@dataclass(frozen=True, slots=True)
class _Name:
    name: str


@dataclass(frozen=True, slots=True)
class _Wildcard:
    pass


@dataclass(frozen=True, slots=True)
class _Index:
    index: int


@dataclass(frozen=True, slots=True)
class _Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True, slots=True)
class _Filter:
    expr: _Expr


_Selector = _Name | _Wildcard | _Index | _Slice | _Filter


@dataclass(frozen=True, slots=True)
class _Segment:
    descendant: bool
    selectors: tuple[_Selector, ...]


@dataclass(frozen=True, slots=True)
class _Query:
    absolute: bool  # `$...` rather than `@...`
    segments: tuple[_Segment, ...]


@dataclass(frozen=True, slots=True)
class _Value:
    value: Any


@dataclass(frozen=True, slots=True)
class _Compare:
    op: str
    left: _Query | _Value
    right: _Query | _Value


@dataclass(frozen=True, slots=True)
class _Exists:
    query: _Query


@dataclass(frozen=True, slots=True)
class _Not:
    expr: _Expr


@dataclass(frozen=True, slots=True)
class _Logical:
    op: str  # "&&" or "||"
    items: tuple[_Expr, ...]


_Expr = _Compare | _Exists | _Not | _Logical


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A compiled JSONPath query."""

    expression: str
    query: _Query

    def find(
        self, document: Any, max_visits: int = MAX_VISITS, *, budget: _Budget | None = None
    ) -> list[tuple[NodePath, Any]]:
        """Each selected node as (path from the root, value), in document order, no repeats.
        Raises OverlayLimitError past `max_visits` nodes visited."""
        found: list[tuple[NodePath, Any]] = []
        seen: set[NodePath] = set()
        budget = budget or _Budget(max_visits)
        for path, value in _run(self.query, document, document, budget):
            if path not in seen:
                seen.add(path)
                found.append((path, value))
        return found


def compile_path(expression: str) -> JsonPath:
    """Parse a JSONPath expression; raises `JsonPathError`."""
    parser = _Parser(expression)
    parser.skip()
    if not parser.peek("$"):
        raise JsonPathError("a JSONPath must start with `$`", expression, parser.pos)
    result = parser.query()
    parser.skip()
    if parser.pos != len(expression):
        raise JsonPathError(f"unexpected {expression[parser.pos]!r}", expression, parser.pos)
    return JsonPath(expression, result)


def query(expression: str, document: Any) -> list[Any]:
    """The values `expression` selects in `document`."""
    return [value for _, value in compile_path(expression).find(document)]


_SHORTHAND = re.compile(r"""[^\s.\[\]()=!<>&|,'"*?]+""")
_INT = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_FUNCTION_NAME = re.compile(r"[A-Za-z_]\w*")
_ESCAPES = {
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "/": "/",
    "\\": "\\",
    "'": "'",
    '"': '"',
}


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.nesting = 0  # filters and parentheses open around the position

    def enter(self) -> None:
        """One level deeper; the parser recurses per level, so the depth is bounded."""
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.fail(f"filters and parentheses nest more than {MAX_NESTING} deep")

    def fail(self, message: str, position: int | None = None) -> JsonPathError:
        return JsonPathError(message, self.text, self.pos if position is None else position)

    def skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def peek(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def expect(self, token: str) -> None:
        self.skip()
        if not self.peek(token):
            found = repr(self.text[self.pos]) if self.pos < len(self.text) else "the end"
            raise self.fail(f"expected {token!r}, found {found}")
        self.pos += len(token)

    # --- queries --------------------------------------------------------------------------

    def query(self) -> _Query:
        absolute = self.text[self.pos] == "$"
        self.pos += 1
        segments: list[_Segment] = []
        while True:
            mark = self.pos
            self.skip()
            if self.peek(".."):
                self.pos += 2
                segments.append(_Segment(True, self.after_dot(descendant=True)))
            elif self.peek("."):
                self.pos += 1
                segments.append(_Segment(False, self.after_dot(descendant=False)))
            elif self.peek("["):
                segments.append(_Segment(False, self.bracket()))
            else:
                self.pos = mark
                return _Query(absolute, tuple(segments))

    def after_dot(self, *, descendant: bool) -> tuple[_Selector, ...]:
        if self.peek("*"):
            self.pos += 1
            return (_Wildcard(),)
        if descendant and self.peek("["):
            return self.bracket()
        match = _SHORTHAND.match(self.text, self.pos)
        if match is None:
            raise self.fail("expected a name after `.`")
        self.pos = match.end()
        return (_Name(match.group()),)

    def bracket(self) -> tuple[_Selector, ...]:
        start = self.pos
        self.pos += 1  # [
        selectors: list[_Selector] = []
        while True:
            self.skip()
            selectors.append(self.selector())
            self.skip()
            if self.peek(","):
                self.pos += 1
                continue
            if self.peek("]"):
                self.pos += 1
                return tuple(selectors)
            if self.pos >= len(self.text):
                raise self.fail("unclosed `[`", start)
            raise self.fail(f"unexpected {self.text[self.pos]!r} in brackets")

    def selector(self) -> _Selector:
        if self.pos >= len(self.text):
            raise self.fail("unclosed `[`")
        char = self.text[self.pos]
        if char in "'\"":
            return _Name(self.string())
        if char == "*":
            self.pos += 1
            return _Wildcard()
        if char == "?":
            self.pos += 1
            self.enter()
            expression = self.expression()
            self.nesting -= 1
            return _Filter(expression)
        if char == ":" or _INT.match(self.text, self.pos):
            return self.index_or_slice()
        raise self.fail(f"unexpected {char!r}: expected a quoted name, `*`, an index or `?`")

    def index_or_slice(self) -> _Index | _Slice:
        parts: list[int | None] = []
        colons = 0
        while True:
            self.skip()
            match = _INT.match(self.text, self.pos)
            if match:
                parts.append(self.index_value(match))
            else:
                parts.append(None)
            self.skip()
            if self.peek(":") and colons < 2:
                self.pos += 1
                colons += 1
                continue
            break
        if colons == 0:
            value = parts[0]
            if value is None:
                raise self.fail("expected an index")
            return _Index(value)
        parts += [None] * (3 - len(parts))
        return _Slice(parts[0], parts[1], parts[2])

    def index_value(self, match: re.Match[str]) -> int:
        """An index or slice bound; RFC 9535 allows only I-JSON integers, and the digits are
        checked before `int()`, which refuses more than 4,300 of them with a ValueError."""
        digits = match.group()
        if len(digits.lstrip("-")) > len(str(MAX_INDEX)) or abs(int(digits)) > MAX_INDEX:
            raise self.fail(
                f"the index {excerpt(digits, 40)} is outside -(2**53-1)..2**53-1, "
                "the range JSONPath allows"
            )
        self.pos = match.end()
        return int(digits)

    def string(self) -> str:
        quote = self.text[self.pos]
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == quote:
                self.pos += 1
                return "".join(out)
            if char == "\\":
                escape = self.text[self.pos + 1 : self.pos + 2]
                if escape == "u":
                    digits = self.text[self.pos + 2 : self.pos + 6]
                    if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                        raise self.fail("bad \\u escape")
                    out.append(chr(int(digits, 16)))
                    self.pos += 6
                    continue
                if escape not in _ESCAPES:
                    raise self.fail(f"bad escape \\{escape}")
                out.append(_ESCAPES[escape])
                self.pos += 2
                continue
            out.append(char)
            self.pos += 1
        raise self.fail("unterminated string", start)

    # --- filter expressions -----------------------------------------------------------------

    def expression(self) -> _Expr:
        items = [self.conjunction()]
        while True:
            self.skip()
            if not self.peek("||"):
                break
            self.pos += 2
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else _Logical("||", tuple(items))

    def conjunction(self) -> _Expr:
        items = [self.unary()]
        while True:
            self.skip()
            if not self.peek("&&"):
                break
            self.pos += 2
            items.append(self.unary())
        return items[0] if len(items) == 1 else _Logical("&&", tuple(items))

    def unary(self) -> _Expr:
        self.skip()
        if self.peek("!") and not self.peek("!="):
            self.pos += 1
            self.enter()
            negated = _Not(self.unary())
            self.nesting -= 1
            return negated
        if self.peek("("):
            self.pos += 1
            self.enter()
            inner = self.expression()
            self.expect(")")
            self.nesting -= 1
            return inner
        start = self.pos
        left = self.operand()
        self.skip()
        for op in ("==", "!=", "<=", ">=", "<", ">"):
            if self.peek(op):
                self.pos += len(op)
                self.skip()
                return _Compare(op, left, self.operand())
        if isinstance(left, _Value):
            raise self.fail("a literal alone is not a test; compare it with `==`", start)
        return _Exists(left)

    def operand(self) -> _Query | _Value:
        self.skip()
        if self.pos >= len(self.text):
            raise self.fail("expected a value")
        char = self.text[self.pos]
        if char in "@$":
            return self.query()
        if char in "'\"":
            return _Value(self.string())
        for word, value in (("true", True), ("false", False), ("null", None)):
            end = self.pos + len(word)
            if self.peek(word) and not self.text[end : end + 1].isalnum():
                self.pos += len(word)
                return _Value(value)
        match = _NUMBER.match(self.text, self.pos)
        if match:
            text = match.group()
            if any(c in text for c in ".eE"):
                self.pos = match.end()
                return _Value(float(text))
            if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:  # int() would raise a ValueError
                raise self.fail(
                    f"an integer of {len(text.lstrip('-')):,} digits (at most "
                    f"{MAX_INTEGER_DIGITS:,})"
                )
            self.pos = match.end()
            return _Value(int(text))
        name = _FUNCTION_NAME.match(self.text, self.pos)
        if name and self.text[name.end() : name.end() + 200].lstrip().startswith("("):
            raise self.fail(f"function {name.group()}() is not supported")
        raise self.fail(f"unexpected {char!r}: expected `@`, `$` or a literal")


# --- evaluation ---------------------------------------------------------------------------------

_NOTHING = object()


class _Budget:
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


def _run(
    query_: _Query, current: Any, root: Any, budget: _Budget
) -> Iterator[tuple[NodePath, Any]]:
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
    selector: _Selector, path: NodePath, value: Any, root: Any, budget: _Budget
) -> Iterator[tuple[NodePath, Any]]:
    if isinstance(selector, _Name):
        if isinstance(value, dict) and selector.name in value:
            yield (*path, selector.name), value[selector.name]
    elif isinstance(selector, _Wildcard):
        yield from _children(path, value)
    elif isinstance(selector, _Index):
        if isinstance(value, list):
            index = selector.index + len(value) if selector.index < 0 else selector.index
            if 0 <= index < len(value):
                yield (*path, index), value[index]
    elif isinstance(selector, _Slice):
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


def _test(expr: _Expr, current: Any, root: Any, budget: _Budget) -> bool:
    if isinstance(expr, _Exists):
        return next(_run(expr.query, current, root, budget), None) is not None
    if isinstance(expr, _Not):
        return not _test(expr.expr, current, root, budget)
    if isinstance(expr, _Logical):
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


def _operand(operand: _Query | _Value, current: Any, root: Any, budget: _Budget) -> Any:
    if isinstance(operand, _Value):
        return operand.value
    nodes = list(_run(operand, current, root, budget))
    return nodes[0][1] if len(nodes) == 1 else _NOTHING


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# Characters of two strings compared per node of the budget: comparing the same long string at
# every node (a YAML alias) costs its length each time.
_CHARACTERS_PER_VISIT = 1024


def _equal(a: Any, b: Any, budget: _Budget) -> bool:
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


def _less(a: Any, b: Any, budget: _Budget) -> bool:
    if _is_number(a) and _is_number(b):
        return bool(a < b)
    if isinstance(a, str) and isinstance(b, str):
        budget.spend(min(len(a), len(b)) // _CHARACTERS_PER_VISIT)
        return a < b
    return False


# --- overlay documents --------------------------------------------------------------------------

INVALID, BAD_PATH, LIMIT = "E701", "E702", "E703"
IGNORED, UNMATCHED, MISFIT = "W701", "W702", "W703"
NOT_FOLLOWED = "I701"  # information only: `extends` is never followed
REFERENCE_NOTE = "I702"  # where a refused `$ref` an update inserted came from
_VERSION = re.compile(r"1\.\d+\.\d+")
_TOP_KEYS = {"overlay", "info", "extends", "actions"}
# An `extends` that names a document elsewhere: a URL (`https:`, `file:`, `//host`), an absolute
# path, or a path through `..`. oagen never follows `extends`, and says so for these.
_LEADS_ELSEWHERE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/|\\)|(?:^|[/\\])\.\.(?:[/\\]|$)")
_ACTION_KEYS = {"target", "description", "update", "remove"}


@dataclass(frozen=True, slots=True)
class Action:
    index: int
    target: JsonPath
    description: str | None
    update: Any
    has_update: bool
    remove: bool


@dataclass(frozen=True, slots=True)
class Overlay:
    file: str  # display name, for diagnostics
    version: str
    title: str | None
    actions: tuple[Action, ...]


def load_overlay(
    path: Path, diagnostics: Diagnostics, sources: Sources | None = None
) -> Overlay | None:
    """Read and check an overlay file; None (with diagnostics) when it cannot be used.

    Pass the run's `Sources` so diagnostics in the overlay file get line numbers.
    """
    problem = spec_file_problem(path)
    if problem is not None:  # say it is the overlay, with an overlay's hint, before any read
        diagnostics.error(
            "E005" if problem.startswith("not a regular") else "E001",
            f"overlay {problem}: {_display(path)}",
            Location(_display(path)),
            "name an overlay file with --overlay FILE or `overlays = [...]` under [tool.oagen]",
        )
        return None
    try:
        if sources is not None:
            sources.name(path)  # a file the user named: read wherever it is
            source = sources.load(path)
        else:
            source = read_source(path, _display(path), diagnostics)
    except LoadError:
        return None
    return parse_overlay(source.data, source.display, diagnostics)


def parse_overlay(data: Any, file: str, diagnostics: Diagnostics) -> Overlay | None:
    """Check an overlay document; None when it has errors (they are in `diagnostics`)."""
    root = Location(file)
    errors_before = sum(1 for d in diagnostics if d.code in (INVALID, BAD_PATH))

    def error(message: str, where: Location, hint: str | None = None) -> None:
        diagnostics.error(INVALID, message, where, hint)

    if not isinstance(data, dict):
        error(f"an overlay must be a mapping, not {_kind(data)}", root)
        return None
    version = data.get("overlay")
    if "overlay" not in data:
        hint = (
            "this is an OpenAPI document; pass it as the spec, and the overlay with --overlay"
            if "openapi" in data or "swagger" in data
            else "start the file with `overlay: 1.0.0`"
        )
        error("not an overlay: no `overlay` version", root, hint)
        return None
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        error(
            f"unsupported overlay version {excerpt(version)}",
            root.child("overlay"),
            "this tool applies Overlay 1.x documents; write `overlay: 1.0.0`",
        )
        return None
    info = data.get("info")
    title: str | None = None
    if not isinstance(info, dict):
        diagnostics.warning(
            IGNORED,
            "the overlay has no `info` object (title and version)",
            root.child("info") if "info" in data else root,
        )
    else:
        title = info.get("title") if isinstance(info.get("title"), str) else None
    if "extends" in data and not isinstance(data["extends"], str):
        diagnostics.warning(
            IGNORED, "`extends` must be a string (a URI); it is ignored", root.child("extends")
        )
    elif _LEADS_ELSEWHERE.search(data.get("extends") or ""):
        diagnostics.info(
            NOT_FOLLOWED,
            f"`extends` names {excerpt(data['extends'])}, which was "
            "not fetched or read: the overlay is applied to the spec oagen was "
            "given",
            root.child("extends"),
            "pass the spec to overlay as the spec "
            "argument (or `spec` in the config); `extends` only documents it",
        )
    for key in data:
        if key not in _TOP_KEYS and not str(key).startswith("x-"):
            diagnostics.warning(
                IGNORED,
                f"unknown overlay field {excerpt(str(key))} is ignored",
                root.child(str(key)),
            )
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        error(
            "`actions` must be a non-empty list",
            root.child("actions") if "actions" in data else root,
        )
        return None
    actions: list[Action] = []
    for index, raw in enumerate(raw_actions):
        where = root.child("actions", index)
        if not isinstance(raw, dict):
            error(f"an action must be a mapping, not {_kind(raw)}", where)
            continue
        target = raw.get("target")
        if not isinstance(target, str) or not target.strip():
            error(
                "an action needs a `target` (a JSONPath such as `$.paths['/pets'].get`)",
                where.child("target") if "target" in raw else where,
            )
            continue
        try:
            compiled = compile_path(target)
        except JsonPathError as exc:
            diagnostics.error(
                BAD_PATH,
                f"invalid JSONPath target: {exc}",
                where.child("target"),
                "targets are RFC 9535 JSONPath: $.paths['/pets'].get, "
                "$..[?(@.operationId == 'listPets')]",
            )
            continue
        remove = raw.get("remove", False)
        if not isinstance(remove, bool):
            error(f"`remove` must be true or false, not {_kind(remove)}", where.child("remove"))
            continue
        if "copy" in raw:
            error(
                "`copy` (Overlay 1.1) is not supported",
                where.child("copy"),
                "use `update` with the value written out",
            )
            continue
        description = raw.get("description")
        if description is not None and not isinstance(description, str):
            diagnostics.warning(
                IGNORED, "an action `description` must be a string", where.child("description")
            )
            description = None
        for key in raw:
            if key not in _ACTION_KEYS and not str(key).startswith("x-"):
                diagnostics.warning(
                    IGNORED,
                    f"unknown action field {excerpt(str(key))} is ignored",
                    where.child(str(key)),
                )
        if not remove and "update" not in raw:
            diagnostics.warning(
                IGNORED,
                "the action has neither `update` nor `remove: true`; it does nothing",
                where,
            )
        actions.append(
            Action(index, compiled, description, raw.get("update"), "update" in raw, remove)
        )
    if sum(1 for d in diagnostics if d.code in (INVALID, BAD_PATH)) > errors_before:
        return None
    return Overlay(file, version, title, tuple(actions))


def apply_overlay(
    document: Any,
    overlay: Overlay,
    diagnostics: Diagnostics,
    updated: list[Action] | None = None,
    *,
    max_visits: int = MAX_OVERLAY_VISITS,
) -> Any:
    """A copy of `document` with each action of `overlay` applied in order; `document` itself
    (with an E703 error) when an action goes past the overlay's limits (its targets visit at
    most `max_visits` nodes together). The actions that inserted something are appended to
    `updated`."""
    copier = _Copier(MAX_COPIED)
    try:
        result = copier.copy(document, 1)
    except OverlayLimitError as exc:
        diagnostics.error(
            LIMIT,
            f"the document is too large to overlay: {exc}",
            Location(overlay.file),
            "apply the overlay to a smaller document",
        )
        return document
    visits = _Visits(max_visits)
    for action in overlay.actions:
        try:
            inserted = _apply(result, action, overlay.file, diagnostics, copier, visits)
        except OverlayLimitError as exc:
            diagnostics.error(
                LIMIT,
                f"action {action.index}: {exc}; the overlay is not applied",
                Location(overlay.file).child("actions", action.index),
                exc.hint,
            )
            return document
        if inserted and updated is not None:
            updated.append(action)
    return result


def apply_overlays(
    document: Any,
    overlays: Sequence[Path],
    diagnostics: Diagnostics,
    sources: Sources | None = None,
) -> Any:
    """`document` with every overlay file applied in order.

    All overlays are loaded and checked first; if any is invalid (errors in `diagnostics`) the
    document is returned unchanged, so nothing is half-applied.
    """
    return _apply_all(document, overlays, diagnostics, sources)[0]


def _apply_all(
    document: Any, overlays: Sequence[Path], diagnostics: Diagnostics, sources: Sources | None
) -> tuple[Any, list[tuple[Overlay, list[Action]]]]:
    """`document` overlaid, with each overlay applied and its actions that updated something
    (none when an overlay is invalid)."""
    loaded = [load_overlay(path, diagnostics, sources) for path in overlays]
    valid = [item for item in loaded if item is not None]
    if len(valid) < len(loaded):
        return document, []
    applied: list[tuple[Overlay, list[Action]]] = []
    for item in valid:
        applied.append((item, []))
        document = apply_overlay(document, item, diagnostics, applied[-1][1])
    return document, applied


def overlay_source(
    source: SourceFile,
    overlays: Sequence[Path],
    diagnostics: Diagnostics,
    sources: Sources | None = None,
) -> SourceFile:
    """`source` with its data overlaid (its text, and so its source map, are the original).

    A `$ref` an update inserts that will not be followed (a URL, an absolute path, a file
    outside the folders `$ref`s may read) is reported where it lands in the spec, whose text
    does not hold it; a note (I702) at the overlay's own line says where it came from."""
    if not overlays:
        return source
    data, applied = _apply_all(source.data, overlays, diagnostics, sources)
    if sources is not None and not diagnostics.has_errors:
        for item, updated in applied:
            _note_unread_references(item.file, updated, source.path.parent, sources, diagnostics)
    return replace(source, data=data)


def _note_unread_references(
    file: str, updated: list[Action], folder: Path, sources: Sources, diagnostics: Diagnostics
) -> None:
    for action in updated:
        where = Location(file).child("actions", action.index, "update")
        for pointer, ref in _references_in(action.update):
            reason = _unread_reason(ref.split("#", 1)[0], folder, sources)
            if reason is not None:
                diagnostics.info(
                    REFERENCE_NOTE,
                    f"action {action.index} inserts the $ref "
                    f"{excerpt(ref)}, which {reason}; it is reported again where "
                    "it lands in the spec",
                    where.child(*pointer, "$ref"),
                    "refer to a file under the spec's folder by a relative path",
                )


def _references_in(update: Any) -> Iterator[tuple[tuple[Key, ...], str]]:
    """(path inside `update`, value) of each `$ref` to another file, outside examples, defaults,
    enums and `x-` extensions (data, not references); each shared node once."""
    seen: set[int] = set()
    stack: list[tuple[tuple[Key, ...], Any]] = [((), update)]
    while stack:
        path, node = stack.pop()
        if not isinstance(node, dict | list) or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, list):
            stack.extend(((*path, index), item) for index, item in enumerate(node))
            continue
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            yield path, ref
        stack.extend(
            ((*path, key), value)
            for key, value in node.items()
            if key not in _DATA_KEYS and not str(key).startswith("x-")
        )


_DATA_KEYS = frozenset(("example", "examples", "default", "enum", "const"))
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


def _unread_reason(file_part: str, folder: Path, sources: Sources) -> str | None:
    """Why the loader will not read the file a `$ref` names (the same rules, without reading
    anything), or None when it may."""
    if _URL.match(file_part):
        return (
            "oagen does not read (a file: URL)"
            if file_part[:5].lower() == "file:"
            else "oagen does not fetch"
        )
    relative = unquote(file_part)
    if "\0" in relative:
        return "oagen does not read (a NUL character)"
    if os.path.isabs(relative):
        return "oagen does not read (an absolute path)"
    if not sources.allows(Path(os.path.realpath(folder / relative))):
        return "lies outside the folder $refs may read"
    return None


def _apply(
    document: Any,
    action: Action,
    file: str,
    diagnostics: Diagnostics,
    copier: _Copier,
    visits: _Visits,
) -> bool:
    """Apply `action` to `document` in place; whether it inserted anything."""
    where = Location(file).child("actions", action.index, "target")
    matches = visits.find(action.target, document)
    if not matches:
        diagnostics.warning(
            UNMATCHED,
            f"target {excerpt(action.target.expression)} matched nothing; the action was skipped",
            where,
            "check the target against the spec; the spec may have changed",
        )
        return False
    if action.remove:
        _remove(document, [path for path, _ in matches], where, diagnostics)
        return False
    if not action.has_update:
        return False
    inserted = False
    misfits: list[tuple[NodePath, Any]] = []  # one warning for all: there may be millions
    for path, node in matches:
        level = len(path) + 1  # the root is level 1, as the loader counts nesting
        if isinstance(node, list):
            items = action.update if isinstance(action.update, list) else [action.update]
            node.extend(copier.copy(item, level + 1) for item in items)
            inserted = True
        elif isinstance(node, dict) and isinstance(action.update, dict):
            _merge(node, action.update, copier, level)
            inserted = True
        else:
            misfits.append((path, node))
    if misfits:
        path, node = misfits[0]
        shown = excerpt(_pointer(path))
        more = (
            f"; {len(misfits) - 1:,} more selected nodes were skipped for the same "
            "reason or the other"
            if len(misfits) > 1
            else ""
        )
        if isinstance(node, dict):
            diagnostics.warning(
                MISFIT,
                f"the target {shown} is an object, so `update` must be "
                f"an object, not {_kind(action.update)}; skipped{more}",
                where,
            )
        else:
            diagnostics.warning(
                MISFIT,
                f"the target {shown} is {_kind(node)}, not an object or "
                f"an array; `update` was skipped{more}",
                where,
                "target the object that contains it and update the key",
            )
    return inserted


class _Visits:
    """Nodes the targets of one overlay may still visit together."""

    def __init__(self, visits: int) -> None:
        self.left = visits
        self.limit = visits

    def find(self, target: JsonPath, document: Any) -> list[tuple[NodePath, Any]]:
        if self.left >= MAX_VISITS:
            budget = _Budget(MAX_VISITS)
        else:
            budget = _Budget(
                self.left, f"the overlay's targets visit more than {self.limit:,} nodes together"
            )
        try:
            return target.find(document, budget=budget)
        finally:
            self.left -= budget.limit - max(budget.left, 0)


def _remove(
    document: Any, paths: list[NodePath], where: Location, diagnostics: Diagnostics
) -> None:
    # Find every parent first: removing one node must not move the others.
    from_dicts: list[tuple[dict[str, Any], str]] = []
    from_lists: dict[int, tuple[list[Any], set[int]]] = {}
    for path in paths:
        if not path:
            diagnostics.warning(
                MISFIT,
                "the target selects the whole document, which cannot be removed; skipped",
                where,
            )
            continue
        parent = _at(document, path[:-1])
        key = path[-1]
        if isinstance(parent, dict) and isinstance(key, str):
            from_dicts.append((parent, key))
        elif isinstance(parent, list) and isinstance(key, int):
            from_lists.setdefault(id(parent), (parent, set()))[1].add(key)
    for mapping, key in from_dicts:
        mapping.pop(key, None)
    for sequence, indexes in from_lists.values():
        sequence[:] = [item for index, item in enumerate(sequence) if index not in indexes]


def _at(document: Any, path: NodePath) -> Any:
    node = document
    for key in path:
        node = node[key]
    return node


def _merge(target: dict[str, Any], update: dict[str, Any], copier: _Copier, level: int) -> None:
    """Merge `update` into `target`, which sits at nesting `level` (see the module's docstring),
    with a work list rather than recursion: an update may nest as deep as the loader allows, and
    contain itself."""
    pending = [(target, update, level)]
    merged: set[tuple[int, int]] = set()  # pairs already merged: a cycle is merged once
    while pending:
        into, source, depth = pending.pop()
        if (id(into), id(source)) in merged:
            continue
        merged.add((id(into), id(source)))
        for key, value in source.items():
            old = into.get(key)
            if isinstance(old, dict) and isinstance(value, dict):
                pending.append((old, value, depth + 1))
            elif isinstance(old, list) and isinstance(value, list):
                old.extend(copier.copy(item, depth + 2) for item in value)
            else:
                into[key] = copier.copy(value, depth + 1)


class _Copier:
    """Deep copies sharing one budget of nodes: a YAML alias bomb (each level an alias list of
    the one below) is a few lines of text but billions of nodes once copied.

    A copy may not nest the document deeper than the loader allows (bounds.MAX_DEPTH): every
    later stage relies on that bound, and a few updates, each within it, stack up past it.
    A node that contains itself (a recursive YAML alias) keeps its cycle, within the copy.
    Work list rather than recursion, so any depth the loader allows copies.
    """

    def __init__(self, budget: int) -> None:
        self.left = budget
        self.limit = budget

    def copy(self, value: Any, level: int) -> Any:
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
            raise OverlayLimitError(
                f"the update would nest the document more than {MAX_DEPTH} levels deep",
                "flatten the update: move inner schemas to components and $ref them",
            )

    def _empty(self, value: Any, ancestors: dict[int, Any]) -> Any:
        self.left -= 1 + len(value)
        if self.left < 0:
            raise OverlayLimitError(
                f"copying values goes past {self.limit:,} nodes (a YAML alias bomb?)"
            )
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


def _pointer(path: NodePath) -> str:
    if not path:
        return "$"
    return "#/" + "/".join(str(k).replace("~", "~0").replace("/", "~1") for k in path)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
