"""pysource writes what black would write: every piece it emits is checked against black itself,
with hypothesis-generated text, and the long-line pass against black run on the whole file."""

from __future__ import annotations

import ast
import keyword

import black
from black.mode import TargetVersion
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render import pysource

MODE = black.Mode(target_versions={TargetVersion.PY310}, line_length=pysource.LINE_LENGTH)


def _black(source: str) -> str:
    return black.format_str(source, mode=MODE)


def _stable(source: str) -> None:
    assert _black(source) == source


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80) | st.text(
    alphabet="\"'\\\n\t {}#x ", max_size=30
)
identifiers = st.from_regex(r"[a-z_][a-z0-9_]{0,30}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name)
)
# Generated modules are named by identifiers, so a module path never holds a keyword.
relative_modules = st.builds(
    lambda dots, name: dots + name,
    st.sampled_from([".", ".."]),
    identifiers.filter(lambda name: len(name) <= 40),
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_string_literals_are_black_stable_and_exact(text: str) -> None:
    literal = pysource.pystr(text)
    assert ast.literal_eval(literal) == text
    _stable(f"x = {literal}\n")


def test_lone_surrogates_are_escaped() -> None:
    assert ast.literal_eval(pysource.pystr("a\udcff")) == "a\udcff"


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from([0, 4, 8]), st.booleans())
def test_docstrings_are_black_stable(text: str, indent: int, closing_line: bool) -> None:
    literal = pysource.docstring(text, indent, closing_line=closing_line)
    if indent == 0:
        source = f"{literal}\n\nx = 1\n"
    elif indent == 4:
        source = f"class A:\n    {literal}\n\n    x = 1\n"
    else:
        source = f"class A:\n    def f(self) -> None:\n        {literal}\n        return None\n"
    _stable(source)
    ast.parse(source)


@settings(max_examples=300, deadline=None)
@given(texts, st.sampled_from([0, 4]))
def test_attribute_docs_are_black_stable(text: str, indent: int) -> None:
    literal = pysource.attribute_doc(text, indent)
    module, in_class = f"X = 1\n{literal}\n", f"class A:\n    x: int\n    {literal}\n"
    source = module if indent == 0 else in_class
    _stable(source)
    ast.parse(source)


def test_long_docstring_closes_on_its_own_line() -> None:
    text = "First line.\n\n" + "word " * 19 + "last"
    literal = pysource.docstring(text, 4)
    assert literal.endswith('\n    """')
    _stable(f"class A:\n    {literal}\n")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(identifiers, min_size=1, max_size=12, unique=True),
    st.sampled_from([0, 4]),
    relative_modules,
)
def test_imports_are_split_as_black_splits_them(names: list[str], indent: int, module: str) -> None:
    line = pysource.from_import(module, names, indent)
    source = line + "\n" if indent == 0 else f"if True:\n{line}\n"
    _stable(source)


@settings(max_examples=400, deadline=None)
@given(identifiers, identifiers, identifiers, st.integers(1, 4), st.integers(1, 4))
def test_assignment_calls_are_split_as_black_splits_them(
    target: str, function: str, argument: str, times: int, more: int
) -> None:
    line = pysource.assign_call(
        "self." + target * times, function * more, "resource." + argument * times, 8
    )
    # Lines still over the limit are black's to lay out, as in a generation.
    source = pysource.finish_all({"m.py": f"class A:\n    def f(self) -> None:\n{line}\n"})
    _stable(source["m.py"])


def test_tuples() -> None:
    assert pysource.pytuple(['"a"']) == '("a",)'
    assert pysource.pytuple(['"a"', '"b"']) == '("a", "b")'
    nested = pysource.pytuple([pysource.pytuple(['"a"'])])
    _stable(f"x = {nested}\n")


LONG = " | ".join(f"Option{number}Model" for number in range(12))
FILE = f'''"""A module."""

from __future__ import annotations

from typing import Literal

X: TypeAlias = {LONG}


class A:
    """A class."""

    field: Literal[{", ".join(f'"value{n}"' for n in range(20))}] | None = None
    """Not a docstring to black: {"long text " * 12}"""

    async def method(
        self,
        *,
        first: int,
        second: {LONG} | NotGiven = NOT_GIVEN,
        third: str = "x",
    ) -> None:
        """Method."""
        return cast(
            "None",
            await self._client.request(
                body={{
                    "key": value,
                    "a_much_longer_key_name_that_goes_on": {LONG.replace(" | ", " + ")},
                }},
            ),
        )


def function(argument: {LONG}) -> None:
    pass
'''


def test_finish_lays_out_long_lines_as_black_lays_out_the_file() -> None:
    finished = pysource.finish_all({"m.py": FILE})["m.py"]
    assert finished != FILE
    assert finished == _black(FILE)


def test_element_lines_keep_their_indentation_after_blank_lines_black_adds() -> None:
    # A parameter of a method inside a class: black separates the wrapper's def from the `if`
    # block with a blank line, which must not shift what is cut out of its output.
    finished = pysource.finish_all({"m.py": FILE})["m.py"]
    assert "def _(" not in finished and "if _:" not in finished
    ast.parse(finished)


long_identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{20,80}", fullmatch=True).filter(
    lambda name: not keyword.iskeyword(name)
)
plain = long_identifiers | texts.map(pysource.pystr)
_CONSTRUCTS = {
    pysource.ENTRY: ("x = {", "}"),
    pysource.ITEM: ("x = [", "]"),
    pysource.ARGUMENT: ("f(", ")"),
    "import": ("from .m import (", ")"),
}


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(sorted(_CONSTRUCTS)),
    plain,
    plain,
    long_identifiers,
    long_identifiers,
    st.sampled_from([0, 4]),
)
def test_element_lines_black_cannot_split_are_left_alone(
    construct: str, first: str, second: str, name: str, alias: str, indent: int
) -> None:
    element = {
        pysource.ENTRY: f"{first}: {second},",
        pysource.ITEM: f"{first},",
        pysource.ARGUMENT: f"{first},",
        "import": f"{name} as {alias},",
    }[construct]
    opener, closer = _CONSTRUCTS[construct]
    pad = " " * indent
    lines = [f"{pad}{opener}", f"{pad}    {element}", f"{pad}{closer}"]
    if indent:
        lines.insert(0, "if True:")
    source = "\n".join(lines) + "\n"
    units = pysource.long_units(source.split("\n"))
    if len(element) + indent + 4 <= pysource.LINE_LENGTH:
        assert units == []
        return
    (unit,) = units
    assert unit.context != pysource.STATEMENT
    assert pysource.unsplittable(unit, source.split("\n"))
    _stable(source)  # black leaves the line as it is


def test_lines_black_can_split_are_not_unsplittable() -> None:
    long = "x" * 120
    for element in [
        f'"{long}" "b",',
        f"{long} + y,",
        f"f({long}),",
        f"None, {long},",
        f'"{long}": not b,',
        f"{long}.y,",
        f'"{long}",  # c',
        f"lambda: {long},",
        f'b"{long}",',
        f"{long} as None,",
        f"{long}:  y,",
        f"'{long}' 'b',",
    ]:
        lines = ["x = [", "    " + element, "]"]
        assert not pysource.unsplittable(pysource.Unit(1, 1, pysource.ITEM), lines), element
    statement = ["x = [", f'    "{long}",', "]"]
    assert not pysource.unsplittable(pysource.Unit(0, 2, pysource.STATEMENT), statement)


# Type expressions of the shapes the templates write, for the one-pass layout property.
_names = st.from_regex(r"[A-Z][A-Za-z0-9]{2,40}", fullmatch=True)
_literals = st.lists(
    st.text(alphabet="abcdefghij_-:/0123456789", min_size=1, max_size=30),
    min_size=1,
    max_size=40,
    unique=True,
).map(lambda values: "Literal[" + ", ".join(pysource.pystr(v) for v in values) + "]")
_types = st.recursive(
    _names | _literals | st.just("str") | st.just("dict[str, Any]"),
    lambda inner: st.one_of(
        inner.map(lambda t: f"list[{t}]"),
        inner.map(lambda t: f"Lenient[{t}]"),
        inner.map(lambda t: f"Sequence[{t}]"),
        st.lists(_names, min_size=2, max_size=12, unique=True).map(
            lambda ns: (
                "Annotated["
                + " | ".join(f'Annotated[{n}, Tag("{n}")]' for n in ns)
                + ", tagged_by(_tag, "
                + pysource.pystr(ns[0].lower())
                + ")]"
            )
        ),
        st.lists(inner, min_size=2, max_size=6).map(" | ".join),
    ),
    max_leaves=12,
)


# Black measures a line by display width: an emoji or a CJK character is two columns, so a line
# under 100 characters can be over 100 columns.
WIDE = ["👨\u200d👩\u200d👧", "中文字符", "e\u0301", "\uff46\uff55\uff4c\uff4c", "\U0001f600" * 3]


def test_width_is_blacks_measure() -> None:
    from black.strings import str_width

    for text in [*WIDE, "ascii only", ""]:
        assert pysource.width(text) == str_width(text)
    # What the layout decisions rely on: a black upgrade that measures otherwise fails here.
    assert pysource.width("中") == 2 and pysource.width("\U0001f600") == 2


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(WIDE), st.integers(1, 30), st.integers(20, 90))
def test_lines_with_wide_characters_are_laid_out_as_black_lays_them_out(
    wide: str, times: int, pad: int
) -> None:
    field = f'    p: int | None = Field(default=None, alias="{"x" * pad}{wide * times}")'
    source = f"class M:\n{field}\n"
    _stable(pysource.finish_all({"m.py": source})["m.py"])
    call = pysource.assign_call("self.value", "make", f'"{wide * times}{"y" * pad}"', 8)
    _stable(pysource.finish_all({"m.py": f"class A:\n    def f(self) -> None:\n{call}\n"})["m.py"])


def test_retry_policy_passes_the_values_given() -> None:
    from generator.model import ir

    settings = ir.RetrySettings(
        max_retries=0,
        initial_delay=0.5,
        max_delay=None,
        statuses=("503",),
        retry_connection_errors=False,
        exponent=None,
        max_elapsed=60.0,
        sources=("config",),
    )
    assert pysource.retry_policy(settings) == (
        'RetryPolicy(max_retries=0, initial_delay=0.5, statuses=("503",), '
        "retry_connection_errors=False, max_elapsed=60.0)"
    )
    empty = ir.RetrySettings(None, None, None, None, None, None, None, ("config",))
    assert pysource.retry_policy(empty) == "RetryPolicy()"
