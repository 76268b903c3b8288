"""A line of leaves and its bracket tracker, as black keeps them while splitting.

Black records, for each leaf it marks, its bracket depth on the line and (for a closing bracket)
its opening bracket, and for the line the delimiters at depth 0 with their priorities. The
splits read these facts, sometimes from the last line that marked a leaf rather than the line
being split; the same objects are kept here so the same facts are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.render.black_adapter import LINE_LENGTH, width
from generator.render.blacklike.leaves import (
    ARGLIST,
    CLOSING,
    COMMA,
    DOT,
    IMPORT,
    LPAR,
    LSQB,
    MATCHING,
    OPENING,
    RBRACE,
    RPAR,
    RSQB,
    TRAILER,
    TYPEDARGSLIST,
    VBAR,
    Leaf,
)

COMMA_PRIORITY = 18
VBAR_PRIORITY = 9
DOT_PRIORITY = 1


def split_before(leaf: Leaf, previous: Leaf | None) -> int:
    """The priority of a break before `leaf` (black's `is_split_before_delimiter`, for the
    tokens read here: a star is always an argument star, a minus always unary)."""
    if leaf.kind == DOT and leaf.role != IMPORT and (previous is None or previous.kind in CLOSING):
        return DOT_PRIORITY
    if leaf.kind == VBAR:
        return VBAR_PRIORITY
    return 0


def split_after(leaf: Leaf) -> int:
    return COMMA_PRIORITY if leaf.kind == COMMA else 0


@dataclass(slots=True)
class Tracker:
    depth: int = 0
    match: dict[tuple[int, str], Leaf] = field(default_factory=dict)
    delimiters: dict[int, int] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=dict)  # delimiters by priority
    previous: Leaf | None = None
    invisible: list[Leaf] = field(default_factory=list)

    def mark(self, leaf: Leaf) -> None:
        if self.depth == 0 and leaf.kind in CLOSING and (0, leaf.kind) not in self.match:
            return
        if leaf.kind in CLOSING:
            self.depth -= 1
            leaf.opening = self.match.pop((self.depth, leaf.kind))
            if not leaf.value:
                self.invisible.append(leaf)
        leaf.depth = self.depth
        if self.depth == 0:
            priority = split_before(leaf, self.previous)
            if priority and self.previous is not None:
                self._delimiter(self.previous, priority)
            else:
                priority = split_after(leaf)
                if priority:
                    self._delimiter(leaf, priority)
        if leaf.kind in OPENING:
            self.match[self.depth, MATCHING[leaf.kind]] = leaf
            self.depth += 1
            if not leaf.value:
                self.invisible.append(leaf)
        self.previous = leaf

    def _delimiter(self, leaf: Leaf, priority: int) -> None:
        replaced = self.delimiters.get(id(leaf))
        if replaced is not None:
            self.counts[replaced] -= 1
        self.delimiters[id(leaf)] = priority
        self.counts[priority] = self.counts.get(priority, 0) + 1

    def max_priority(self, exclude: frozenset[int] = frozenset()) -> int:
        """ValueError when there is no delimiter."""
        return max(value for key, value in self.delimiters.items() if key not in exclude)

    def count(self, priority: int) -> int:
        return self.counts.get(priority, 0)


@dataclass(slots=True)
class Line:
    depth: int = 0
    inside_brackets: bool = False
    should_split_rhs: bool = False
    magic_trailing_comma: Leaf | None = None
    leaves: list[Leaf] = field(default_factory=list)
    tracker: Tracker = field(default_factory=Tracker)

    def append(self, leaf: Leaf, *, preformatted: bool = True, track: bool = False) -> None:
        closing = leaf.kind in CLOSING
        if not closing and leaf.kind not in OPENING and not leaf.value.strip():
            return
        if self.inside_brackets or not preformatted or track:
            self.tracker.mark(leaf)
            if closing and self.has_magic_trailing_comma(leaf):
                self.magic_trailing_comma = leaf
        self.leaves.append(leaf)

    def has_magic_trailing_comma(self, closing: Leaf) -> bool:
        if not (closing.kind in CLOSING and self.leaves and self.leaves[-1].kind == COMMA):
            return False
        if closing.kind == RBRACE:
            return True
        if closing.kind == RSQB:
            return not (
                closing.role == TRAILER
                and closing.opening is not None
                and one_sequence_between(closing.opening, closing, self.leaves, LSQB, RSQB)
            )
        if self.is_import:
            return True
        return closing.opening is not None and not one_sequence_between(
            closing.opening, closing, self.leaves
        )

    @property
    def is_def(self) -> bool:
        if not self.leaves:
            return False
        first = self.leaves[0]
        second = self.leaves[1] if len(self.leaves) > 1 else None
        return (first.kind == "NAME" and first.value == "def") or (
            first.kind == "async" and second is not None and second.value == "def"
        )

    @property
    def is_import(self) -> bool:
        return (
            bool(self.leaves) and self.leaves[0].value == "from" and self.leaves[0].role == IMPORT
        )

    @property
    def is_chained_assignment(self) -> bool:
        return sum(1 for leaf in self.leaves if leaf.kind == "=") > 1

    def clone(self) -> Line:
        return Line(
            depth=self.depth,
            inside_brackets=self.inside_brackets,
            should_split_rhs=self.should_split_rhs,
            magic_trailing_comma=self.magic_trailing_comma,
        )

    def __str__(self) -> str:
        if not self.leaves:
            return "\n"
        first = self.leaves[0]
        rest = "".join(leaf.prefix + leaf.value for leaf in self.leaves[1:])
        return f"{first.prefix}{'    ' * self.depth}{first.value}{rest}\n"

    def __bool__(self) -> bool:
        return bool(self.leaves)


def one_sequence_between(
    opening: Leaf, closing: Leaf, leaves: list[Leaf], left: str = LPAR, right: str = RPAR
) -> bool:
    """Whether the brackets hold at most one element (a one-tuple's comma is not magic)."""
    if (opening.kind, closing.kind) != (left, right):
        return False
    depth = closing.depth + 1
    try:
        start = next(index for index, leaf in enumerate(leaves) if leaf is opening)
    except StopIteration:
        return False
    commas = 0
    for leaf in leaves[start + 1 :]:
        if leaf is closing:
            break
        if leaf.depth == depth and leaf.kind == COMMA:
            commas += 1
            if leaf.has_parent and leaf.role in (ARGLIST, TYPEDARGSLIST):
                commas += 1
                break
    return commas < 2


def line_text(line: Line) -> str:
    return str(line).strip("\n")


def short_enough(line: Line, limit: int = LINE_LENGTH) -> bool:
    return width(line_text(line)) <= limit


def can_be_split(line: Line) -> bool:
    """False when the line surely cannot be split (black's cheap test)."""
    leaves = line.leaves
    if len(leaves) < 2:
        return False
    if leaves[0].kind == "STRING" and leaves[1].kind == DOT:
        calls = dots = 0
        following = leaves[-1]  # black compares each leaf with the last one, not its neighbour
        for leaf in leaves[-2::-1]:
            if leaf.kind in OPENING:
                if following.kind not in CLOSING:
                    return False
                calls += 1
            elif leaf.kind == DOT:
                dots += 1
            elif leaf.kind == "NAME":
                if not (following.kind == DOT or following.kind in OPENING):
                    return False
            elif leaf.kind not in CLOSING:
                return False
            if dots > 1 and calls > 1:
                return False
    return True


def leaves_inside_matching_brackets(leaves: list[Leaf]) -> set[int]:
    """The leaves (by id) between brackets that open and close within `leaves`."""
    try:
        start = next(index for index, leaf in enumerate(leaves) if leaf.kind in OPENING)
    except StopIteration:
        return set()
    ids: set[int] = set()
    stack: list[tuple[str, list[int]]] = []
    for leaf in leaves[start:]:
        if leaf.kind in OPENING:
            stack.append((MATCHING[leaf.kind], [id(leaf)]))
        elif leaf.kind in CLOSING:
            if stack and leaf.kind == stack[-1][0]:
                _, level = stack.pop()
                level.append(id(leaf))
                ids.update(level)
            else:
                break
        elif stack:
            stack[-1][1].append(id(leaf))
    return ids


__all__ = [
    "COMMA_PRIORITY",
    "DOT_PRIORITY",
    "Line",
    "Tracker",
    "can_be_split",
    "leaves_inside_matching_brackets",
    "line_text",
    "one_sequence_between",
    "short_enough",
]
