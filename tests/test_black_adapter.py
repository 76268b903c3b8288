"""What `black_adapter` relies on in the installed black: an upgrade that changes it fails here."""

from __future__ import annotations

import inspect

import black
import pytest

from generator.render import black_adapter


def test_format_str_takes_the_source_and_a_mode() -> None:
    parameters = inspect.signature(black.format_str).parameters
    assert list(parameters)[:2] == ["src_contents", "mode"]
    assert black_adapter.format_code("x = ( 1, )\n") == "x = (1,)\n"
    with pytest.raises(black.InvalidInput):
        black_adapter.format_code("def (:\n")


def test_the_mode_is_set_explicitly() -> None:
    mode = black_adapter.mode()
    assert mode.line_length == black_adapter.LINE_LENGTH == 100
    assert mode.magic_trailing_comma and mode.string_normalization and not mode.preview


def test_width_is_blacks_measure_of_a_line() -> None:
    """oagen decides which lines black must lay out by this width: East Asian wide characters
    and emoji are two columns, as black counts them."""
    from black.strings import str_width

    for text in ["ascii", "", "中文", "\U0001f600", "e\u0301", "\uff46\uff55"]:
        assert black_adapter.width(text) == str_width(text)
    assert black_adapter.width("中") == 2 and black_adapter.width("\U0001f600") == 2
    # A line black measures over the limit is one it splits.
    long_wide = "x = f(" + ", ".join(["'中中中中中'"] * 9) + ")\n"
    assert len(long_wide) < 100 < black_adapter.width(long_wide)
    assert black_adapter.format_code(long_wide).count("\n") > 1


def test_characters_below_u1100_are_one_column() -> None:
    """`width` measures a line without black when no character is at U+1100 or above: black's
    table must give every character below it one column."""
    from black.strings import str_width

    assert all(str_width(chr(code)) == 1 for code in range(0x1100))
    assert str_width("\u1100") == 2
    for text in ["caf\u00e9 \u2014 na\u00efve", "\u0394\u03b5\u03bb\u03c4\u03b1", "\u0436" * 60]:
        assert black_adapter.width(text) == str_width(text) == len(text)
