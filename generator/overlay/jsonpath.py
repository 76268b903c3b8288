"""JSONPath (RFC 9535) for overlay targets: parsed by jsonpath-rfc9535, selected by oagen.

The grammar is the RFC's, checked by a library that passes its compliance suite: names, escapes
and surrogate pairs, I-JSON indexes (at most 2**53-1 either way), slices, filters with `==`,
`!=`, `<`, `<=`, `>`, `>=`, `!`, `&&`, `||`, parentheses, `@`- and `$`-rooted queries, and string,
number, `true`, `false`, `null` literals. A name outside the shorthand's characters is written
in brackets: `$.info['x-logo']`, `$.paths['/pets']`. Function extensions (`length()`, `match()`,
...) are refused, so no regular expression from an overlay ever runs.

What the library is handed is bounded first (its parser recurses per level of nesting, and
turns integer literals into Python numbers): at most MAX_TARGET_LENGTH characters and
MAX_OPERATORS `&&`/`||`, brackets, parentheses and `!` nested at most MAX_NESTING deep, integers
of at most MAX_INTEGER_DIGITS digits. Selection is oagen's own (`jsonpath_select`), which pays
every visit and comparison from a budget; the library has no such bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonpath_rfc9535 as rfc9535
from jsonpath_rfc9535 import filter_expressions as fx
from jsonpath_rfc9535 import segments as sg
from jsonpath_rfc9535 import selectors as sl

from generator.diagnostics import excerpt
from generator.load.bounds import MAX_INTEGER_DIGITS
from generator.overlay.select import (
    MAX_VISITS,
    Budget,
    Compare,
    Exists,
    Expr,
    Filter,
    Index,
    Logical,
    Name,
    NodePath,
    Not,
    Query,
    Segment,
    Selector,
    Slice,
    Value,
    Wildcard,
    find,
)

__all__ = ["MAX_INDEX", "MAX_NESTING", "JsonPath", "JsonPathError", "compile_path", "query"]

MAX_NESTING = 32  # filters and parentheses inside each other; real targets nest two or three
MAX_TARGET_LENGTH = 10_000  # characters; real targets have tens
MAX_OPERATORS = 100  # `&&` and `||` in one target: the parser recurses once per operator
MAX_INDEX = 2**53 - 1  # RFC 9535: indexes and slice bounds are I-JSON integers


class JsonPathError(ValueError):
    """A JSONPath expression that cannot be parsed; `position` is the 0-based offset."""

    def __init__(self, message: str, expression: str, position: int) -> None:
        super().__init__(f"{message} at position {position + 1} of {excerpt(expression)}")
        self.reason = message
        self.expression = expression
        self.position = position


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A compiled JSONPath query."""

    expression: str
    query: Query

    def find(
        self, document: Any, max_visits: int = MAX_VISITS, *, budget: Budget | None = None
    ) -> list[tuple[NodePath, Any]]:
        """Each selected node as (path from the root, value), in the order first reached, no
        repeats. Raises OverlayLimitError past `max_visits` nodes visited."""
        return find(self.query, document, budget or Budget(max_visits))


class _Environment(rfc9535.JSONPathEnvironment):
    """RFC 9535 without function extensions: none is registered, so none parses."""

    max_int_index = MAX_INDEX
    min_int_index = -MAX_INDEX

    def setup_function_extensions(self) -> None:
        pass


_ENVIRONMENT = _Environment()


def compile_path(expression: str) -> JsonPath:
    """Parse a JSONPath expression; raises `JsonPathError`."""
    _check_bounds(expression)
    try:
        parsed = _ENVIRONMENT.compile(expression)
    except rfc9535.JSONPathNameError as exc:
        raise JsonPathError(
            "function extensions (length(), match(), ...) are not supported",
            expression,
            _position(exc),
        ) from None
    except rfc9535.JSONPathIndexError as exc:
        digits = exc.token.value if exc.token is not None else expression
        raise _outside(expression, digits, _position(exc)) from None
    except rfc9535.JSONPathError as exc:
        raise JsonPathError(str(exc.args[0]), expression, _position(exc)) from None
    except (ValueError, OverflowError):  # a literal past what a float holds (1e999)
        raise JsonPathError("a number outside the range JSON allows", expression, 0) from None
    return JsonPath(expression, _query(parsed.segments, expression, absolute=True))


def query(expression: str, document: Any) -> list[Any]:
    """The values `expression` selects in `document`."""
    return [value for _, value in compile_path(expression).find(document)]


def _position(exc: rfc9535.JSONPathError) -> int:
    return exc.token.index if exc.token is not None else 0


def _outside(expression: str, digits: str, position: int) -> JsonPathError:
    return JsonPathError(
        f"the index {excerpt(digits, 40)} is outside -(2**53-1)..2**53-1, the range JSONPath "
        "allows",
        expression,
        position,
    )


def _check_bounds(expression: str) -> None:
    """Refuse what would make the parser recurse deeply or `int()` fail, before it runs."""
    depth = negations = operators = 0
    quote: str | None = None
    position = 0
    while position < len(expression):
        char = expression[position]
        if quote is not None:
            if char == "\\":
                position += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in "[(" or (char == "!" and expression[position + 1 : position + 2] != "="):
            depth += char in "[("
            negations = negations + 1 if char == "!" else 0
            if depth + negations > MAX_NESTING:
                raise JsonPathError(
                    f"filters and parentheses nest more than {MAX_NESTING} deep",
                    expression,
                    position,
                )
        elif char in "])":
            depth -= 1
        elif char in "&|" and expression[position + 1 : position + 2] == char:
            operators += 1
            if operators > MAX_OPERATORS:
                raise JsonPathError(
                    f"more than {MAX_OPERATORS} `&&` and `||` in one target", expression, position
                )
            position += 2
            continue
        elif char.isdigit() and not _inside_word(expression, position):
            position = _check_digits(expression, position)
            continue
        elif not char.isspace():
            negations = 0
        position += 1
    if len(expression) > MAX_TARGET_LENGTH:
        raise JsonPathError(
            f"a target of {len(expression):,} characters (at most {MAX_TARGET_LENGTH:,})",
            expression,
            0,
        )


def _inside_word(expression: str, position: int) -> bool:
    """Whether the digit at `position` continues a name, a number or a fraction."""
    before = expression[position - 1] if position else ""
    return before.isalnum() or before in "._"


def _check_digits(expression: str, start: int) -> int:
    end = start
    while end < len(expression) and expression[end].isdigit():
        end += 1
    digits = end - start
    before = expression[:start].rstrip("-").rstrip()
    if before.endswith(("[", ",", ":")):  # an index or a slice bound
        if digits > len(str(MAX_INDEX)):
            raise _outside(expression, expression[start:end], start)
    elif digits > MAX_INTEGER_DIGITS and expression[end : end + 1] not in (".", "e", "E"):
        raise JsonPathError(
            f"an integer of {digits:,} digits (at most {MAX_INTEGER_DIGITS:,})", expression, start
        )
    return end


# --- the parsed query as oagen's selection data -------------------------------------------------


def _query(segments: tuple[sg.JSONPathSegment, ...], source: str, *, absolute: bool) -> Query:
    return Query(
        absolute,
        tuple(
            Segment(
                isinstance(segment, sg.JSONPathRecursiveDescentSegment),
                tuple(_selector(selector, source) for selector in segment.selectors),
            )
            for segment in segments
        ),
    )


def _selector(selector: sl.JSONPathSelector, source: str) -> Selector:
    if isinstance(selector, sl.NameSelector):
        return Name(selector.name)
    if isinstance(selector, sl.IndexSelector):
        return Index(selector.index)
    if isinstance(selector, sl.SliceSelector):
        return Slice(selector.slice.start, selector.slice.stop, selector.slice.step)
    if isinstance(selector, sl.WildcardSelector):
        return Wildcard()
    if isinstance(selector, sl.FilterSelector):
        return Filter(_expression(selector.expression.expression, source))
    raise TypeError(f"a selector oagen does not know: {type(selector).__name__}")


def _expression(expression: fx.Expression, source: str) -> Expr:
    if isinstance(expression, fx.LogicalExpression):
        # `a || b || ...` is a chain down the left: walked, not recursed (its length is the
        # target's, and each link is one item of a flat Logical).
        items: list[fx.Expression] = []
        node: fx.Expression = expression
        while isinstance(node, fx.LogicalExpression) and node.operator == expression.operator:
            items.append(node.right)
            node = node.left
        items.append(node)
        return Logical(
            expression.operator, tuple(_expression(item, source) for item in reversed(items))
        )
    if isinstance(expression, fx.PrefixExpression):
        return Not(_expression(expression.right, source))
    if isinstance(expression, fx.ComparisonExpression):
        return Compare(
            expression.operator,
            _operand(expression.left, source),
            _operand(expression.right, source),
        )
    if isinstance(expression, fx.FilterQuery):
        return Exists(_filter_query(expression, source))
    raise _not_comparable(expression, source)


def _operand(expression: fx.Expression, source: str) -> Query | Value:
    if isinstance(expression, fx.FilterQuery):
        return _filter_query(expression, source)
    if isinstance(expression, fx.FilterExpressionLiteral):
        return Value(expression.value)
    raise _not_comparable(expression, source)


def _filter_query(expression: fx.FilterQuery, source: str) -> Query:
    absolute = isinstance(expression, fx.RootFilterQuery)
    return _query(expression.query.segments, source, absolute=absolute)


def _not_comparable(expression: fx.Expression, source: str) -> JsonPathError:
    # RFC 9535 compares only literals and single-node queries: `!@.a == 1` and `@.a == 1 == 2`
    # are not filters, though the parser builds them.
    return JsonPathError(
        "only a literal or a query for one node can be compared", source, expression.token.index
    )
