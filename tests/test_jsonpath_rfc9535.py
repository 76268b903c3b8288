"""Overlay targets against RFC 9535: a representative set of the compliance suite's cases,
written out here (its categories: basic, names, escapes and surrogates, indexes, slices,
whitespace, filters, literals, functions). Every invalid selector is an E702, located at the
target; every valid one selects what the RFC says, at its location."""

from __future__ import annotations

from typing import Any

import pytest

from generator.overlay.jsonpath import JsonPathError, compile_path

INVALID = [
    # basic
    " $",
    "$ ",
    "$.&",
    "$.1",
    "$[0 2]",
    "$[]",
    "$..",
    "$.",
    "$a",
    "@.a",
    "$[",
    "$]",
    "$.a.",
    "$[1,]",
    "$[,1]",
    "$['a''b']",
    "$.a b",
    # names outside the shorthand's characters: RFC 9535 wants ['x-logo']
    "$.x-logo",
    "$.paths./pets",
    "$.application/json",
    "$.a\u0000",
    # strings and escapes
    "$['\\a']",
    "$['\\u00']",
    "$['\\u00G0']",
    "$['\\x41']",
    "$['\\'\"]",
    '$["\\\'"]',
    "$['\u0001']",
    "$['\u001f']",
    "$['a]",
    # surrogates: a lone or misordered half is not a character
    "$['\\uD800']",
    "$['\\uDC00']",
    "$['\\uDC00\\uD800']",
    "$['\\uD800\\u0041']",
    "$['\\uD800a']",
    "$[?@.a=='\\uDBFF']",
    # indexes
    "$[01]",
    "$[-0]",
    "$[+1]",
    "$[1.0]",
    "$[0x1]",
    "$[1 2]",
    "$[9007199254740992]",
    "$[-9007199254740992]",
    # slices
    "$[01:2]",
    "$[1:02]",
    "$[-0:2]",
    "$[::-0]",
    "$[1:2:3:4]",
    "$[1:2:]x",
    "$[0:9007199254740992]",
    # whitespace
    "$. a",
    "$.. a",
    # filters
    "$[?]",
    "$[?()]",
    "$[?(@.a]",
    "$[?@.a=1]",
    "$[?@.a===1]",
    "$[?@.a==1==2]",
    "$[?@.a&&]",
    "$[?||@.a]",
    "$[?@.a & @.b]",
    "$[?@.a | @.b]",
    "$[?!@.a==1]",
    "$[?1]",
    "$[?'a']",
    "$[?true]",
    "$[?null]",
    "$[?@.a==@.*]",
    "$[?@..a==1]",
    "$[?@[*]==1]",
    "$[?@['a','b']==1]",
    "$[?@[0:1]==1]",
    "$[?$..a==1]",
    # literals
    "$[?@.a==01]",
    "$[?@.a==1.]",
    "$[?@.a==.1]",
    "$[?@.a==1e]",
    "$[?@.a==+1]",
    "$[?@.a==0x1]",
    "$[?@.a==True]",
    "$[?@.a==NULL]",
    "$[?@.a==nul]",
    "$[?@.a=='a]",
    # functions: unknown ones, and well-typed use of the known ones
    "$[?foo(@.a)]",
    "$[?length(@.a)]",
    "$[?count(@.a)]",
    "$[?length(@.*)==1]",
    "$[?count(1)==1]",
    "$[?length (@.a)==1]",
]

DOCUMENT = {
    "a": {"b": [0, 1, 2, 3, 4]},
    "x-logo": {"url": "u"},
    "𝄞": "clef",
    "it's": 1,
    "items": [
        {"name": "one", "n": 1, "tags": ["x"]},
        {"name": "two", "n": 2, "tags": []},
        {"name": "three", "n": 3.0},
    ],
}

VALID: list[tuple[str, list[tuple[Any, ...]]]] = [
    ("$", [()]),
    ("$.a.b[1]", [("a", "b", 1)]),
    ("$['x-logo'].url", [("x-logo", "url")]),
    ('$["x-logo"]["url"]', [("x-logo", "url")]),
    ("$['\\uD834\\uDD1E']", [("𝄞",)]),  # a surrogate pair is one character
    ("$['\\ud834\\udd1e']", [("𝄞",)]),
    ("$.𝄞", [("𝄞",)]),
    ("$['it\\'s']", [("it's",)]),
    ('$["it\'s"]', [("it's",)]),
    ("$.a.b[-1]", [("a", "b", 4)]),
    ("$.a.b[1:3]", [("a", "b", 1), ("a", "b", 2)]),
    ("$.a.b[::-2]", [("a", "b", 4), ("a", "b", 2), ("a", "b", 0)]),
    ("$.a.b[ 1 : 3 ]", [("a", "b", 1), ("a", "b", 2)]),
    ("$ .a .b[0]", [("a", "b", 0)]),
    ("$.items[?@.n == 2].name", [("items", 1, "name")]),
    ("$.items[?@.n == 3].name", [("items", 2, "name")]),  # 3 == 3.0
    ("$.items[?@.n > 1 && @.name != 'three'].name", [("items", 1, "name")]),
    ("$.items[?!@.tags].name", [("items", 2, "name")]),
    ("$.items[?(@.n < 2 || @.n >= 3)].n", [("items", 0, "n"), ("items", 2, "n")]),
    ("$.items[?@.n == $.a.b[1]].name", [("items", 0, "name")]),
    ("$.items[? @.n==2 ].name", [("items", 1, "name")]),
    ("$..url", [("x-logo", "url")]),
    ("$.a.b[0,0]", [("a", "b", 0)]),  # oagen selects each node once
]


@pytest.mark.parametrize("selector", INVALID)
def test_an_invalid_selector_is_a_path_error(selector: str) -> None:
    with pytest.raises(JsonPathError) as caught:
        compile_path(selector)
    assert 0 <= caught.value.position <= len(selector)


@pytest.mark.parametrize(("selector", "paths"), VALID)
def test_a_valid_selector_selects_what_the_rfc_says(
    selector: str, paths: list[tuple[Any, ...]]
) -> None:
    assert [path for path, _ in compile_path(selector).find(DOCUMENT)] == paths
