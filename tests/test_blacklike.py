"""`blacklike` lays statements out as the installed black does: every over-long unit of the
clients generated from the showcase and from corpus entries, and generated statements of the
shapes the templates print, are compared with black's own layout. A black upgrade that changes
its layout of these shapes fails here."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import Config
from generator.model import ir
from generator.pipeline import Run, analyse
from generator.render import blacklike, package, pysource
from generator.render.types import TypePrinter

from .conftest import REPO, require_corpus

Key = tuple[str, tuple[str, ...]]


def _units(api: ir.Api) -> list[Key]:
    """The units `finish_all` would lay out in this API's client, and the reference's
    signatures and examples."""
    files, laid_out = package.render_units(
        api, [unit for unit in package.units(api) if unit.template.endswith(".py.j2")]
    )
    types = TypePrinter.of(api)
    statements = {
        text
        for resource in api.resources
        for op in resource.operations
        for text in (package._signature(op, types), package._example(resource, op))
    }
    sources = [files[path] for path in sorted(laid_out)] + sorted(statements)
    keys: set[Key] = set()
    for source in sources:
        lines = source.split("\n")
        for unit in pysource.long_units(lines):
            if not pysource.unsplittable(unit, lines):
                keys.add((unit.context, tuple(lines[unit.first : unit.last + 1])))
    return sorted(keys)


def _compare(keys: list[Key]) -> None:
    black = pysource.lay_out_with_black(keys)
    read = 0
    for key in keys:
        laid = blacklike.lay_out(*key)
        if laid is not None:
            read += 1
            assert laid == black[key], "\n".join(key[1])
    # Nearly everything the templates print is read here; black gets the rest.
    assert read >= 0.95 * len(keys), f"{read} of {len(keys)} units read"


def _api(spec: Path) -> ir.Api:
    api = analyse(Run(Config()), spec, validate=False)
    assert api is not None
    return api


def test_the_showcase_units() -> None:
    keys = _units(_api(REPO / "spec" / "openrouter.yaml"))
    assert keys
    _compare(keys)


CORPUS_ENTRIES = [
    "openrouter/openapi.yaml",
    "github/github.yaml",
    "kubernetes/swagger.json.unprocessed",
    "twilio/twilio_api_v2010.json",
    "box/openapi.json",
    "asana/asana_oas.yaml",
    "jira/platform-swagger.v3.json",
    "discord/openapi.json",
    "slack/slack_web_openapi_v2.json",
    "apis-guru/APIs/bitbucket.org/2.0/swagger.yaml",
    "apis-guru/APIs/wikimedia.org/1.0.0/swagger.yaml",
]


@pytest.mark.parametrize("entry", CORPUS_ENTRIES)
def test_corpus_units(entry: str) -> None:
    spec = require_corpus() / entry
    if not spec.is_file():
        pytest.skip(f"{entry} is missing from the shared corpus")
    _compare(_units(_api(spec)))


# --- statements of the templates' shapes, generated -------------------------------------------

_names = st.text(string.ascii_letters, min_size=1, max_size=30).map(lambda s: "N" + s)
# Quotes, backslashes, `#`, braces and two-column characters: what a spec's strings may hold.
_words = st.text(string.ascii_letters + " _-./é中😀'\"\\#{}", min_size=0, max_size=40)
_strings = _words.map(pysource.pystr)


def _types(depth: int = 3) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        _names,
        st.just("None"),
        st.just("dict[str, Any]"),
        st.lists(_strings, min_size=1, max_size=12).map(lambda v: f"Literal[{', '.join(v)}]"),
    )
    if depth == 0:
        return leaf
    inner = _types(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(_names, st.lists(inner, min_size=1, max_size=3)).map(
            lambda t: f"{t[0]}[{', '.join(t[1])}]"
        ),
        st.lists(inner, min_size=2, max_size=8).map(" | ".join),
        st.tuples(inner, _strings).map(lambda t: f"Annotated[{t[0]}, Tag({t[1]})]"),
        st.tuples(inner, st.dictionaries(_strings, _strings, min_size=1, max_size=6)).map(
            lambda t: (
                f"Annotated[{t[0]}, tagged_by("
                + '"type", {'
                + ", ".join(f"{k}: {v}" for k, v in sorted(t[1].items()))
                + "})]"
            )
        ),
    )


def _values(depth: int = 2) -> st.SearchStrategy[str]:
    leaf = st.one_of(
        _strings,
        st.integers(-(10**30), 10**30).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
        st.sampled_from(["True", "False", "None", "0.5", "..."]),
    )
    if depth == 0:
        return leaf
    inner = _values(depth - 1)
    return st.one_of(
        leaf,
        st.lists(inner, max_size=6).map(lambda v: f"[{', '.join(v)}]"),
        st.dictionaries(_strings, inner, max_size=5).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in sorted(d.items())) + "}"
        ),
    )


def _call(name: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    arguments = st.lists(st.tuples(_names.map(str.lower), _values()), max_size=6)
    return st.tuples(name, arguments).map(
        lambda t: f"{t[0]}({', '.join(f'{k}={v}' for k, v in t[1])})"
    )


_statements = st.one_of(
    st.tuples(_names, _types()).map(lambda t: ("statement", f"{t[0]}: {t[1]}")),
    st.tuples(_names, _types()).map(lambda t: ("statement", f"{t[0]}: {t[1]} | None = None")),
    st.tuples(_names, _types()).map(lambda t: ("statement", f"{t[0]}: TypeAlias = {t[1]}")),
    st.tuples(_names, _call(_names)).map(lambda t: ("statement", f"self.{t[0]} = {t[1]}")),
    _call(_names).map(lambda c: ("statement", f"return {c}")),
    _call(st.lists(_names, min_size=1, max_size=4).map(lambda p: "client." + ".".join(p))).map(
        lambda c: ("statement", f"result = {c}")
    ),
    st.tuples(_names, st.lists(_names, min_size=1, max_size=4)).map(
        lambda t: ("statement", f"from .{t[0].lower()} import {', '.join(t[1])}")
    ),
    st.tuples(_names, st.lists(st.tuples(_names, _types(2)), max_size=4), _types(2)).map(
        lambda t: (
            "statement",
            f"def {t[0]}(self, *, "
            + ", ".join(f"{n.lower()}: {a}" for n, a in t[1])
            + f") -> {t[2]}: ...",
        )
    ),
    st.tuples(_names, _types()).map(
        lambda t: ("parameter", f"{t[0].lower()}: {t[1]} | NotGiven = NOT_GIVEN,")
    ),
    st.tuples(_names, _values()).map(lambda t: ("argument", f"{t[0].lower()}={t[1]},")),
    st.tuples(_strings, _values()).map(lambda t: ("entry", f"{t[0]}: {t[1]},")),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statement=_statements, indent=st.sampled_from([0, 4, 8, 12]))
def test_generated_statements(statement: tuple[str, str], indent: int) -> None:
    context, text = statement
    if context != "statement":
        indent = max(indent, 4)
    if text.startswith("self.") or text.startswith("return "):
        indent = max(indent, 8)
    key = (context, (" " * indent + text.replace(", *, )", ")").replace("(self, *, )", "(self)"),))
    laid = blacklike.lay_out(*key)
    if laid is not None:
        assert laid == pysource.lay_out_with_black([key])[key]


@pytest.mark.parametrize(
    "line",
    [
        "class Model(Base):",
        "x = a if b else c",
        "x = [a for a in b]",
        "x = f(a)  # a comment",
        "x = lambda: 1",
        'x = "a" "b"',
        "x = a - b",
        "import os",
        'x = f"{a}"',
        "x = (a, b)",
        "a = b = c",
        "x = f(a == b)",
        "x = f(a, **kwargs)",
        "x = a ** b",
        "x = (y := f(a))",
        "x |= f(a)",
        "x: int = 1e-5",
    ],
)
def test_what_is_not_read_goes_to_black(line: str) -> None:
    assert blacklike.lay_out("statement", (line,)) is None


@pytest.mark.parametrize("depth", [30, 60, 400])
def test_deep_nesting_is_laid_out_as_black_does_or_left_to_it(depth: int) -> None:
    annotation = "".join(f"List{n}[" for n in range(depth)) + "int" + "]" * depth
    key = ("statement", (f"    field: {annotation} | None = None",))
    laid = blacklike.lay_out(*key)
    if depth <= 60:
        assert laid == pysource.lay_out_with_black([key])[key]
    else:
        assert laid is None or laid == pysource.lay_out_with_black([key])[key]


_LONG = "a" * 60


@pytest.mark.parametrize(
    "key",
    [
        ("statement", f"    x = f('{_LONG}', '{_LONG}')"),
        ("statement", f'    x = f(B"{_LONG}", bR"{_LONG}", Br"{_LONG}")'),
        ("statement", f'    x = f("{_LONG}\\"", "\\\'{_LONG}")'),
        ("statement", f'    x = f("\\xAB", b"\\u00E9", "\\N{{dash}}", {_LONG}, {_LONG})'),
        ("statement", f"    x = f(0XFF, 0xff, 1E5, 1J, 0O7, 0B1, 1_0, 1., {_LONG}, {_LONG})"),
        ("statement", f"    x = f(1.e5, {_LONG}, {_LONG})"),
        ("statement", f"    x = f(1.0.real, {_LONG}, {_LONG})"),
        ("statement", f"    x = f(1 .real, {_LONG}, {_LONG})"),
        ("statement", f"    x = f( {_LONG} , {_LONG} )"),
        ("statement", f"    x=f({_LONG},{_LONG})"),
        ("statement", f"    x = f(- 1, {_LONG}, {_LONG})"),
        ("statement", f"    x = {_LONG} * {_LONG}"),
        ("statement", f"    x = f({_LONG} * {_LONG}, c)"),
        ("statement", f"    x = await ({_LONG}).f({_LONG})"),
        ("statement", f"    def f(self, a: {_LONG}, b: {_LONG}, ) -> None:"),
        ("statement", f"    x = a[{_LONG}: {_LONG}]"),
        ("statement", f"    x = {{{_LONG}: {_LONG}, {_LONG}:{_LONG}}}"),
        ("statement", f'    "{_LONG}{_LONG}"'),
        ("statement", f"    x = [({_LONG}.b({_LONG}))]"),
        ("statement", f"    x = f([(1)], {{({_LONG})}}, {_LONG})"),
        ("item", f"        [({_LONG}.b({_LONG}))],"),
        ("entry", f"        ...[{'a' * 40}, None]: {_LONG},"),
        ("statement", f'def a(*f: (a), b: "{_LONG[:16]}" = "{_LONG[:54]}"): ...'),
        ("parameter", "    *true: (await f.None),"),
        ("parameter", f"        {_LONG} = {_LONG},"),
        ("argument", f"        {_LONG} = {_LONG},"),
        ("entry", f"        '{_LONG}': '{_LONG}',"),
        ("item", f"        '{_LONG}{_LONG}',"),
    ],
)
def test_what_black_rewrites_before_splitting_is_left_to_it(key: tuple[str, str]) -> None:
    """Black normalises strings, numbers and spaces (and a few parentheses: after `await`, around
    a number before a dot, around the one element of a list or set) before it splits;
    a unit it would change that way is laid out by black, not here."""
    lines = (key[1],)
    laid = blacklike.lay_out(key[0], lines)
    assert laid is None or laid == pysource.lay_out_with_black([(key[0], lines)])[key[0], lines]


@pytest.mark.parametrize("line", ["    return", "    x = ", "    x: int = "])
def test_a_statement_without_a_value_is_not_an_error(line: str) -> None:
    assert blacklike.lay_out("statement", (line,)) is None


def test_no_second_opinion_on_a_line_with_a_comma_a_split_added() -> None:
    """The last parameter's line ends in a comma the delimiter split added; black does not try
    its optional parentheses again there (the comma has no place in its tree)."""
    annotation = f"({'V' * 70}[int, str])"
    key = ("statement", (f"def f(self, a: int, {'b' * 92}: {annotation} = None) -> None: ...",))
    laid = blacklike.lay_out(*key)
    assert laid is not None
    assert laid == pysource.lay_out_with_black([key])[key]
