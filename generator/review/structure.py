"""Inspect: a spec's structure in the JSON Structure overview format.

Counts named schemas (components.schemas, or definitions in Swagger 2.0) and operations; inline
schemas are not counted.
"""

from __future__ import annotations

from typing import Any

from generator.load.specdata import mapping
from generator.model.operations import HTTP_METHODS


def structure(document: dict[str, Any]) -> dict[str, Any]:
    info = mapping(document.get("info"))
    components = mapping(document.get("components"))
    named = components.get("schemas", document.get("definitions")) or {}
    schemas = (
        [_schema_entry(str(name), schema) for name, schema in named.items()]
        if isinstance(named, dict)
        else []
    )
    operations: list[dict[str, Any]] = []
    paths = mapping(document.get("paths"))
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if str(method).lower() not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            entry: dict[str, Any] = {"method": str(method).upper(), "path": str(path)}
            for key in ("operationId", "summary"):
                if key in operation:
                    entry[key] = operation[key]
            tags = operation.get("tags")
            entry["tags"] = list(tags) if isinstance(tags, list) else []
            operations.append(entry)
    return {
        "kind": "json-structure",
        "title": info.get("title"),
        "version": info.get("version"),
        "schemaCount": len(schemas),
        "operationCount": len(operations),
        "schemas": schemas,
        "operations": operations,
    }


def _schema_entry(name: str, schema: Any) -> dict[str, Any]:
    schema = mapping(schema)
    kind = schema.get("type")
    if kind is None:
        kind = "object" if "properties" in schema or "allOf" in schema else None
    properties = schema.get("properties")
    required = schema.get("required")
    return {
        "name": name,
        "type": kind,
        "propertyCount": len(properties) if isinstance(properties, dict) else 0,
        "required": list(required) if isinstance(required, list) else [],
    }
