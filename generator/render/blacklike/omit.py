"""When black leaves brackets alone: which trailers a right-hand split glues onto the line
(trying each in turn), and when it drops the optional parentheses around a value, an
annotation or a returned expression in favour of the brackets inside them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.render.black_adapter import LINE_LENGTH
from generator.render.blacklike.leaves import (
    BRACKETS,
    CLOSING,
    COMMA,
    EQUAL,
    OPENING,
    RBRACE,
    RPAR,
    RSQB,
    TRAILER,
    Leaf,
)
from generator.render.blacklike.lines import (
    DOT_PRIORITY,
    Line,
    one_sequence_between,
    short_enough,
)


@dataclass(slots=True)
class Split:
    """A line split at one bracket pair: what comes before the opening bracket (and it), what
    lies between, and the closing bracket with what follows."""

    head: Line
    body: Line
    tail: Line
    opening: Leaf
    closing: Leaf


def prefer_split_without_parens(without: Split, split: Split) -> bool:
    head = split.head.leaves
    if not (len(head) >= 2 and head[-2].kind == EQUAL):
        return True
    if not any(leaf.kind in BRACKETS for leaf in head[:-1]):
        return True
    if not short_enough(split.head, LINE_LENGTH - 1):
        return True
    if split.head.magic_trailing_comma is not None:
        return True
    equals = sum(1 for leaf in head if leaf.kind == EQUAL)
    equals_without = sum(1 for leaf in without.head.leaves if leaf.kind == EQUAL)
    if equals > 1 and equals > equals_without:
        return False
    closing_after_assignment = False
    for leaf in reversed(without.head.leaves):
        if leaf.kind == EQUAL:
            break
        if leaf.kind in CLOSING:
            closing_after_assignment = True
            break
    return closing_after_assignment or (
        any(leaf.kind == EQUAL for leaf in without.head.leaves) and short_enough(without.head)
    )


def can_omit_invisible_parens(split: Split) -> bool:
    line = split.body
    tracker = line.tracker
    if not tracker.delimiters:
        return True
    priority = tracker.max_priority()
    if tracker.count(priority) > 1:
        return False
    if priority == DOT_PRIORITY:
        return True
    first, second = line.leaves[0], line.leaves[1]
    if (
        first.kind in OPENING
        and second.kind not in CLOSING
        and _can_omit_opening_paren(line, first)
    ):
        return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if last.kind == RPAR or last.kind == RBRACE or (last.kind == RSQB and last.role != TRAILER):
        if penultimate.kind in OPENING:
            return False
        if _can_omit_closing_paren(line, last):
            return True
    return False


def _can_omit_opening_paren(line: Line, first: Leaf) -> bool:
    """Whether what follows the bracket `first` closes fits, or can be split again."""
    remainder = False
    length = 4 * line.depth
    for leaf in line.leaves:
        if leaf.kind in CLOSING and leaf.opening is first:
            remainder = True
        if remainder:
            length += len(leaf.prefix) + len(leaf.value)
            if length > LINE_LENGTH:
                return False
            if leaf.kind in OPENING:
                remainder = False
    return True


def _can_omit_closing_paren(line: Line, last: Leaf) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for leaf in line.leaves:
        length += len(leaf.prefix) + len(leaf.value)
        if leaf is last.opening:
            if seen_other_brackets or length <= LINE_LENGTH:
                return True
        elif leaf.kind in OPENING:
            seen_other_brackets = True
    return False


def trailers_to_omit(line: Line) -> Iterator[frozenset[int]]:
    """Growing sets of closing brackets to leave on the line, trailers that fit first."""
    omit: set[int] = set()
    if not line.magic_trailing_comma:
        yield frozenset(omit)
    length = 4 * line.depth
    opening: Leaf | None = None
    closing: Leaf | None = None
    inner: set[int] = set()
    leaves = line.leaves
    for index in range(len(leaves) - 1, -1, -1):
        leaf = leaves[index]
        length += len(leaf.prefix) + len(leaf.value)
        if length > LINE_LENGTH:
            break
        if opening is not None:
            if leaf is opening:
                opening = None
            elif leaf.kind in CLOSING:
                if _has_trailing_comma(leaves, index):
                    break
                inner.add(id(leaf))
        elif leaf.kind in CLOSING:
            previous = leaves[index - 1] if index > 0 else None
            if previous is not None and previous.kind in OPENING:
                inner.add(id(leaf))
                continue
            if closing is not None:
                omit.add(id(closing))
                omit.update(inner)
                inner.clear()
                yield frozenset(omit)
            if _has_trailing_comma(leaves, index):
                break
            if leaf.value:
                opening = leaf.opening
                closing = leaf


def _has_trailing_comma(leaves: list[Leaf], index: int) -> bool:
    """Whether the closing bracket at `index` follows a trailing comma that makes its pair
    explode (not a one-tuple's): such a pair is never glued onto the line."""
    closing = leaves[index]
    return (
        index > 0
        and leaves[index - 1].kind == COMMA
        and closing.opening is not None
        and not one_sequence_between(closing.opening, closing, leaves)
    )
