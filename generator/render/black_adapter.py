"""black, through what it offers callers: `black.format_str`, `black.Mode`, and its measure of a
line's width, `black.strings.str_width` (documented there as a helper for callers: "if a string is
too wide to display"). oagen's own layout decisions must measure lines exactly as the installed
black does, or a line black would split is left alone.

tests/test_black_adapter.py pins what oagen relies on, so a black upgrade that changes it fails
there rather than changing output silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

LINE_LENGTH = 100


@cache
def mode() -> Any:
    """Black's mode for everything oagen formats, set explicitly so output never depends on a
    user's black configuration."""
    import black
    from black.mode import TargetVersion

    return black.Mode(
        target_versions={TargetVersion.PY310},
        line_length=LINE_LENGTH,
        string_normalization=True,
        magic_trailing_comma=True,
        preview=False,
    )


def format_code(source: str) -> str:
    """`source` as black formats it (black.InvalidInput for text that is not Python)."""
    import black

    return black.format_str(source, mode=mode())


# Black's width table lists only two-column ranges, the first starting at U+1100 (Hangul Jamo):
# below it every character is one column, so most non-ASCII text (accents, dashes, quotes) is
# measured without loading black. tests/test_black_adapter.py pins this.
_MAYBE_WIDE = re.compile("[\u1100-\U0010ffff]")


def width(line: str) -> int:
    """A line's width as black measures it against the limit: East Asian wide characters and
    most emoji count two columns; black is loaded only for a line that has such characters."""
    if line.isascii() or _MAYBE_WIDE.search(line) is None:
        return len(line)
    return _str_width()(line)


@cache
def _str_width() -> Callable[[str], int]:
    from black.strings import str_width

    return str_width


def version() -> str:
    from importlib.metadata import version as installed

    return installed("black")
