"""Placing definitions in modules, and following `$ref`s, on their own."""

from __future__ import annotations

from pathlib import Path

from generator.model import ir
from generator.model.modules import strongly_connected

from .support import build, codes, definitions, document


def test_strongly_connected_groups_are_deterministic_and_in_order() -> None:
    order = ["A", "B", "C", "D", "E"]
    deps = {"A": {"B"}, "B": {"A", "C"}, "C": set(), "D": {"D"}, "E": {"Missing"}}
    groups = strongly_connected(order, deps)
    assert sorted(map(sorted, groups)) == [["A", "B"], ["C"], ["D"], ["E"]]
    assert strongly_connected(order, deps) == groups  # same input, same output
    # Dependencies come before the groups that use them.
    position = {name: i for i, group in enumerate(groups) for name in group}
    assert position["C"] < position["A"]


def test_strongly_connected_handles_long_chains_without_recursion() -> None:
    order = [f"M{i}" for i in range(20_000)]
    deps = {f"M{i}": {f"M{i + 1}"} for i in range(19_999)}
    deps["M19999"] = {"M0"}  # one cycle through all of them
    (group,) = strongly_connected(order, deps)
    assert len(group) == 20_000


def test_mutually_referring_models_share_a_module_and_others_get_their_own(tmp_path: Path) -> None:
    schemas = {
        "Parent": {
            "type": "object",
            "properties": {"child": {"$ref": "#/components/schemas/Child"}},
        },
        "Child": {
            "type": "object",
            "properties": {"parent": {"$ref": "#/components/schemas/Parent"}},
        },
        "Lonely": {"type": "object", "properties": {"x": {"type": "string"}}},
    }
    api, _ = build(tmp_path, document(schemas))
    module_of = {d.name: module.name for module in api.modules for d in module.definitions}
    assert module_of["Parent"] == module_of["Child"]
    assert module_of["Lonely"] != module_of["Parent"]
    assert sorted(api.model_names) == sorted((name, module_of[name]) for name in module_of)


def test_module_names_are_safe_file_stems(tmp_path: Path) -> None:
    schemas = {name: {"type": "object"} for name in ("CON", "Nul", "con.fig", "Ünïcode")}
    api, _ = build(tmp_path, document(schemas))
    for module in api.modules:
        assert module.name.isidentifier()
        assert module.name.lower() not in {"con", "nul", "prn", "aux"}


def test_an_unresolved_ref_is_any_with_the_place_of_the_ref(tmp_path: Path) -> None:
    schemas = {"T": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/Nope"}}}}
    api, diagnostics = build(tmp_path, document(schemas))
    model = definitions(api)["T"]
    assert isinstance(model, ir.Model)
    assert model.fields[0].type in (ir.Prim("any"), ir.Nullable(ir.Prim("any")))
    (warning,) = [item for item in diagnostics.items if item.code == "W201"]
    assert warning.location is not None
    assert warning.location.pointer == "/components/schemas/T/properties/x/$ref"


def test_a_circular_ref_chain_is_reported_once_and_generation_goes_on(tmp_path: Path) -> None:
    schemas = {
        "A": {"$ref": "#/components/schemas/B"},
        "B": {"$ref": "#/components/schemas/A"},
        "User": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
    }
    api, diagnostics = build(tmp_path, document(schemas))
    assert "User" in definitions(api)
    assert codes(diagnostics) == ["W308"]  # a $ref cycle with no schema in it, reported once


def test_escaped_pointer_segments_resolve(tmp_path: Path) -> None:
    doc = document({"T": {"type": "object", "properties": {"x": {"$ref": "#/x-defs/a~1b/c~0d"}}}})
    doc["x-defs"] = {"a/b": {"c~d": {"type": "integer"}}}
    api, diagnostics = build(tmp_path, doc)
    model = definitions(api)["T"]
    assert isinstance(model, ir.Model)
    assert model.fields[0].type in (ir.Prim("int"), ir.Nullable(ir.Prim("int")))
    assert codes(diagnostics) == []
