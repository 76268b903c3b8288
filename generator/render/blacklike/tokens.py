"""The statements oagen prints, as the leaves black's line splitter works on.

A unit (a statement, or one element line of an exploded construct) is read into a list of
`Leaf`: its token kind, text and the space before it, plus the few facts black reads from its
syntax tree while splitting (what a bracket belongs to, whether a comma separates call or
definition arguments, whether a token lies in an annotation). The invisible parentheses black puts
around an assignment's value, an annotation, a returned value and imported names are added here,
as black's line generator adds them.

Only a small grammar is read: names, single-line strings, numbers, brackets, `, : = . | -> *`,
a unary minus, `...`, and the statement forms the templates print (assignments, annotated
fields, aliases, `return`, `from ... import`, `def`, calls). Anything else (a comment, another
operator, a keyword in an expression, a triple-quoted or f-string), and anything black would
rewrite before splitting (spaces, quotes, number literals: `normal`), makes `read` raise
`Unreadable`, and the unit goes to black itself.
"""

from __future__ import annotations

import itertools
import keyword
import re

from generator.render.blacklike.leaves import (
    ARGLIST,
    ASYNC,
    ATOM,
    BRACKETS,
    CLOSING,
    COLON,
    COMMA,
    DOT,
    EQUAL,
    IMPORT,
    LBRACE,
    LPAR,
    LSQB,
    MATCHING,
    MINUS,
    NAME,
    NUMBER,
    OPENING,
    OTHER,
    PARAMETERS,
    RARROW,
    RPAR,
    STAR,
    STRING,
    TRAILER,
    TYPEDARGSLIST,
    VBAR,
    Leaf,
    Statement,
    Unreadable,
)
from generator.render.blacklike.normal import check_literals, check_spacing

__all__ = ["Unreadable", "read"]

_KEYWORDS = frozenset({"None", "True", "False", "await", "def", "return", "from", "import"})
_TOKEN = re.compile(
    r"""(?P<space>[ ]*)(?:
      (?P<string>[A-Za-z]{0,2}(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'))
    | (?P<number>\d[\w.]*)
    | (?P<name>[^\W\d]\w*)
    | (?P<compound>==|:=|\*\*|[-*|:]=)
    | (?P<op>->|\.\.\.|[()\[\]{},:=.|*-])
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[Leaf]:
    leaves: list[Leaf] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise Unreadable(text[position : position + 20])
        space = match.group("space")
        if match.group("compound") is not None:
            # Operators made of the characters read here (`==`, `**`, `:=`, `|=`, ...).
            raise Unreadable(match.group("compound"))
        if match.group("string") is not None:
            literal = match.group("string")
            if literal[0] not in "\"'" and literal[: literal.index(literal[-1])].lower() not in (
                "b",
                "r",
                "br",
                "rb",
            ):
                raise Unreadable("string prefix")  # f-strings, u"": black treats them apart
            leaf = Leaf(STRING, literal)
        elif match.group("number") is not None:
            leaf = Leaf(NUMBER, match.group("number"))
        elif match.group("name") is not None:
            word = match.group("name")
            if not word.isascii():
                raise Unreadable(word)
            leaf = Leaf(ASYNC if word == "async" else NAME, word)
        else:
            operator = match.group("op")
            if operator == "...":
                leaves.extend(Leaf(DOT, ".", prefix=space if i == 0 else "") for i in range(3))
                position = match.end()
                continue
            leaf = Leaf(operator, operator)
        leaf.prefix = space
        leaves.append(leaf)
        position = match.end()
    return leaves


def _join(lines: tuple[str, ...]) -> list[Leaf]:
    """The leaves of a unit's lines, one logical line: at a line break the space black would
    put (none after an opening bracket or before a closing one, else one)."""
    leaves: list[Leaf] = []
    for number, line in enumerate(lines):
        found = _tokens(line.strip())
        if not found:
            continue
        if number and leaves:
            found[0].prefix = "" if leaves[-1].kind in OPENING or found[0].kind in CLOSING else " "
        leaves.extend(found)
    if leaves:
        leaves[0].prefix = ""
    return leaves


def _match_brackets(leaves: list[Leaf]) -> dict[int, int]:
    """Index of each opening bracket -> index of its closing one."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for index, leaf in enumerate(leaves):
        if leaf.kind in OPENING:
            stack.append(index)
        elif leaf.kind in CLOSING:
            if not stack or MATCHING[leaves[stack[-1]].kind] != leaf.kind:
                raise Unreadable("unbalanced brackets")
            pairs[stack.pop()] = index
    if stack:
        raise Unreadable("unbalanced brackets")
    return pairs


def _check_words(leaves: list[Leaf]) -> None:
    """Keywords in expressions (comparisons, conditions, lambdas, comprehensions) and adjacent
    strings change black's delimiters in ways not modelled here."""
    for index, leaf in enumerate(leaves):
        if leaf.kind == NAME and keyword.iskeyword(leaf.value) and leaf.value not in _KEYWORDS:
            raise Unreadable(leaf.value)
        if leaf.kind in OPENING and index and leaves[index - 1].kind in (DOT, NUMBER):
            raise Unreadable("a call or subscript of ... or of a number")  # read as displays
        if leaf.kind == LPAR and index and leaves[index - 1].value == "await":
            raise Unreadable("await (")  # black removes parentheses after await
        if leaf.kind == STRING and index and leaves[index - 1].kind == STRING:
            raise Unreadable("implicit concatenation")
        if (
            leaf.kind == MINUS
            and index
            and leaves[index - 1].kind
            not in (
                COLON,
                EQUAL,
                COMMA,
                LPAR,
                LSQB,
                LBRACE,
                VBAR,
            )
        ):
            raise Unreadable("binary minus")


def _check_lone_atoms(leaves: list[Leaf], pairs: dict[int, int]) -> None:
    """A parenthesised expression alone in a list or set display: black makes its parentheses
    invisible (`[(a)]` is laid out as `[a]`), not modelled."""
    for index, leaf in enumerate(leaves[:-1]):
        if (
            leaf.kind in (LSQB, LBRACE)
            and leaf.role == ATOM
            and leaves[index + 1].kind == LPAR
            and pairs[index + 1] == pairs[index] - 1
        ):
            raise Unreadable("a parenthesised expression alone in a display")


def _set_roles(leaves: list[Leaf], pairs: dict[int, int]) -> None:
    """What each bracket belongs to and what each comma separates."""
    owners: list[Leaf] = []  # the opening bracket of each enclosing pair
    for index, leaf in enumerate(leaves):
        if leaf.kind in OPENING:
            previous = leaves[index - 1] if index else None
            follows_value = previous is not None and (
                (previous.kind == NAME and previous.value not in ("return", "import", "await"))
                or previous.kind in CLOSING
                or previous.kind == STRING
            )
            if leaf.kind == LBRACE:
                role = ATOM
            elif (
                leaf.kind == LPAR
                and index >= 2
                and leaves[index - 2].kind == NAME
                and leaves[index - 2].value == "def"
            ):
                role = PARAMETERS
            else:
                role = TRAILER if follows_value else ATOM
            leaf.role = role
            leaves[pairs[index]].role = role
            owners.append(leaf)
        elif leaf.kind in CLOSING:
            owners.pop()
        elif leaf.kind == COMMA:
            owner = owners[-1] if owners else None
            if owner is not None and owner.role == TRAILER and owner.kind == LPAR:
                leaf.role = ARGLIST  # a call's arguments
            elif owner is not None and owner.role == PARAMETERS:
                leaf.role = TYPEDARGSLIST
            else:
                leaf.role = OTHER


def _top_level(leaves: list[Leaf], start: int, end: int, kind: str) -> list[int]:
    depth = 0
    found = []
    for index in range(start, end):
        current = leaves[index].kind
        if current in OPENING:
            depth += 1
        elif current in CLOSING:
            depth -= 1
        elif current == kind and depth == 0:
            found.append(index)
    return found


def _wrap(leaves: list[Leaf], start: int, end: int) -> None:
    """Invisible parentheses around leaves[start:end], as black's `wrap_in_parentheses`: the
    opening one takes the space before the wrapped expression."""
    if start >= end:
        raise Unreadable("nothing to wrap")
    first = leaves[start]
    opening = Leaf(LPAR, "", prefix=first.prefix, role=ATOM)
    closing = Leaf(RPAR, "", prefix="", role=ATOM)
    opening.in_annotation = closing.in_annotation = first.in_annotation
    first.prefix = ""
    leaves.insert(end, closing)
    leaves.insert(start, opening)


def _whole_atom(leaves: list[Leaf], start: int, end: int, pairs: dict[int, int]) -> bool:
    """Whether leaves[start:end] is one parenthesised atom, which black would make invisible
    rather than wrap: not modelled."""
    return leaves[start].kind == LPAR and pairs.get(start) == end - 1


def _is_union(leaves: list[Leaf], start: int, end: int) -> bool:
    return bool(_top_level(leaves, start, end, VBAR))


def _invisible(leaves: list[Leaf], start: int, end: int) -> None:
    """Black's `maybe_make_parens_invisible_in_atom` on the parenthesised leaves[start:end]:
    the parentheses become invisible (an earlier pass of the layout put them there). A tuple,
    an empty pair or nested pairs are not read here."""
    inner_start, inner_end = start + 1, end - 1
    if (
        inner_start >= inner_end
        or _top_level(leaves, inner_start, inner_end, COMMA)
        or leaves[inner_start].kind == LPAR
    ):
        raise Unreadable("a tuple or nested parentheses")
    leaves[start].value = leaves[end - 1].value = ""
    leaves[start].role = leaves[end - 1].role = ATOM


def _wrap_value(leaves: list[Leaf], start: int, end: int, pairs: dict[int, int]) -> None:
    """Black's parentheses after `=`, `:` (an annotated assignment) and `return`: every value
    is wrapped in invisible ones, and a parenthesised value's own become invisible."""
    if start >= end:
        raise Unreadable("no value")
    if _top_level(leaves, start, end, COMMA):
        raise Unreadable("a tuple value")
    if _whole_atom(leaves, start, end, pairs):
        _invisible(leaves, start, end)
    else:
        _wrap(leaves, start, end)


def _annotate(leaves: list[Leaf], start: int, end: int, kind: str) -> None:
    for index in range(start, end):
        leaves[index].in_annotation = kind


def _parameters(
    leaves: list[Leaf], start: int, end: int, pairs: dict[int, int]
) -> list[tuple[int, int]]:
    """The annotations of a parameter list leaves[start:end] (without its brackets), as
    (start, end) ranges: black parenthesises a union or a display there, invisibly."""
    ranges: list[tuple[int, int]] = []
    cuts = [start - 1, *_top_level(leaves, start, end, COMMA), end]
    for left, right in itertools.pairwise(cuts):
        colons = _top_level(leaves, left + 1, right, COLON)
        if not colons:
            continue
        if leaves[left + 1].kind == STAR:
            # Black neither parenthesises nor counts as an annotation a `*args` one.
            raise Unreadable("annotated star parameter")
        equals = _top_level(leaves, colons[0] + 1, right, EQUAL)
        stop = equals[0] if equals else right
        _annotate(leaves, colons[0] + 1, stop, "param")
        ranges.append((colons[0] + 1, stop))
    return ranges


def _wrap_parameter_annotations(
    leaves: list[Leaf], ranges: list[tuple[int, int]], pairs: dict[int, int]
) -> None:
    # Right to left, so the indexes before each insertion stay valid.
    for start, stop in reversed(ranges):
        if _whole_atom(leaves, start, stop, pairs):
            _invisible(leaves, start, stop)
        elif leaves[start].kind in OPENING and pairs.get(start) == stop - 1:
            raise Unreadable("a display as an annotation")
        elif _is_union(leaves, start, stop):
            _wrap(leaves, start, stop)


def read(context: str, lines: tuple[str, ...]) -> Statement:
    """The unit's leaves with black's invisible parentheses, its depth, and whether it stands
    inside brackets (an element of an exploded construct); Unreadable when out of grammar."""
    leaves = _join(lines)
    if not leaves:
        raise Unreadable("empty")
    indent = len(lines[0]) - len(lines[0].lstrip())
    if indent % 4:
        raise Unreadable("indentation")
    _check_words(leaves)
    check_literals(leaves)
    pairs = _match_brackets(leaves)
    _set_roles(leaves, pairs)
    check_spacing(leaves, context)
    _check_lone_atoms(leaves, pairs)
    statement = Statement(leaves, indent // 4, context != "statement")
    if context == "statement":
        _statement(statement, pairs)
    elif context == "parameter":
        if leaves[-1].kind != COMMA:
            raise Unreadable("element without its comma")
        ranges = _parameters(leaves, 0, len(leaves) - 1, pairs)
        _wrap_parameter_annotations(leaves, ranges, pairs)
    elif context not in ("argument", "entry", "item"):
        raise Unreadable(context)
    elif leaves[-1].kind != COMMA:
        raise Unreadable("element without its comma")
    for leaf in statement.leaves:
        leaf.canonical = leaf.prefix
    return statement


def _statement(statement: Statement, pairs: dict[int, int]) -> None:
    leaves = statement.leaves
    first = leaves[0]
    if first.kind == STRING:
        raise Unreadable("a string statement")  # black may read it as a docstring
    if first.kind == ASYNC or (first.kind == NAME and first.value == "def"):
        _definition(statement, pairs)
    elif first.kind == NAME and first.value == "from":
        imports = [
            i for i, leaf in enumerate(leaves) if leaf.kind == NAME and leaf.value == "import"
        ]
        if len(imports) != 1:
            raise Unreadable("import")
        names = imports[0] + 1
        for leaf in leaves[:names]:
            if leaf.kind == DOT:
                leaf.role = IMPORT
        if (
            names < len(leaves)
            and leaves[names].kind == LPAR
            and pairs.get(names) == len(leaves) - 1
        ):
            # Black makes an import's own parentheses invisible, as if it had added them.
            leaves[names].value = leaves[-1].value = ""
        else:
            _wrap(leaves, names, len(leaves))
        if any(leaf.kind in BRACKETS for leaf in leaves[names + 1 : -1]) or names >= len(leaves):
            raise Unreadable("import")
        leaves[names].role = leaves[-1].role = IMPORT
        for leaf in leaves[imports[0] + 1 :]:
            if leaf.kind == COMMA:
                leaf.role = OTHER
        first.role = IMPORT  # black's `Line.is_import`
    elif first.kind == NAME and first.value == "return":
        _wrap_value(leaves, 1, len(leaves), pairs)
    elif first.kind == NAME and first.value in ("import", "class"):
        raise Unreadable(first.value)
    else:
        equals = _top_level(leaves, 0, len(leaves), EQUAL)
        colons = _top_level(leaves, 0, len(leaves), COLON)
        if len(equals) > 1:
            raise Unreadable("chained assignment")
        if colons and (not equals or colons[0] < equals[0]):
            if not _simple_target(leaves, 0, colons[0]):
                raise Unreadable("annotation target")
            stop = equals[0] if equals else len(leaves)
            if equals:
                _wrap_value(leaves, equals[0] + 1, len(leaves), pairs)
            _wrap_value(leaves, colons[0] + 1, stop, pairs)
        elif equals:
            if not _simple_target(leaves, 0, equals[0]):
                raise Unreadable("assignment target")
            _wrap_value(leaves, equals[0] + 1, len(leaves), pairs)
        elif colons:
            raise Unreadable("colon")


def _simple_target(leaves: list[Leaf], start: int, end: int) -> bool:
    """A name or a dotted name: a target black leaves as it is."""
    kinds = [leaf.kind for leaf in leaves[start:end]]
    return (
        bool(kinds)
        and all(kind == (NAME if position % 2 == 0 else DOT) for position, kind in enumerate(kinds))
        and len(kinds) % 2 == 1
    )


def _definition(statement: Statement, pairs: dict[int, int]) -> None:
    leaves = statement.leaves
    start = 1 if leaves[0].kind == ASYNC else 0
    if not (
        len(leaves) > start + 3
        and leaves[start].value == "def"
        and leaves[start + 1].kind == NAME
        and leaves[start + 2].kind == LPAR
    ):
        raise Unreadable("definition")
    opening = start + 2
    closing = pairs[opening]
    if closing == opening + 1:
        raise Unreadable("no parameters")
    # The end: `:` or `: ...` (a stub body stays on the definition's line).
    end = len(leaves)
    if [leaf.kind for leaf in leaves[-4:]] == [COLON, DOT, DOT, DOT]:
        end -= 3
    if leaves[end - 1].kind != COLON:
        raise Unreadable("definition end")
    ranges = _parameters(leaves, opening + 1, closing, pairs)
    after = closing + 1
    if after < end - 1:
        if leaves[after].kind != RARROW:
            raise Unreadable("definition end")
        _annotate(leaves, after + 1, end - 1, "return")
        if leaves[after + 1].kind == STRING:
            raise Unreadable("string return annotation")
        if _whole_atom(leaves, after + 1, end - 1, pairs):
            _invisible(leaves, after + 1, end - 1)
        else:
            _wrap(leaves, after + 1, end - 1)
    elif after != end - 1:
        raise Unreadable("definition end")
    _wrap_parameter_annotations(leaves, ranges, pairs)
