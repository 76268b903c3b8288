"""Hooks every client of this package runs around its requests.

This file is yours to edit: oagen writes it once, when it is missing, and never overwrites it when the client is generated again. Return hook objects (subclasses of Hook, with any of before_request, after_response and on_error) from package_hooks(); they run before the hooks a caller passes as hooks=[...]. See the Hooks section of the README.
"""

from __future__ import annotations

from ._runtime import Hook

__all__ = ["package_hooks"]


def package_hooks() -> list[Hook]:
    """The hooks each new client starts with (a fresh list per client)."""
    return []
