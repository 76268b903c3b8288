"""Whether a unit's tokens are already as black writes them: the spaces between them, string
quotes, prefixes and hex escapes, number literals. Black rewrites these before it splits; the
splitter here does not, so `tokens.read` refuses a unit that any of them would change (the
templates print them in black's form; a unit that is not goes to black).
"""

from __future__ import annotations

import re

from generator.render.blacklike.leaves import (
    CLOSING,
    COLON,
    COMMA,
    DOT,
    EQUAL,
    LPAR,
    LSQB,
    MINUS,
    NAME,
    NUMBER,
    OPENING,
    PARAMETERS,
    STAR,
    STRING,
    TRAILER,
    Leaf,
    Unreadable,
)

# Numbers black leaves as they are: digits, with a fraction that has digits on both sides of
# its point (`1.` becomes `1.0`, exponents and other bases change case or lose a `+`).
_PLAIN_NUMBER = re.compile(r"\d[\d_]*(?:\.\d[\d_]*)?")
# Prefixes black's `normalize_string_prefix` leaves alone (it lowercases B and U, drops u, and
# writes `br` as `rb`).
_PLAIN_PREFIXES = frozenset({"", "b", "r", "rb"})
# A hex or named escape: black writes the hex digits in lower case, the name in upper case.
_ESCAPE = re.compile(
    r"(\\+)(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|N\{([a-zA-Z0-9 \-]{2,})\})"
)
# Words after which an opening bracket or a dot starts a new expression (black spaces them).
_STATEMENT_WORDS = frozenset({"return", "await", "import", "from", "def", "async"})


def check_literals(leaves: list[Leaf]) -> None:
    for index, leaf in enumerate(leaves):
        if leaf.kind == NUMBER:
            if _PLAIN_NUMBER.fullmatch(leaf.value) is None:
                raise Unreadable("number black rewrites")
            if index + 1 < len(leaves) and leaves[index + 1].kind == DOT:
                raise Unreadable("attribute of a number")  # black parenthesises the number
        elif leaf.kind == STRING and not _plain_string(leaf.value):
            raise Unreadable("string black rewrites")


def _plain_string(literal: str) -> bool:
    """Whether black's `normalize_string_quotes` leaves `literal` (single-line, not an f-string)
    as it is: double quotes unless they would need more escapes, no needless escapes."""
    if literal[0] == '"' and "\\" not in literal:
        return True  # most literals: double quotes, nothing escaped, nothing to change
    quote_at = min(position for position in (literal.find('"'), literal.find("'")) if position >= 0)
    prefix, quote = literal[:quote_at], literal[quote_at]
    if prefix not in _PLAIN_PREFIXES:
        return False
    other = "'" if quote == '"' else '"'
    body = literal[quote_at + 1 : -1]
    unescaped_other = re.compile(rf"(([^\\]|^)(\\\\)*){other}")
    escaped_other = re.compile(rf"([^\\]|^)\\((?:\\\\)*){other}")
    escaped_own = re.compile(rf"([^\\]|^)\\((?:\\\\)*){quote}")
    if "r" not in prefix and not _escapes_as_black_writes(body):
        return False
    if "r" in prefix:
        if unescaped_other.search(body):
            return True
        new_body = body
    else:
        if _twice(escaped_other, rf"\1\2{other}", body) != body:
            return False  # a needless escape black removes
        new_body = _twice(escaped_own, rf"\1\2{quote}", body)
        new_body = _twice(unescaped_other, rf"\1\\{other}", new_body)
    escapes, new_escapes = body.count("\\"), new_body.count("\\")
    if new_escapes > escapes:
        return True
    return new_escapes == escapes and quote == '"'


def _escapes_as_black_writes(body: str) -> bool:
    for match in _ESCAPE.finditer(body):
        if len(match.group(1)) % 2 == 0:
            continue  # an escaped backslash, then text
        digits = match.group(2) or match.group(3) or match.group(4)
        if digits is not None and digits != digits.lower():
            return False
        name = match.group(5)
        if name is not None and name != name.upper():
            return False
    return True


def _twice(pattern: re.Pattern[str], replacement: str, text: str) -> str:
    return pattern.sub(replacement, pattern.sub(replacement, text))


def check_spacing(leaves: list[Leaf], context: str) -> None:
    """Each leaf's space is the one black's whitespace rules give it, for the grammar read here;
    a unary star is the only star read, and a colon in a subscript (a slice) is not read."""
    owners: list[Leaf] = []
    annotated: list[bool] = [False]  # per bracket level: a colon since the last comma
    previous: Leaf | None = None
    for leaf in leaves:
        owner = owners[-1] if owners else None
        if leaf.kind == STAR and previous is not None and previous.kind not in (*OPENING, COMMA):
            raise Unreadable("binary star")
        if leaf.kind == STAR and owner is not None and owner.kind == LSQB:
            raise Unreadable("star in a subscript")
        if leaf.kind == COLON:
            if owner is not None and owner.kind == LSQB:
                raise Unreadable("slice")
            annotated[-1] = True
        elif leaf.kind == COMMA:
            annotated[-1] = False
        if previous is not None and leaf.prefix != _space(
            previous, leaf, owner, context, annotated[-1]
        ):
            raise Unreadable("spacing black changes")
        if leaf.kind in OPENING:
            owners.append(leaf)
            annotated.append(False)
        elif leaf.kind in CLOSING:
            owners.pop()
            annotated.pop()
        previous = leaf


def _space(previous: Leaf, leaf: Leaf, owner: Leaf | None, context: str, annotated: bool) -> str:
    kind, before = leaf.kind, previous.kind
    if kind in CLOSING or kind in (COMMA, COLON) or before in OPENING:
        return ""
    if kind in (LPAR, LSQB) and leaf.role in (TRAILER, PARAMETERS):
        return ""
    if before == DOT:
        return " " if kind == NAME and leaf.value == "import" else ""
    if kind == DOT:
        attribute = before in (STRING, *CLOSING, DOT) or (
            before == NAME and previous.value not in _STATEMENT_WORDS
        )
        return "" if attribute else " "
    if before in (MINUS, STAR):
        return ""
    if EQUAL in (kind, before):
        return " " if _spaced_equal(owner, context, annotated) else ""
    return " "


def _spaced_equal(owner: Leaf | None, context: str, annotated: bool) -> bool:
    """An assignment's `=` and an annotated parameter's default are spaced, a keyword
    argument's and a plain parameter's default are not."""
    if owner is None:
        if context == "statement":
            return True
        if context == "argument":
            return False
        if context == "parameter":
            return annotated
        raise Unreadable("= in an element")
    if owner.kind == LPAR and owner.role == TRAILER:
        return False
    if owner.role == PARAMETERS:
        return annotated
    raise Unreadable("= in brackets")
