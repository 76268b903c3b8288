"""Black's layout of one over-long statement, without running black: for the statements oagen's
templates print (see `tokens.read` for the grammar), the lines black's stable style makes of
them; None for anything else, which then goes to black itself."""

from __future__ import annotations

from generator.render.blacklike.lines import Line, line_text
from generator.render.blacklike.split import CannotSplit, transform_line
from generator.render.blacklike.tokens import Unreadable, read

__all__ = ["lay_out"]


def lay_out(context: str, lines: tuple[str, ...]) -> list[str] | None:
    """The unit's lines as black lays them out, or None when it is not read here. `context` is
    `pysource`'s: a whole statement, or an element (parameter, argument, entry, item) of an
    exploded construct. Like black, the layout is made again from the first one's lines when
    that added a comma: a trailing comma can change the second pass's choice. Without one, the
    second pass would read the same leaves and make the same choices."""
    first = _one_pass(context, lines)
    if first is None:
        return None
    laid, added_comma = first
    if not added_comma:
        return laid
    second = _one_pass(context, tuple(laid))
    return None if second is None else second[0]


def _one_pass(context: str, lines: tuple[str, ...]) -> tuple[list[str], bool] | None:
    """The layout, and whether it added a comma."""
    try:
        statement = read(context, lines)
    except Unreadable:
        return None
    line = Line(depth=statement.depth, inside_brackets=statement.inside_brackets)
    for leaf in statement.leaves:
        line.append(leaf, preformatted=False)
    try:
        produced = transform_line(line)
    except (CannotSplit, RecursionError):  # deeper than this splitter goes: black decides
        return None
    added = any(not leaf.has_parent for result in produced for leaf in result.leaves)
    return [line_text(result) for result in produced], added
