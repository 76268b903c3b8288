"""Small readers for untrusted spec data: a spec may put any type anywhere."""

from __future__ import annotations

from typing import Any


def mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def text(value: Any) -> str | None:
    """A stripped, non-empty string, or None."""
    return value.strip() if isinstance(value, str) and value.strip() else None
