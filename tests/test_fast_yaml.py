"""yaml-rs reads a document only when the result is what PyYAML with oagen's loader rules gives:
checked against PyYAML on random documents, on plain scalars in the forms the two read
differently, and on every YAML description of the corpus."""

from __future__ import annotations

import math
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.load import fastyaml, readers

from .conftest import require_corpus


def _pyyaml(text: str) -> Any:
    loader = readers.SpecLoader(text)
    loader.duplicates = []
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _same(a: Any, b: Any) -> bool:
    """Equal, with equal types all the way down (1, 1.0 and True differ) and keys in order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def _fast(text: str) -> Any:
    return fastyaml.load(text, readers.SpecLoader)


def _agrees(text: str) -> None:
    fast = _fast(text)
    if fast is None:
        return  # left to PyYAML
    try:
        reference = _pyyaml(text)
    except yaml.YAMLError:
        pytest.fail(f"yaml-rs read a document PyYAML rejects:\n{text}")
    assert _same(fast, reference), text


_scalars = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(st.text(max_size=12), _scalars, min_size=1, max_size=6),
    st.sampled_from([None, True]),
)
def test_dumped_documents_read_the_same(data: dict[str, Any], flow: bool | None) -> None:
    _agrees(yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True, sort_keys=False))


# Plain scalars from the characters of YAML's numeric forms, and some words.
_plain = st.text(alphabet="0123456789_.:+-eExXoObBaFnN", min_size=1, max_size=10) | st.sampled_from(
    [
        "yes",
        "No",
        "on",
        "TRUE",
        "null",
        "~",
        ".inf",
        "-.Inf",
        ".NaN",
        "=",
        ".iNf",
        ".Nan",
        "._5",
        "_0",
        "-_1",
        "0o_7",
        "1e1_0",
        "1.e5",
        "0e0",
        "0x1F",
        "0X1F",
        "0o17",
        "017",
        "1_000",
        "1:20",
        "1:20.5",
        "1e3",
        "1.5e3",
        "1.5e+3",
        "-.5",
        "+.5",
        "0b101",
        "0.",
        "00.5",
        "2001-12-14",
        "12:30:45",
    ]
)


@settings(max_examples=500, deadline=None)
@given(_plain, _plain, st.sampled_from(["block", "key", "item", "flow", "flow-key"]))
def test_plain_scalars_read_the_same(first: str, second: str, shape: str) -> None:
    text = {
        "block": f"a: {first}\nb: {second}\n",
        "key": f"{first}: x\nb:\n  {second}: y\n",
        "item": f"a:\n- {first}\n- {second}\n",
        "nested-item": f"a:\n- - {first}\n  - - {second}\n",
        "flow": f"a: [{first}, {second}]\n",
        "flow-key": f"a: {{{first}: 1, b: {second}}}\n",
    }[shape]
    _agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!binary aGVsbG8=\n",
        "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
        "%YAML 1.1\n---\na: 1\n",
        "? [a, b]\n: c\n",
        'a: "\\ud83d\\ude00"\n',
        "a: 1\na: 2\n",
        "a: [1,\n",
        "- a\n- b\n",
        "a: 1\n---\nb: 2\n",
        "a: =\n",
        "a: !custom 5\n",
    ],
)
def test_constructs_yaml_rs_reads_differently_are_left_to_pyyaml(text: str) -> None:
    assert _fast(text) is None


def test_integer_keys_keep_their_text_and_order() -> None:
    data = _fast("responses:\n  200: ok\n  '201': made\n  default: other\n")
    assert data == {"responses": {"200": "ok", "201": "made", "default": "other"}}
    assert list(data["responses"]) == ["200", "201", "default"]


@pytest.mark.parametrize("name", ["openrouter-full", "github-github"])
def test_the_large_corpus_descriptions_take_the_fast_path(name: str) -> None:
    corpus = require_corpus()
    rows = dict(
        line.split("\t")[:2]
        for line in (corpus / "INDEX.tsv").read_text(encoding="utf-8").splitlines()[1:]
    )
    text = (corpus / rows[name]).read_text(encoding="utf-8")
    fast = _fast(text)
    assert fast is not None
    assert _same(fast, _pyyaml(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # PyYAML's dumper writes these strings plain: to yaml-rs they are integers.
        ("key_id: 012345678912345678\nother: [012345678912345678]\n", "012345678912345678"),
        ("mode: 0755\nmodes:\n- - 0755\n", 493),  # YAML 1.1 octal, to PyYAML
    ],
)
def test_tokens_read_differently_are_put_back_as_pyyaml_reads_them(
    text: str, expected: object
) -> None:
    fast = _fast(text)
    assert fast is not None  # the fast path is kept
    assert _same(fast, _pyyaml(text))
    assert expected in [value for value in fast.values() if not isinstance(value, list)]


@pytest.mark.parametrize(
    "text",
    [
        "a: 0123\nb: 123\n",  # 123 from a token both read alike: which places to change?
        "a: 0128\nb: 00128\n",  # one number to yaml-rs, two strings to PyYAML
        "0123: x\n",  # a key
        "a: 1:20\n",  # a string to yaml-rs (a quoted '1:20' reads the same), 80 to PyYAML
    ],
)
def test_tokens_that_cannot_be_put_back_leave_the_document_to_pyyaml(text: str) -> None:
    assert _fast(text) is None


def test_a_pyyaml_dump_of_a_large_description_takes_the_fast_path() -> None:
    corpus = require_corpus()
    text = (corpus / "github" / "github.yaml").read_text(encoding="utf-8")
    data = _pyyaml(text)
    dumped = yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    fast = _fast(dumped)
    assert fast is not None
    assert _same(fast, data)


def test_very_deep_flow_nesting_is_left_to_pyyaml_without_recursing() -> None:
    depth = 100_000  # far beyond Python's recursion limit
    assert _fast("a: " + "[" * depth + ":" + "]" * depth + "\n") is None
    assert _fast("a: " + "[" * depth + "1" + "]" * depth + "\n") is None  # yaml-rs's limit
