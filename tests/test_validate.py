"""The 3.1 Schema Object meta-check runs on jsonschema-rs; it must judge every schema as the
pure-Python check does, or specs would gain or lose warnings with the engine."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator, oas31_format_checker

from generator.diagnostics import Diagnostics
from generator.validate import _rust_dialect_checker, validate_document

SCHEMAS: list[Any] = [
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
    {"type": ["string", "null"], "format": "date-time", "const": "x"},
    {"oneOf": [{"$ref": "#/components/schemas/A"}], "discriminator": {"propertyName": "kind"}},
    {"prefixItems": [{"type": "integer"}], "items": False},
    {"type": 5},
    {"type": "strnig"},
    {"minimum": "0"},
    {"exclusiveMinimum": True},
    {"properties": []},
    {"required": "a"},
    {"$ref": 5},
    {"pattern": "("},
    {"discriminator": {"propertyName": 3}},
    {"xml": "x"},
    {"enum": "a"},
    True,
    3,
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[str(s)[:40] for s in SCHEMAS])
def test_rust_meta_check_agrees_with_python(schema: Any) -> None:
    check = _rust_dialect_checker()
    assert check is not None, "jsonschema-rs is a dependency"
    python_ok = True
    try:
        OAS31Validator.check_schema(schema, format_checker=oas31_format_checker)
    except Exception:
        python_ok = False
    rust_ok = True
    try:
        check(schema)
    except Exception:
        rust_ok = False
    assert rust_ok == python_ok


def test_schema_violation_is_located_at_the_schema() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"A": {"type": "object", "properties": {
            "n": {"type": "number", "exclusiveMinimum": True}}}}},
    }
    diagnostics = Diagnostics()
    assert validate_document(document, "3.1", "t.yaml", "file:///t.yaml", diagnostics) == 1
    (found,) = diagnostics.items
    assert found.code == "W100"
    assert found.message == 'spec violation: true is not of type "number"'
    assert found.location is not None
    assert found.location.pointer == "/components/schemas/A/properties/n/exclusiveMinimum"
