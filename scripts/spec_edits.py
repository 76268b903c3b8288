"""Small edits of an API description, as data: what a developer changes between two generations.

Used by the incremental benchmark and by the test that a regeneration after an edit writes what a
cold run writes. Each edit takes the parsed document (OpenAPI 3 or Swagger 2.0) and a `tag` that
makes the change new (a cache must not have seen it), and changes the document in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def first_operation(document: dict[str, Any]) -> dict[str, Any]:
    for item in document.get("paths", {}).values():
        if isinstance(item, dict):
            for method in _METHODS:
                if isinstance(item.get(method), dict):
                    operation: dict[str, Any] = item[method]
                    return operation
    raise ValueError("the document has no operation")


def describe_operation(document: dict[str, Any], tag: str) -> None:
    """One operation's description changes."""
    operation = first_operation(document)
    operation["description"] = f"{operation.get('description') or ''} Edited: {tag}."


def add_property(document: dict[str, Any], tag: str) -> None:
    """One schema gains a string property (the first with properties of its own)."""
    schemas = document.get("components", {}).get("schemas") or document.get("definitions") or {}
    for schema in schemas.values():
        if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
            schema["properties"][f"edited_{tag}"] = {"type": "string", "description": tag}
            return
    raise ValueError("the document has no schema with properties")


def add_operation(document: dict[str, Any], tag: str) -> None:
    """One GET operation is added, under the first operation's tag."""
    tags = first_operation(document).get("tags") or []
    document["paths"][f"/edited-{tag}"] = {
        "get": {
            "operationId": f"edited_{tag}",
            **({"tags": tags[:1]} if tags else {}),
            "responses": {"200": {"description": "ok"}},
        }
    }


EDITS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "describe": describe_operation,
    "property": add_property,
    "operation": add_operation,
}
