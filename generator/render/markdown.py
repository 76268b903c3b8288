"""Spec text in Markdown (the README and api.md): as plain text, as an inline code span, or as a
fenced block, so that nothing a spec says can become a link, HTML, emphasis or a new block."""

from __future__ import annotations

import re

__all__ = ["md_block", "md_code", "md_text"]

# Control characters (tab and newline become spaces first), DEL, C1 controls, line and paragraph
# separators, bidirectional overrides and isolates, lone surrogates: shown as escapes.
_MD_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
# Characters that start inline Markdown or HTML anywhere in a line (`&` could spell an entity).
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# What makes a block when it starts a line: heading, quote, list, thematic break, setext line.
_MD_LINE_START = re.compile(r"^(?:([#>+=:-])|(\d+)([.)]))")
_WHITESPACE = re.compile(r"\s+")


def _shown(char: str, backslash: str) -> str:
    code = ord(char)
    return f"{backslash}x{code:02x}" if code < 0x100 else f"{backslash}u{code:04x}"


def md_text(value: object, limit: int = 0) -> str:
    """Spec text as one line of Markdown that is only ever text: whitespace (newlines too) folded
    to single spaces, unprintables shown as escapes, every character that could open emphasis,
    code, a link, HTML, a table cell or (at the start) a block backslash-escaped, `&` as
    `&amp;`. With `limit`, cut at a word boundary to about that many characters, with `...`."""
    text = _WHITESPACE.sub(" ", str(value)).strip()
    if limit and len(text) > limit:
        cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
        text = cut.rstrip() + " ..."
    text = _MD_INLINE.sub(r"\\\1", text.replace("&", "&amp;"))
    text = _MD_UNPRINTABLE.sub(lambda m: _shown(m.group(), "\\\\"), text)
    return _MD_LINE_START.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text
    )


def md_code(value: object) -> str:
    """An inline code span holding `value` literally: a fence longer than any run of backticks
    in it, newlines and unprintables shown as escapes (a code span cannot hold them)."""
    text = _MD_UNPRINTABLE.sub(lambda m: _shown(m.group(), "\\"), str(value).replace("\t", " "))
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    if text.startswith(("`", " ")) or text.endswith(("`", " ")):
        text = f" {text} "
    return f"{fence}{text}{fence}"


def md_block(code: str, info: str = "python") -> str:
    """A fenced code block that nothing inside it can close: its fence is longer than any run of
    backticks in the code."""
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{code}\n{fence}"
