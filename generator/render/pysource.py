"""Python source in black's style, written directly: black is the slowest stage of a generation
(about 25 s for the 1,000 files of a large spec, 9 s even when they are already formatted), so the
built-in templates emit black's output themselves and black only sees what they cannot lay out.

The pieces a template cannot know are produced here: string literals with black's choice of
quotes, docstrings normalised as black normalises them, import lines split as black splits
them. `finish_all` then lays out each statement (or element line) over the limit, with
`blacklike` (black's splitting decisions, without black) or, for what that does not read, with
black itself, wrapped at its own indentation, and splices the layout back in. Tests run black over
generated packages (showcase, corpus, random hostile specs) and require it to change nothing.
"""

from __future__ import annotations

import keyword
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from generator.render import black_adapter, blacklike
from generator.render.black_adapter import width

LINE_LENGTH = black_adapter.LINE_LENGTH
_INDENT = "    "

# Control characters (but newline and tab), C1 controls (U+0085 is a line break to
# str.splitlines, which black uses on docstrings), the Unicode line and paragraph separators, and
# lone surrogates cannot stand raw in a docstring; they are shown as escapes in the text.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def pystr(value: object) -> str:
    """A string literal as black writes it: double quotes unless single quotes need fewer
    escapes. `repr` escapes everything but the quote characters, so each side of a split on one
    quote character is repr'd and the other quote character is escaped by hand."""
    text = str(value)
    if text.count('"') <= text.count("'"):
        body = "'".join(repr(part)[1:-1].replace('"', '\\"') for part in text.split("'"))
        return f'"{body}"'
    body = '"'.join(repr(part)[1:-1].replace("'", "\\'") for part in text.split('"'))
    return f"'{body}'"


def pytuple(items: Iterable[str]) -> str:
    """A tuple display of already-printed items; one item keeps its comma, which black never
    treats as magic."""
    listed = list(items)
    if len(listed) == 1:
        return f"({listed[0]},)"
    return f"({', '.join(listed)})"


def _escape_unprintable(char: str) -> str:
    """Shown as text (`\\x00`), not turned back into the character when the module loads."""
    code = ord(char)
    return f"\\\\x{code:02x}" if code < 0x100 else f"\\\\u{code:04x}"


def doc_text(value: object) -> str:
    """Text safe between triple double quotes: backslashes doubled, `\"\"\"` escaped, tabs as
    spaces, unprintables escaped."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\\", "\\\\")
    text = text.replace('"""', '\\"\\"\\"').replace("\t", _INDENT)
    return _UNPRINTABLE.sub(lambda match: _escape_unprintable(match.group()), text)


def _pad_quotes(text: str) -> str:
    """A quote character next to the delimiters would merge with them; black pads it."""
    if text.startswith('"'):
        text = " " + text
    if text.endswith('"'):
        text += " "
    return text


def attribute_doc(value: object, indent: int = 0) -> str:
    """A string statement that is not a docstring to black (after a field or an alias): black
    leaves its text alone, so lines after the first are simply indented to the statement."""
    lines = [line.rstrip() for line in doc_text(value).strip("\n").split("\n")]
    pad = " " * indent
    text = "\n".join([lines[0]] + [pad + line if line else "" for line in lines[1:]])
    return f'"""{_pad_quotes(text)}"""'


def docstring(value: object, indent: int = 0, *, closing_line: bool = False) -> str:
    """A module, class or function docstring exactly as black leaves it: first line stripped,
    the common indentation of the others replaced by the statement's, trailing spaces dropped,
    and the closing quotes on their own line when `closing_line` asks for it or the last line
    would otherwise pass the line limit. Mirrors black's `visit_STRING` docstring handling."""
    prefix = " " * indent
    text = doc_text(value).strip()
    if closing_line:
        text += "\n"
    lines = text.split("\n")
    common = min(
        (len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=sys.maxsize
    )
    kept = [lines[0].strip()]
    if common < sys.maxsize:
        last = len(lines) - 2
        for index, line in enumerate(lines[1:]):
            stripped = line[common:].rstrip()
            kept.append(prefix + stripped if stripped or index == last else "")
    body = "\n".join(kept)
    body = _pad_quotes(body) if body else " "
    shown = body.splitlines()
    last_length = len(shown[-1]) if not body.endswith("\n") else 0
    if len(shown) > 1 and last_length + 3 > LINE_LENGTH:
        return f'"""{body}\n{prefix}"""'
    return f'"""{body}"""'


def from_import(module: str, names: Iterable[str], indent: int = 0) -> str:
    """`from module import a, b` on one line when it fits, else one name per line with a
    trailing comma, which is how black splits an import."""
    listed = list(names)
    pad = " " * indent
    line = f"{pad}from {module} import {', '.join(listed)}"
    if width(line) <= LINE_LENGTH:
        return line
    inner = "".join(f"{pad}{_INDENT}{name},\n" for name in listed)
    return f"{pad}from {module} import (\n{inner}{pad})"


def assign_call(target: str, function: str, argument: str, indent: int = 0) -> str:
    """`target = function(argument)` as black lays it out: on one line, else split inside the
    call, else the call in parentheses on a line of its own."""
    pad = " " * indent
    call = f"{function}({argument})"
    line = f"{pad}{target} = {call}"
    if width(line) <= LINE_LENGTH:
        return line
    split = f"{pad}{target} = {function}(\n{pad}{_INDENT}{argument}\n{pad})"
    head_fits = width(f"{pad}{target} = {function}(") <= LINE_LENGTH
    if head_fits and len(pad) + len(_INDENT) + width(argument) <= LINE_LENGTH:
        return split
    if len(pad) + len(_INDENT) + width(call) <= LINE_LENGTH:  # the whole call in parentheses
        return f"{pad}{target} = (\n{pad}{_INDENT}{call}\n{pad})"
    return split  # a line still over the limit: finish_all has black lay the statement out


# --- the statements black still lays out ------------------------------------------------------

_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_OPENING = str.maketrans("", "", "([{")
_CLOSING = str.maketrans("", "", ")]}")


def _bracket_change(line: str) -> int:
    if '"' not in line and "'" not in line and "#" not in line:  # most lines: no text to skip
        return (
            line.count("(")
            + line.count("[")
            + line.count("{")
            - line.count(")")
            - line.count("]")
            - line.count("}")
        )
    code = _STRING.sub("", line)
    if "#" in code:
        code = code[: code.index("#")]
    return (len(code) - len(code.translate(_OPENING))) - (len(code) - len(code.translate(_CLOSING)))


# Where a unit stands: a whole statement, or one element line of a construct the templates
# explode (black keeps those exploded for their trailing comma, and lays each element out alone).
STATEMENT, PARAMETER, ARGUMENT, ENTRY, ITEM = "statement", "parameter", "argument", "entry", "item"


class Unit(NamedTuple):
    first: int  # line indexes, inclusive
    last: int
    context: str


def _element_context(opener: str) -> str:
    code = _STRING.sub("", opener).rstrip()
    if code.endswith("{"):
        return ENTRY
    if code.endswith("["):
        return ITEM
    if code.lstrip().startswith(("def ", "async def ")):
        return PARAMETER
    return ARGUMENT


def long_units(lines: list[str]) -> list[Unit]:
    """The units black must lay out: each code line over the limit, as the element of an
    exploded construct when it is one (a whole line of a construct opened by the line before
    it at the next indentation), else as its whole statement. Lines of docstrings (triple-quoted
    strings that open a line) are text, never split by black."""
    units: list[Unit] = []
    depth = 0
    start = 0
    openers: list[int] = []  # line index that opened each enclosing bracket level
    whole = False
    in_text = False
    for index, line in enumerate(lines):
        if in_text:
            in_text = '"""' not in line
            continue
        stripped = line.lstrip()
        if depth == 0 and stripped.startswith('"""'):
            in_text = '"""' not in stripped[3:]
            continue
        if depth == 0:
            start, whole = index, False
        change = _bracket_change(line)
        if width(line) > LINE_LENGTH and not whole:
            opener = lines[openers[-1]] if openers else ""
            element = (
                depth > 0
                and change == 0
                and line.rstrip().endswith(",")
                and len(line) - len(stripped) == len(opener) - len(opener.lstrip()) + 4
            )
            if element:
                units.append(Unit(index, index, _element_context(opener)))
            else:
                whole = True
        if change > 0:
            openers.extend([index] * change)
        elif change < 0:
            del openers[len(openers) + change :]
        depth = max(depth + change, 0)
        if depth == 0:
            openers.clear()
            if whole:
                while units and units[-1].first >= start:  # elements of the same statement
                    units.pop()
                units.append(Unit(start, index, STATEMENT))
                whole = False
    return units


_MARK = "# oagen: unit "

# An element's construct: lines before it and after it, at the construct's indentation.
_AROUND = {
    PARAMETER: (["def _("], ["):", "    pass"]),
    ARGUMENT: (["_("], [")"]),
    ENTRY: (["_ = {"], ["}"]),
    ITEM: (["_ = ["], ["]"]),
}


def _wrapped(context: str, lines: tuple[str, ...]) -> tuple[list[str], int, int]:
    """The unit inside `if _:` blocks that give it its indentation (and, for an element, inside
    its construct; for a statement that opens a block, with a `pass` body), and how many lines
    come before and after it."""
    indent = len(lines[0]) - len(lines[0].lstrip())
    if context == STATEMENT:
        before: list[str] = []
        after = [" " * (indent + 4) + "pass"] if lines[-1].rstrip().endswith(":") else []
    else:
        indent -= 4
        pad = " " * indent
        before = [pad + text for text in _AROUND[context][0]]
        after = [pad + text for text in _AROUND[context][1]]
    blocks = [f"{_INDENT * level}if _:" for level in range(indent // len(_INDENT))]
    return [*blocks, *before, *lines, *after], len(blocks) + len(before), len(after)


Key = tuple[str, tuple[str, ...]]


def lay_out_all(
    units: list[Key], formatter: Callable[[str], str] = black_adapter.format_code
) -> dict[Key, list[str]]:
    """Black's layout of each unit: from `blacklike` for the statements it reads (nearly all
    that the templates print), the others from black (`formatter`)."""
    laid: dict[Key, list[str]] = {}
    rest: list[Key] = []
    for key in sorted(set(units)):
        known = blacklike.lay_out(*key)
        if known is None:
            rest.append(key)
        else:
            laid[key] = known
    laid.update(lay_out_with_black(rest, formatter))
    return laid


def lay_out_with_black(
    units: list[Key], formatter: Callable[[str], str] = black_adapter.format_code
) -> dict[Key, list[str]]:
    """Each unit as black lays it out. All go through black in one call, separated by marker
    comments at the top level, where every wrapped unit starts."""
    unique = sorted(set(units))
    if not unique:
        return {}
    source: list[str] = []
    shapes: list[tuple[int, int]] = []
    for number, (context, lines) in enumerate(unique):
        wrapped, before, after = _wrapped(context, lines)
        source.append(f"{_MARK}{number}")
        source.extend(wrapped)
        shapes.append((before, after))
    formatted = formatter("\n".join(source) + "\n").split("\n")
    chunks: list[list[str]] = []
    for line in formatted:
        if line.startswith(_MARK):
            chunks.append([])
        elif chunks:
            chunks[-1].append(line)
    if len(chunks) != len(unique):
        raise ValueError("black merged or split the units it was given")
    laid: dict[Key, list[str]] = {}
    for key, chunk, (before, after) in zip(unique, chunks, shapes, strict=True):
        laid[key] = _unwrap(chunk, before, after)
    return laid


def _unwrap(chunk: list[str], before: int, after: int) -> list[str]:
    """The unit's lines from black's output of its wrapped form: drop `before` wrapper lines
    from the start and `after` from the end, and the blank lines black put among them."""
    start, end = 0, len(chunk)
    for _ in range(before):
        while not chunk[start].strip():
            start += 1
        start += 1
    for _ in range(after):
        while end > start and not chunk[end - 1].strip():
            end -= 1
        end -= 1
    while start < end and not chunk[start].strip():
        start += 1
    while end > start and not chunk[end - 1].strip():
        end -= 1
    return chunk[start:end]


# An element line black has nothing to split in: one plain string or name, optionally with a
# `: value` or `as name` after it, then the trailing comma (a long dict entry, import alias or
# enum item). Black leaves it as it is, so it need not go through black (a quarter of the
# units of GitHub's client).
_PLAIN = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_][A-Za-z0-9_]*)"""
_UNSPLITTABLE = re.compile(rf" *{_PLAIN}(?:: {_PLAIN}| as [A-Za-z_][A-Za-z0-9_]*)?,")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def unsplittable(unit: Unit, lines: list[str]) -> bool:
    """Whether `unit` is such an element line, with no keyword in it."""
    if unit.context == STATEMENT or unit.first != unit.last:
        return False
    match = _UNSPLITTABLE.fullmatch(lines[unit.first])
    return match is not None and not any(
        keyword.iskeyword(word)
        for word in _WORD.findall(_STRING.sub("", lines[unit.first]))
        if word != "as"
    )


def finish_all(
    sources: dict[str, str], formatter: Callable[[str], str] = black_adapter.format_code
) -> dict[str, str]:
    """Each source with every over-long line laid out by black."""
    found: dict[str, tuple[list[str], list[Unit]]] = {}
    keys: list[Key] = []
    for path, source in sources.items():
        lines = source.split("\n")
        if all(width(line) <= LINE_LENGTH for line in lines):
            continue
        units = [unit for unit in long_units(lines) if not unsplittable(unit, lines)]
        if units:
            found[path] = (lines, units)
            keys.extend((u.context, tuple(lines[u.first : u.last + 1])) for u in units)
    laid = lay_out_all(keys, formatter)
    finished = dict(sources)
    for path, (lines, units) in found.items():
        out: list[str] = []
        position = 0
        for unit in units:
            out.extend(lines[position : unit.first])
            out.extend(laid[unit.context, tuple(lines[unit.first : unit.last + 1])])
            position = unit.last + 1
        out.extend(lines[position:])
        finished[path] = "\n".join(out)
    return finished


# --- examples: values from the IR printed as Python ------------------------------------------


def example_value(value: Any) -> str:
    """An `ir.ExampleValue` as a Python literal on one line: strings with `pystr`, arrays as
    lists, objects as dicts, a file as a bytes literal."""
    from generator.model import ir

    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            repr(value)
            if value == value and abs(value) != float("inf")
            else (f"float({pystr(repr(value))})")
        )
    if isinstance(value, str):
        return pystr(value)
    if isinstance(value, tuple):
        return f"[{', '.join(example_value(item) for item in value)}]"
    if isinstance(value, ir.ExampleObject):
        entries = ", ".join(f"{pystr(key)}: {example_value(item)}" for key, item in value.items)
        return f"{{{entries}}}"
    if isinstance(value, ir.ExampleFile):
        return 'b"file contents"'
    raise TypeError(f"not an example value: {type(value).__name__}")


def call_line(target: str, function: str, arguments: Iterable[tuple[str, str]]) -> str:
    """`target = function(name=value, ...)` on one line (`function(...)` without a target)."""
    call = f"{function}({', '.join(f'{name}={value}' for name, value in arguments)})"
    return f"{target} = {call}" if target else call


def retry_policy(settings: Any) -> str:
    """An `ir.RetrySettings` as a `RetryPolicy(...)` call passing the values it gives, in the
    order `ir.RetrySettings` declares them."""
    import dataclasses

    arguments: list[tuple[str, str]] = []
    for field in dataclasses.fields(settings):
        value = getattr(settings, field.name)
        if field.name == "sources" or value is None:
            continue
        arguments.append(
            (field.name, pytuple(map(pystr, value)) if field.name == "statuses" else str(value))
        )
    return call_line("", "RetryPolicy", arguments)


def lay_out_statements(
    statements: list[str], formatter: Callable[[str], str] = black_adapter.format_code
) -> list[str]:
    """Each top-level statement as black lays it out, through `finish_all`: only its over-long
    lines go to black (an element line of a construct alone, as in generated modules), all in
    one call to `formatter`."""
    finished = finish_all({str(index): text for index, text in enumerate(statements)}, formatter)
    return [finished[str(index)] for index in range(len(statements))]


def def_stub(
    name: str, parameters: list[str], returns: str, positional: tuple[str, ...] = ()
) -> str:
    """`def name(p: T, *, a: T, ...) -> R: ...` on one line when it fits, else one parameter per
    line with a trailing comma (which black keeps); lines still too long are left to
    `lay_out_statements`."""
    listed = [*positional, *(["*", *parameters] if parameters else [])]
    line = f"def {name}({', '.join(listed)}) -> {returns}: ..."
    if len(line) <= LINE_LENGTH:
        return line
    inner = "".join(f"{_INDENT}{item},\n" for item in listed)
    return f"def {name}(\n{inner}) -> {returns}: ..."
