"""`generator.pointers`: JSON Pointer tokens (RFC 6901) and `$ref` fragments."""

from __future__ import annotations

import pytest

from generator import pointers


@pytest.mark.parametrize(
    ("token", "escaped"),
    [("a", "a"), ("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("/~", "~1~0"), ("", "")],
)
def test_escape_and_back(token: str, escaped: str) -> None:
    assert pointers.escape(token) == escaped
    assert pointers.unescape(escaped) == token


def test_join() -> None:
    assert pointers.join([]) == ""
    assert pointers.join(["paths", "/pets/{id}", "get", 0]) == "/paths/~1pets~1{id}/get/0"


def test_fragment_tokens_are_percent_encoded_too() -> None:
    assert pointers.fragment_escape("100%/a~b") == "100%25~1a~0b"
    assert pointers.fragment_unescape("100%25~1a~0b") == "100%/a~b"
    assert pointers.fragment_unescape("a%7E1b") == "a/b"  # RFC 6901: decoded, then unescaped


def test_fragment_parts() -> None:
    assert pointers.fragment_parts("") == []
    assert pointers.fragment_parts("/") == [""]
    assert pointers.fragment_parts("/definitions/a~1b%20c/0") == ["definitions", "a/b c", "0"]
