"""The leaves black's line splitter works on: token kinds, the roles brackets and commas play,
and `Unreadable`, raised for whatever the layout here does not model."""

from __future__ import annotations

from dataclasses import dataclass

# Token kinds (black's names for them).
NAME, STRING, NUMBER = "NAME", "STRING", "NUMBER"
LPAR, RPAR, LSQB, RSQB, LBRACE, RBRACE = "(", ")", "[", "]", "{", "}"
COMMA, COLON, EQUAL, DOT, VBAR, RARROW, STAR, MINUS, ASYNC = (
    ",",
    ":",
    "=",
    ".",
    "|",
    "->",
    "*",
    "-",
    "async",
)

OPENING = frozenset({LPAR, LSQB, LBRACE})
CLOSING = frozenset({RPAR, RSQB, RBRACE})
BRACKETS = OPENING | CLOSING
MATCHING = {LPAR: RPAR, LSQB: RSQB, LBRACE: RBRACE}

# What a bracket belongs to, in black's tree: a call or subscript (`trailer`), a display or
# parenthesised expression (`atom`, invisible parentheses included), a definition's parameters,
# or an import's names.
TRAILER, ATOM, PARAMETERS, IMPORT = "trailer", "atom", "parameters", "import"
# What a comma separates: call arguments (black's `arglist`), definition parameters
# (`typedargslist`), anything else.
ARGLIST, TYPEDARGSLIST, OTHER = "arglist", "typedargslist", "other"

# Keywords read here: values, `await`, and the statements' own.


@dataclass(eq=False, slots=True)
class Leaf:
    """One token. `prefix` is the space before it on its line (black mutates it while
    splitting); `canonical` is the space black's whitespace rules give it, used when black
    rebuilds a line from fresh leaves. `depth` and `opening` are set by `Tracker.mark`, on
    whichever line marked the leaf last, as black's are."""

    kind: str
    value: str
    prefix: str = ""
    canonical: str = ""
    role: str = ""  # a bracket's owner, a comma's list, a dot's place ("import" or "")
    in_annotation: str = ""  # "param" or "return" when the leaf lies in an annotation
    depth: int = 0
    opening: Leaf | None = None
    has_parent: bool = True  # commas black adds have no place in its tree

    def __str__(self) -> str:
        return self.prefix + self.value


@dataclass(slots=True)
class Statement:
    leaves: list[Leaf]
    depth: int
    inside_brackets: bool


class Unreadable(Exception):
    """Outside the grammar read here: black lays the unit out."""
