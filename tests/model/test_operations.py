"""The operation builder alone: parameters, bodies, errors and streaming as IR data.

Operations are found by (HTTP method, path), so these tests hold whatever names the naming
model gives them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.model import ir

from .support import build, codes, document, operations

PET = {"type": "object", "properties": {"name": {"type": "string"}}}


def _one(tmp_path: Path, path: str, method: str, operation: dict[str, Any]) -> ir.Operation:
    doc = document({"Pet": PET}, {path: {method: operation}})
    api, _ = build(tmp_path, doc)
    return operations(api)[(method.upper(), path)]


def test_parameters_keep_wire_names_places_and_required(tmp_path: Path) -> None:
    operation = _one(
        tmp_path,
        "/pets/{petId}",
        "get",
        {
            "operationId": "getPet",
            "parameters": [
                {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "include-owner", "in": "query", "schema": {"type": "boolean"}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
            ],
            "responses": {"200": {"description": "ok"}},
        },
    )
    found = {p.wire_name: (p.name, p.location_in, p.required, p.type) for p in operation.parameters}
    assert found["petId"][1:] == ("path", True, ir.Prim("int"))
    assert found["include-owner"][1:3] == ("query", False)
    assert found["X-Trace"][1] == "header"
    assert all(name.isidentifier() for name, *_ in found.values())
    assert found["include-owner"][0] == "include_owner"


def test_a_json_object_body_is_exploded_into_keyword_arguments(tmp_path: Path) -> None:
    operation = _one(
        tmp_path,
        "/pets",
        "post",
        {
            "operationId": "createPet",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                        }
                    }
                },
            },
            "responses": {"201": {"description": "created"}},
        },
    )
    assert operation.body is not None
    assert operation.body.content_type == "application/json"
    assert [(f.wire_name, f.required, f.type) for f in operation.body.fields] == [
        ("name", True, ir.Prim("str")),
        ("age", False, ir.Prim("int")),
    ]
    assert operation.body.whole_name is None


def test_a_non_object_body_is_taken_whole(tmp_path: Path) -> None:
    operation = _one(
        tmp_path,
        "/pets/batch",
        "post",
        {
            "operationId": "createPets",
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
                    }
                }
            },
            "responses": {"200": {"description": "ok"}},
        },
    )
    assert operation.body is not None
    assert operation.body.fields == ()
    assert operation.body.whole_name is not None


def test_a_multipart_binary_property_is_a_file(tmp_path: Path) -> None:
    operation = _one(
        tmp_path,
        "/upload",
        "post",
        {
            "operationId": "upload",
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                }
            },
            "responses": {"200": {"description": "ok"}},
        },
    )
    assert operation.body is not None
    assert [(f.wire_name, f.is_file) for f in operation.body.fields] == [("file", True)]


def test_response_kinds_follow_the_content_type(tmp_path: Path) -> None:
    def kind(content: dict[str, Any] | None) -> str:
        response: dict[str, Any] = {"description": "ok"}
        if content is not None:
            response["content"] = content
        return _one(tmp_path, "/x", "get", {"responses": {"200": response}}).response_kind

    assert kind({"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}) == "json"
    assert kind({"text/plain": {"schema": {"type": "string"}}}) == "text"
    assert (
        kind({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        == "binary"
    )
    assert kind(None) == "none"


def test_error_responses_map_to_the_runtime_exception_for_their_status(tmp_path: Path) -> None:
    operation = _one(
        tmp_path,
        "/pets",
        "get",
        {
            "responses": {
                "200": {"description": "ok"},
                "404": {"description": "missing", "content": {"application/json": {"schema": PET}}},
                "429": {"description": "slow down"},
                "5XX": {"description": "server"},
            }
        },
    )
    found = {error.status: error.error_class for error in operation.errors}
    assert found.get("404") == "NotFoundError"
    assert found.get("5XX", "APIStatusError") in {"InternalServerError", "APIStatusError"}


def test_an_event_stream_response_makes_a_streaming_operation(tmp_path: Path) -> None:
    operation = _one(
        tmp_path,
        "/events",
        "get",
        {
            "responses": {
                "200": {
                    "description": "events",
                    "content": {
                        "text/event-stream": {"schema": {"$ref": "#/components/schemas/Pet"}}
                    },
                }
            }
        },
    )
    assert operation.stream_mode == "always"


def test_duplicate_operation_ids_get_distinct_names_and_a_warning(tmp_path: Path) -> None:
    same = {"operationId": "listPets", "responses": {"200": {"description": "ok"}}}
    api, diagnostics = build(
        tmp_path, document({}, {"/pets": {"get": same}, "/animals": {"get": same}})
    )
    found = operations(api)
    names = {found[("GET", "/pets")].method_name, found[("GET", "/animals")].method_name}
    assert len(names) == 2 or len({id(r) for r in api.resources}) == 2
    assert "W401" in codes(diagnostics)


def test_every_operation_of_the_document_is_in_the_ir(tmp_path: Path) -> None:
    ok = {"responses": {"200": {"description": "ok"}}}
    paths = {f"/items{i}": {"get": dict(ok), "delete": dict(ok)} for i in range(30)}
    api, _ = build(tmp_path, document({}, paths))
    assert len(operations(api)) == 60
    assert api.operation_total == 60
