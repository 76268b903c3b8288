"""The "not given" sentinel and the type aliases used in generated signatures."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, Final, Literal, TypeAlias

import httpx

__all__ = [
    "NOT_GIVEN",
    "Body",
    "FileContent",
    "FileTypes",
    "Headers",
    "NotGiven",
    "Query",
    "TimeoutTypes",
]


class NotGiven:
    """Marks an argument the caller did not pass.

    Distinct from ``None``, which is a real value (sent as JSON ``null`` in bodies). Values that
    are ``NOT_GIVEN`` are never sent anywhere.
    """

    __slots__ = ()
    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        # A singleton, so identity checks (`is NOT_GIVEN`) stay valid across copies.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

# Per-call options. A header whose value is None or NOT_GIVEN removes that header.
Headers: TypeAlias = Mapping[str, str | NotGiven | None]
Query: TypeAlias = Mapping[str, object]
Body: TypeAlias = Mapping[str, object]
TimeoutTypes: TypeAlias = float | httpx.Timeout | None

# An upload: raw bytes, an open binary file, or a path (opened lazily, closed after sending),
# optionally wrapped as (filename, content) or (filename, content, content_type).
FileContent: TypeAlias = bytes | IO[bytes] | os.PathLike[str]
FileTypes: TypeAlias = (
    FileContent | tuple[str | None, FileContent] | tuple[str | None, FileContent, str | None]
)
