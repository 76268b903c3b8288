"""Untrusted inputs: what a hostile spec can make oagen read, fetch, print or spend.

A spec, its referenced files and overlays are untrusted. oagen fetches nothing, reads only regular
files under the spec's folder (or the `--root` the user names), prints no control character from
them, and turns parser limits (deep nesting, huge integers, alias bombs) into located errors.
"""

from __future__ import annotations

import pytest

from generator.diagnostics import Diagnostic, Location, Severity, excerpt, printable

# --- bounded, printable excerpts -------------------------------------------------------------


def test_excerpt_of_an_alias_bomb_is_short_and_quick() -> None:
    value: object = ["lol"]
    for _ in range(60):  # 10**60 leaves when expanded: only a bounded walk can finish
        value = [value] * 10
    text = excerpt(value)
    assert len(text) <= 210
    assert text.startswith("[[[")


def test_excerpt_of_a_long_string_is_truncated() -> None:
    text = excerpt("x" * 10_000)
    assert len(text) <= 210 and text.endswith("...")


def test_excerpt_of_a_huge_integer_does_not_hit_the_digit_limit() -> None:
    assert excerpt(10 ** 5000) == "<an integer of about 5000 digits>"


def test_excerpt_of_a_small_value_is_its_repr() -> None:
    value = {"a": [1, 2.5, None, True], "b": "text"}
    assert excerpt(value) == repr(value)


def test_excerpt_escapes_controls() -> None:
    assert "\x1b" not in excerpt({"\x1b]52;c;aGk=\x07": "\x9b2J"})


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\x7f", "\x9b", "\x85", "\r", "\t"])
def test_printable_escapes_every_control(char: str) -> None:
    text = printable(f"a{char}b")
    assert char not in text and text.startswith("a\\") and text.endswith("b")


def test_a_diagnostic_prints_no_control_characters() -> None:
    item = Diagnostic(Severity.ERROR, "E100", "bad key \x1b]52;c;aGk=\x07 here\nsecond line",
                      Location("spec\x1b[2J.yaml", "/paths/~1a\x1b[2J"),
                      "hint with\nnewline \x9b", 3, 4)
    text = item.format()
    assert all(char not in text for char in "\x1b\x07\x9b")
    message, hint = text.split("\n")  # the one raw newline is the hint's
    assert "\\x1b]52;" in message and "spec\\x1b[2J.yaml:3:4" in message
    assert "\\x1b[2J" in message.split("(at #")[1]
    assert hint == "    hint: hint with\\nnewline \\x9b"
