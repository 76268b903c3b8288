"""What `validator_adapter` assumes about the installed openapi-spec-validator and
openapi-schema-validator. Each test names one assumption; an upgrade that changes it fails here,
rather than making validation slower (quadratic registries), slower still (meta-checks back on
pure Python) or its findings placed nowhere."""

from __future__ import annotations

import inspect
import json
from importlib.resources import files
from typing import Any

import pytest
from jsonschema_path import SchemaPath
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.validation.registries import KeywordValidatorRegistry

from generator.diagnostics import Diagnostics
from generator.validate import validator_adapter
from generator.validate.openapi import validate_document

STOCK = [
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
]
VERSIONS = ["2.0", "3.0", "3.1", "3.2"]


@pytest.mark.parametrize("stock", STOCK, ids=VERSIONS)
def test_the_registries_are_empty_lists_the_stock_validators_make(stock: Any) -> None:
    registry = KeywordValidatorRegistry(stock.keyword_validators)
    for keyword, names in validator_adapter.REGISTRIES.items():
        validator = registry[keyword]
        for name in names:
            assert type(getattr(validator, name)) is list, (keyword, name)
            assert getattr(validator, name) == []


@pytest.mark.parametrize("version", VERSIONS)
def test_the_adapted_validators_keep_their_registries_as_sets(version: str) -> None:
    adapted = validator_adapter.spec_validator_class(version, {}, {}, {})
    registry = KeywordValidatorRegistry(adapted.keyword_validators)
    for keyword, names in validator_adapter.REGISTRIES.items():
        for name in names:
            assert isinstance(getattr(registry[keyword], name), validator_adapter._Registry)


@pytest.mark.parametrize("stock", STOCK, ids=VERSIONS)
def test_keyword_validators_are_called_with_the_schema_path_they_check(stock: Any) -> None:
    """The places come from the SchemaPath argument of each keyword validator's call; the
    schema keyword's call takes `meta_checked`, which the meta-check on jsonschema-rs sets."""
    for keyword in ("schema", "operation", "parameters", "path", "default"):
        if keyword not in stock.keyword_validators:
            continue
        parameters = inspect.signature(stock.keyword_validators[keyword].__call__).parameters
        annotated = [str(p.annotation) for p in parameters.values()]
        assert any("SchemaPath" in text for text in annotated), (keyword, annotated)
    schema_call = inspect.signature(stock.keyword_validators["schema"].__call__)
    assert list(schema_call.parameters) == ["self", "schema", "require_properties", "meta_checked"]
    assert hasattr(SchemaPath.from_dict({}), "parts")


def test_the_31_meta_schemas_are_where_the_adapter_reads_them() -> None:
    assert OAS31Validator.META_SCHEMA["$id"] == validator_adapter.OAS31_DIALECT
    resource = files("openapi_schema_validator").joinpath(validator_adapter.VOCABULARY_RESOURCE)
    assert json.loads(resource.read_text("utf-8"))["$id"] == validator_adapter.OAS31_VOCABULARY


def _document(**extra: Any) -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}, **extra}


def _findings(document: dict[str, Any], version: str = "3.1") -> list[tuple[str, str]]:
    diagnostics = Diagnostics()
    validate_document(document, version, "t.yaml", "file:///nowhere/t.yaml", diagnostics)
    return [(d.message, d.location.pointer if d.location else "") for d in diagnostics.items]


def test_schema_object_meta_checks_run_on_jsonschema_rs() -> None:
    """jsonschema-rs quotes with double quotes and writes JSON (`true`); pure-Python jsonschema
    with single quotes and writes Python (`True`): the wording tells which one judged."""
    bad = {"type": "number", "exclusiveMinimum": True}  # 3.1: not a number; 3.0: no minimum
    expected = {
        "3.1": ('spec violation: true is not of type "number"', "/exclusiveMinimum"),
        "3.0": ('spec violation: "minimum" is a required property', ""),
    }
    for version, openapi in (("3.1", "3.1.0"), ("3.0", "3.0.3")):
        document = _document(openapi=openapi, components={"schemas": {"A": bad}})
        message, under = expected[version]
        assert _findings(document, version) == [(message, "/components/schemas/A" + under)]


def test_a_schema_of_another_dialect_takes_the_stock_path() -> None:
    other = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "minProperties": "one",
    }
    (found,) = _findings(_document(components={"schemas": {"A": other}}))
    assert "'one' is not of type 'integer'" in found[0]
    assert found[1] == "/components/schemas/A/minProperties"


def _operation(operation_id: str, **extra: Any) -> dict[str, Any]:
    return {"operationId": operation_id, "responses": {"200": {"description": "ok"}}, **extra}


def test_findings_without_a_path_are_placed_by_the_keyword_that_found_them() -> None:
    schema_with_extra: dict[str, Any] = {
        "allOf": [{"type": "object"}],
        "required": ["missing"],
        "properties": {"a": {"type": "string"}},
    }
    document = _document(
        paths={
            "/a": {"get": _operation("same")},
            "/b/{id}": {"get": _operation("same")},
            "/c": {
                "get": _operation(
                    "other",
                    parameters=[
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "schema": {"type": "string"}},
                    ],
                )
            },
        },
        components={
            "schemas": {
                "Extra": schema_with_extra,
                "Default": {"type": "integer", "default": "seven"},
                "Ref": {"$ref": "#/components/schemas/Default"},
            }
        },
    )
    found = dict(_findings(document))
    places = {message.split(":", 1)[1].strip()[:24]: pointer for message, pointer in found.items()}
    assert places == {
        "Operation ID 'same' for ": "/paths/~1b~1{id}/get/operationId",
        "Path parameter 'id' for ": "/paths/~1b~1{id}/get",
        "Duplicate parameter 'q'": "/paths/~1c/get/parameters",
        "Required list has not de": "/components/schemas/Extra",
        "'seven' is not of type '": "/components/schemas/Default/default",
    }, found
