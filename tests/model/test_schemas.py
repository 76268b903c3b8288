"""The schema builder alone: JSON Schema in, IR types out (no rendering, no formatting)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.model import ir

from .support import build, codes, definitions, document

STR, INT, ANY = ir.Prim("str"), ir.Prim("int"), ir.Prim("any")


def _field_types(
    tmp_path: Path, properties: dict[str, Any], version: str = "3.1.0"
) -> dict[str, Any]:
    schemas = {"Thing": {"type": "object", "properties": properties}}
    api, _ = build(tmp_path, document(schemas, version=version))
    thing = definitions(api)["Thing"]
    assert isinstance(thing, ir.Model)
    return {field.wire_name: field.type for field in thing.fields}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, ir.Prim("str")),
        ({"type": "integer", "format": "int64"}, ir.Prim("int")),
        ({"type": "number"}, ir.Prim("float")),
        ({"type": "boolean"}, ir.Prim("bool")),
        ({"type": "string", "format": "date-time"}, ir.Prim("datetime")),
        ({"type": "string", "format": "date"}, ir.Prim("date")),
        # uuid stays `str`: servers send ids that are not RFC 4122 UUIDs under format: uuid
        ({"type": "string", "format": "uuid"}, ir.Prim("str")),
        ({"type": "string", "format": "binary"}, ir.Prim("bytes")),
        ({"type": "array", "items": {"type": "integer"}}, ir.Array(INT)),
        ({"type": "object", "additionalProperties": {"type": "string"}}, ir.Map(STR)),
        ({"type": ["string", "null"]}, ir.Nullable(STR)),
        ({"const": "fixed"}, ir.Literal(("fixed",))),
    ],
)
def test_scalar_and_container_types(tmp_path: Path, schema: dict[str, Any], expected: Any) -> None:
    assert _field_types(tmp_path, {"value": schema})["value"] == expected


def test_openapi_30_nullable_keyword(tmp_path: Path) -> None:
    found = _field_types(tmp_path, {"value": {"type": "string", "nullable": True}}, "3.0.3")
    assert found["value"] == ir.Nullable(STR)


def test_references_stay_references_and_required_is_kept(tmp_path: Path) -> None:
    schemas = {
        "Pet": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "owner": {"$ref": "#/components/schemas/Owner"},
            },
        },
        "Owner": {
            "type": "object",
            "properties": {
                "pets": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}
            },
        },
    }
    api, diagnostics = build(tmp_path, document(schemas))
    pet, owner = definitions(api)["Pet"], definitions(api)["Owner"]
    assert isinstance(pet, ir.Model) and isinstance(owner, ir.Model)
    fields = {f.wire_name: f for f in pet.fields}
    assert fields["name"].required and not fields["owner"].required
    assert fields["owner"].type in (ir.Ref("Owner"), ir.Nullable(ir.Ref("Owner")))
    assert owner.fields[0].type in (ir.Array(ir.Ref("Pet")), ir.Nullable(ir.Array(ir.Ref("Pet"))))
    assert codes(diagnostics) == []


def test_a_string_enum_becomes_a_named_enum_of_its_values(tmp_path: Path) -> None:
    schemas = {"Colour": {"type": "string", "enum": ["red", "green", "red"]}}
    api, _ = build(tmp_path, document(schemas))
    colour = definitions(api)["Colour"]
    assert isinstance(colour, ir.Enum)
    assert colour.values == ("red", "green")  # duplicates dropped, spec order kept


def test_one_of_with_a_discriminator_keeps_the_mapping(tmp_path: Path) -> None:
    schemas = {
        "Cat": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "cat"}}},
        "Dog": {"type": "object", "required": ["kind"], "properties": {"kind": {"const": "dog"}}},
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            },
        },
    }
    api, _ = build(tmp_path, document(schemas))
    pet = definitions(api)["Pet"]
    assert isinstance(pet, ir.Alias)
    assert isinstance(pet.type, ir.Union)
    assert pet.type.options == (ir.Ref("Cat"), ir.Ref("Dog"))
    assert pet.type.discriminator == ir.Discriminator("kind", (("cat", "Cat"), ("dog", "Dog")))


def test_all_of_merges_properties_and_required(tmp_path: Path) -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}},
        "Pet": {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "required": ["name"],
                    "properties": {"name": {"type": "string"}},
                },
            ]
        },
    }
    api, _ = build(tmp_path, document(schemas))
    pet = definitions(api)["Pet"]
    assert isinstance(pet, ir.Model)
    assert [(f.wire_name, f.type, f.required) for f in pet.fields] == [
        ("id", INT, True),
        ("name", STR, True),
    ]


def test_a_self_referencing_model_refers_to_itself(tmp_path: Path) -> None:
    schemas = {
        "Node": {
            "type": "object",
            "properties": {
                "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
            },
        }
    }
    api, _ = build(tmp_path, document(schemas))
    node = definitions(api)["Node"]
    assert isinstance(node, ir.Model)
    assert node.fields[0].type in (ir.Array(ir.Ref("Node")), ir.Nullable(ir.Array(ir.Ref("Node"))))


def test_an_unknown_type_is_any_with_a_located_warning(tmp_path: Path) -> None:
    api, diagnostics = build(
        tmp_path, document({"Thing": {"type": "object", "properties": {"x": {"type": "strin"}}}})
    )
    thing = definitions(api)["Thing"]
    assert isinstance(thing, ir.Model)
    assert thing.fields[0].type in (ANY, ir.Nullable(ANY))
    (warning,) = diagnostics.items
    assert warning.code == "W302"
    assert warning.location is not None
    assert warning.location.pointer == "/components/schemas/Thing/properties/x/type"


def test_schemas_nested_beyond_the_depth_limit_are_any(tmp_path: Path) -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(80):
        deep = {"type": "object", "properties": {"inner": deep}}
    api, diagnostics = build(tmp_path, document({"Deep": deep}))
    assert "W309" in codes(diagnostics)
    assert "Deep" in definitions(api)


def test_property_names_become_python_names_and_keep_their_wire_names(tmp_path: Path) -> None:
    found = _field_types(tmp_path, {"class": {"type": "string"}, "dash-name": {"type": "string"}})
    assert set(found) == {"class", "dash-name"}
    api, _ = build(
        tmp_path,
        document(
            {
                "T": {
                    "type": "object",
                    "properties": {"class": {"type": "string"}, "dash-name": {"type": "string"}},
                }
            }
        ),
    )
    model = definitions(api)["T"]
    assert isinstance(model, ir.Model)
    names = {f.wire_name: f.name for f in model.fields}
    assert names["dash-name"] == "dash_name"
    assert names["class"].isidentifier() and names["class"] != "class"
