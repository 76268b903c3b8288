"""JSON Pointers (RFC 6901) and `$ref` fragments: the one place that escapes their tokens.

A pointer is `/`-separated tokens with `~` written `~0` and `/` written `~1`; in a `$ref` the
pointer is a URI fragment, so a token is also percent-encoded (`%` as `%25`) and read back with
percent-decoding first.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote

__all__ = ["escape", "fragment_escape", "fragment_parts", "fragment_unescape", "join", "unescape"]


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(tokens: Iterable[str | int]) -> str:
    """The pointer to `tokens` from the root: `/a/b~1c/0`; the root itself is `""`."""
    return "".join("/" + escape(str(token)) for token in tokens)


def fragment_escape(token: str) -> str:
    """`token` as written in a `$ref`'s fragment: escaped, and `%` percent-encoded."""
    return escape(token).replace("%", "%25")


def fragment_unescape(raw: str) -> str:
    """A token of a `$ref`'s fragment as the key it names: percent-decoded, then unescaped."""
    return unescape(unquote(raw))


def fragment_parts(fragment: str) -> list[str]:
    """The keys a `$ref`'s fragment (after the `#`) names, from the root: `/a~1b/0` -> a/b, 0."""
    return [fragment_unescape(raw) for raw in fragment.split("/")[1:]] if fragment else []
