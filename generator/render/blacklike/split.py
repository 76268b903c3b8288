"""Black's splitting of an over-long line, for the leaves `tokens.read` gives.

The same decisions as black's stable style (line_length 100, magic trailing commas, no preview
features), written for oagen's small grammar: split on the last bracket pair (omitting trailers
that fit, and optional parentheses when black would), on the delimiters of highest priority
inside brackets, on a definition's parameters first; with black's trailing commas and its
"second opinion" that keeps optional parentheses when the other split leaves a line too long.
Where black's choice reads a leaf's state left by an earlier attempt, so does this code: the
leaves are shared and mutated the same way. `tests/test_blacklike.py` compares the result with
the installed black on every unit of the corpus's clients and on generated ones.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

from generator.render.black_adapter import LINE_LENGTH
from generator.render.blacklike.leaves import (
    ATOM,
    CLOSING,
    COMMA,
    IMPORT,
    LPAR,
    LSQB,
    RARROW,
    RPAR,
    RSQB,
    STRING,
    Leaf,
)
from generator.render.blacklike.lines import (
    COMMA_PRIORITY,
    DOT_PRIORITY,
    Line,
    can_be_split,
    leaves_inside_matching_brackets,
    line_text,
    short_enough,
)
from generator.render.blacklike.omit import (
    Split,
    can_omit_invisible_parens,
    prefer_split_without_parens,
    trailers_to_omit,
)


class CannotSplit(Exception):
    pass


Transform = Callable[[Line, bool], Iterator[Line]]


def transform_line(line: Line, force_parens: bool = False) -> list[Line]:
    """`line` as the lines black makes of it."""
    text = line_text(line)
    if not line.should_split_rhs and not line.magic_trailing_comma and short_enough(line):
        return [line]
    transforms: list[Transform]
    if line.is_def and not _split_definition_on_the_right(line):
        transforms = [left_hand_split]
    elif line.inside_brackets:
        transforms = [delimiter_split, right_hand_split_with_omits]
    else:
        transforms = [right_hand_split_with_omits]
    for transform in transforms:
        try:
            return _run(line, transform, force_parens, text)
        except CannotSplit:
            continue
    return [line]


def _run(line: Line, transform: Transform, force_parens: bool, text: str) -> list[Line]:
    optional = [bracket for bracket in line.tracker.invisible if bracket.depth == 0]
    result: list[Line] = []
    for produced in transform(line, force_parens):
        if line_text(produced) == text:
            raise CannotSplit("unchanged")
        result.extend(transform_line(produced, force_parens))
    if (
        force_parens
        or transform is not right_hand_split_with_omits
        or not line.tracker.invisible
        or any(bracket.value for bracket in optional)
        or short_enough(result[0])
        # A comma added by a split has no place in black's tree, and black then skips this.
        or any(not leaf.has_parent for leaf in line.leaves)
    ):
        return result
    # Black's second opinion: the same split from fresh leaves, keeping optional parentheses.
    copy = line.clone()
    for position, old in enumerate(line.leaves):
        fresh = Leaf(
            old.kind,
            old.value,
            prefix="" if position == 0 else old.canonical,
            canonical=old.canonical,
            role=old.role,
            in_annotation=old.in_annotation,
            has_parent=old.has_parent,
        )
        copy.append(fresh, preformatted=False)
    second = _run(copy, transform, True, text)
    if all(short_enough(produced) for produced in second):
        return second
    return result


def _split_definition_on_the_right(line: Line) -> bool:
    """A magic trailing comma in the return type, or a long string one (`tokens.read` refuses
    both, so this is False for what reaches here; kept for the shape of black's test)."""
    returns: list[Leaf] = []
    inside = False
    for leaf in line.leaves:
        if leaf.kind == ":":
            inside = False
        if inside:
            returns.append(leaf)
        if leaf.kind == RARROW:
            inside = True
    probe = Line(depth=line.depth)
    tracked = leaves_inside_matching_brackets(returns)
    for leaf in returns:
        probe.append(leaf, track=id(leaf) in tracked)
    first_visible = next((leaf for leaf in returns if leaf.value), None)
    return probe.magic_trailing_comma is not None or (
        first_visible is not None and first_visible.kind == STRING and not short_enough(probe)
    )


# --- splits on brackets ---------------------------------------------------------------------


def left_hand_split(line: Line, force_parens: bool) -> Iterator[Line]:
    """A definition: split at its parameters' brackets."""
    matching: Leaf | None = None
    head: list[Leaf] = []
    body: list[Leaf] = []
    tail: list[Leaf] = []
    for kind in (LPAR, LSQB):
        head, body, tail = [], [], []
        current = head
        matching = None
        depth = 0
        for index, leaf in enumerate(line.leaves):
            if index == 2 and leaf.kind == LSQB:
                depth += 1
            elif depth > 0:
                if leaf.kind == LSQB:
                    depth += 1
                elif leaf.kind == RSQB:
                    depth -= 1
            if (
                current is body
                and leaf.kind in CLOSING
                and leaf.opening is matching
                and matching is not None
                and not (kind == LPAR and depth > 0)
            ):
                _visible(leaf)
                _visible(matching)
                current = tail if body else head
            current.append(leaf)
            if current is head and leaf.kind == kind and not (kind == LPAR and depth > 0):
                matching = leaf
                current = body
        if matching is not None and tail:
            break
    if matching is None or not tail:
        raise CannotSplit("no brackets")
    lines = (
        _build(head, line, matching, "head"),
        _build(body, line, matching, "body"),
        _build(tail, line, matching, "tail"),
    )
    _succeeded_or_raise(*lines)
    yield from (produced for produced in lines if produced)


def right_hand_split_with_omits(line: Line, force_parens: bool) -> Iterator[Line]:
    """Split at the last bracket pair, trying to glue trailers that fit onto the line first."""
    first_lines: list[Line] | None = None
    prefix_lengths: dict[int, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        prefix_lengths[id(leaf)] = length
        length += len(leaf.prefix) + len(leaf.value)
    for omit in trailers_to_omit(line):
        if omit:
            target: Leaf | None = None
            for leaf in reversed(line.leaves):
                if leaf.kind in CLOSING and id(leaf) not in omit:
                    target = leaf.opening
                    break
            if (
                target is not None
                and target.value
                and prefix_lengths.get(id(target), 0) > LINE_LENGTH
            ):
                continue
        lines = list(right_hand_split(line, force_parens, omit))
        if first_lines is None and not omit:
            first_lines = lines
        if short_enough(lines[0]):
            yield from lines
            return
    if first_lines is not None:
        yield from first_lines
    else:
        yield from right_hand_split(line, force_parens)


def right_hand_split(
    line: Line, force_parens: bool, omit: frozenset[int] = frozenset()
) -> Iterator[Line]:
    split = _first_right_hand_split(line, omit)
    yield from _maybe_omit_optional_parens(split, line, force_parens, omit)


def _first_right_hand_split(line: Line, omit: frozenset[int] = frozenset()) -> Split:
    tail: list[Leaf] = []
    body: list[Leaf] = []
    head: list[Leaf] = []
    current = tail
    opening: Leaf | None = None
    closing: Leaf | None = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.kind in CLOSING and id(leaf) not in omit:
            opening = leaf.opening
            closing = leaf
            current = body
    if not (opening and closing and head):
        raise CannotSplit("no brackets")
    tail.reverse()
    body.reverse()
    head.reverse()
    split = Split(
        _build(head, line, opening, "head"),
        _build(body, line, opening, "body"),
        _build(tail, line, opening, "tail"),
        opening,
        closing,
    )
    _succeeded_or_raise(split.head, split.body, split.tail)
    return split


def _maybe_omit_optional_parens(
    split: Split, line: Line, force_parens: bool, omit: frozenset[int]
) -> Iterator[Line]:
    if (
        not force_parens
        and split.opening.kind == LPAR
        and not split.opening.value
        and split.closing.kind == RPAR
        and not split.closing.value
        and not line.is_import
        and can_omit_invisible_parens(split)
    ):
        omit = frozenset({id(split.closing), *omit})
        try:
            without = _first_right_hand_split(line, omit)
            if prefer_split_without_parens(without, split):
                yield from _maybe_omit_optional_parens(without, line, force_parens, omit)
                return
        except CannotSplit as error:
            if line.is_chained_assignment:
                pass
            elif not can_be_split(split.body) and not short_enough(split.body):
                raise CannotSplit("the body is still too long and cannot be split") from error
    _visible(split.opening)
    _visible(split.closing)
    for produced in (split.head, split.body, split.tail):
        if produced:
            yield produced


def _build(leaves: list[Leaf], original: Line, opening: Leaf, component: str) -> Line:
    result = Line(depth=original.depth)
    if component == "body":
        result.inside_brackets = True
        result.depth += 1
        if _ensure_trailing_comma(leaves, original, opening):
            for index in range(len(leaves) - 1, -1, -1):
                if leaves[index].kind != COMMA:
                    leaves.insert(index + 1, Leaf(COMMA, ",", has_parent=False))
                break
    tracked = leaves_inside_matching_brackets(leaves) if component == "head" else set()
    for leaf in leaves:
        result.append(leaf, track=id(leaf) in tracked)
    if component == "body" and _should_split(result, opening):
        result.should_split_rhs = True
    return result


def _ensure_trailing_comma(leaves: list[Leaf], original: Line, opening: Leaf) -> bool:
    if not leaves:
        return False
    if original.is_import:
        return True
    if not original.is_def or opening.value != "(":
        return False
    if any(leaf.kind == COMMA and not leaf.in_annotation for leaf in leaves):
        return False
    first = next((leaf for leaf in leaves if leaf.has_parent), None)
    if first is None:
        return True
    # Black also declines when that leaf's expression is followed by `|`; a parameter list
    # never starts with one.
    return first.in_annotation != "return"


def _should_split(line: Line, opening: Leaf) -> bool:
    """Whether a body must explode one element per line: commas and a magic trailing one, or
    a display's (or an import's) commas."""
    if opening.value not in "[{(":
        return False
    trailing_comma = False
    try:
        last = line.leaves[-1]
        exclude: frozenset[int] = frozenset()
        if last.kind == COMMA:
            trailing_comma = True
            exclude = frozenset({id(last)})
        priority = line.tracker.max_priority(exclude)
    except (IndexError, ValueError):
        return False
    return priority == COMMA_PRIORITY and (
        trailing_comma or opening.role in (ATOM, IMPORT)  # a display's, or an import's
    )


def _succeeded_or_raise(head: Line, body: Line, tail: Line) -> None:
    tail_length = len(str(tail).strip())
    if not body:
        if tail_length == 0:
            raise CannotSplit("the split gave the same line")
        if tail_length < 3:
            raise CannotSplit("an empty body for less than three characters")


def _visible(leaf: Leaf) -> None:
    if leaf.kind == LPAR:
        leaf.value = "("
    elif leaf.kind == RPAR:
        leaf.value = ")"


# --- splits on delimiters -------------------------------------------------------------------


def delimiter_split(line: Line, force_parens: bool) -> Iterator[Line]:
    """Inside brackets: one line per delimiter of the highest priority, with a trailing comma
    when the delimiters are commas. Each line's first leaf loses the space before it."""
    for produced in _delimiter_split(line):
        produced.leaves[0].prefix = ""
        yield produced


def _delimiter_split(line: Line) -> Iterator[Line]:
    if not line.leaves:
        raise CannotSplit("empty line")
    last = line.leaves[-1]
    tracker = line.tracker
    try:
        priority = tracker.max_priority(frozenset({id(last)}))
    except ValueError:
        raise CannotSplit("no delimiters") from None
    if priority == DOT_PRIORITY and tracker.count(priority) == 1:
        raise CannotSplit("a single attribute access")
    current = Line(depth=line.depth, inside_brackets=line.inside_brackets)
    lowest = sys.maxsize
    for leaf in line.leaves:
        current.append(leaf)
        lowest = min(lowest, leaf.depth)
        if tracker.delimiters.get(id(leaf)) == priority:
            yield current
            current = Line(depth=line.depth, inside_brackets=line.inside_brackets)
    if current:
        if priority == COMMA_PRIORITY and current.leaves[-1].kind != COMMA:
            current.append(Leaf(COMMA, ",", has_parent=False))
        yield current
