"""`generator.overlay`: JSONPath targets, update/remove semantics, diagnostics, no mutation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import Config
from generator.diagnostics import Diagnostics, Location, Severity
from generator.load.sources import Sources
from generator.overlay.apply import MAX_COPIED, apply_overlay, apply_overlays, overlay_source
from generator.overlay.document import load_overlay, parse_overlay
from generator.overlay.jsonpath import MAX_NESTING, JsonPathError, compile_path, query
from generator.overlay.select import OverlayLimitError
from generator.pipeline import Run, build, load_spec
from generator.render.types import TypePrinter
from tests.hostile.strategies import alias_bomb

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "openrouter.yaml"

DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pets", "x-logo": {"url": "logo.png"}},
    "tags": [{"name": "pets"}, {"name": "admin"}],
    "paths": {
        "/pets": {
            "get": {
                "operationId": "listPets",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    {"name": "X-Trace", "in": "header"},
                    {"name": "page", "in": "query", "deprecated": True},
                ],
                "responses": {"200": {"description": "ok"}},
            },
            "post": {"operationId": "createPet", "deprecated": True, "x-internal": True},
        },
        "/pets/{id}": {"get": {"operationId": "getPet", "x-rank": 2}},
    },
}


def overlay(*actions: Any) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def applied(document: Any, *actions: dict[str, Any]) -> tuple[Any, Diagnostics]:
    diagnostics = Diagnostics()
    parsed = parse_overlay(overlay(*actions), "overlay.yaml", diagnostics)
    assert parsed is not None, [d.format() for d in diagnostics]
    return apply_overlay(document, parsed, diagnostics), diagnostics


# --- JSONPath ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("$.info.title", ["Pets"]),
        ("$['info']['title']", ["Pets"]),
        ('$["info"]["title"]', ["Pets"]),
        ("$.info['x-logo'].url", ["logo.png"]),
        ("$.paths['/pets'].get.operationId", ["listPets"]),
        ("$.paths.*.*.operationId", ["listPets", "createPet", "getPet"]),
        ("$.paths[*][*].operationId", ["listPets", "createPet", "getPet"]),
        ("$..operationId", ["listPets", "createPet", "getPet"]),
        ("$..['operationId']", ["listPets", "createPet", "getPet"]),
        ("$.tags[0].name", ["pets"]),
        ("$.tags[-1].name", ["admin"]),
        ("$.tags[5].name", []),
        ("$..parameters[0:2].name", ["limit", "X-Trace"]),
        ("$..parameters[::2].name", ["limit", "page"]),
        ("$.tags['name']", []),
        ("$.paths['/pets']['get','post'].operationId", ["listPets", "createPet"]),
        ("$.paths.*[?(@.operationId == 'createPet')].operationId", ["createPet"]),
        ("$.paths.*[?@.operationId=='createPet'].operationId", ["createPet"]),
        ('$.paths.*[?(@.operationId != "createPet")].operationId', ["listPets", "getPet"]),
        ("$.paths.*[?(@.deprecated)].operationId", ["createPet"]),
        ("$.paths.*[?(!@.deprecated)].operationId", ["listPets", "getPet"]),
        ("$.paths.*[?(@.deprecated == true)].operationId", ["createPet"]),
        ("$.paths.*[?(@['x-rank'] >= 2)].operationId", ["getPet"]),
        ("$.paths.*[?(@['x-rank'] < 2)].operationId", []),
        ("$..parameters[?(@.in == 'query' && @.deprecated)].name", ["page"]),
        ("$..parameters[?(@.in == 'header' || @.name == 'limit')].name", ["limit", "X-Trace"]),
        ("$..parameters[?(@.schema.type == 'integer')].name", ["limit"]),
        ("$..[?(@.name == 'admin')].name", ["admin"]),
        ("$..[?(@.operationId == $.paths['/pets'].get.operationId)].operationId", ["listPets"]),
        ("$..*[?(@.operationId == 'getPet')]['x-rank']", [2]),
        ("$.nothing.here", []),
    ],
)
def test_jsonpath(expression: str, expected: list[Any]) -> None:
    assert query(expression, DOC) == expected


def test_jsonpath_paths_and_root() -> None:
    assert compile_path("$").find(DOC) == [((), DOC)]
    found = compile_path("$..parameters[?(@.name == 'page')]").find(DOC)
    assert [path for path, _ in found] == [("paths", "/pets", "get", "parameters", 2)]
    # A node reached twice is selected once.
    assert len(compile_path("$.tags[0,0,-2]").find(DOC)) == 1


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("paths", "expected '$', found 'p' at position 1"),
        ("$.", "unexpected end of expression at position 3"),
        ("$[", "unbalanced brackets"),
        ("$['a'", "unbalanced brackets"),
        ("$['a]", "unclosed string"),
        ("$[?(@.a == )]", "unexpected ')' at position 12"),
        ("$[?(@.a == 'x']", "unbalanced brackets"),
        ("$[?'x']", "literals outside of function expressions must be compared"),
        ("$[?length(@.a) > 1]", "function extensions (length(), match(), ...) are not supported"),
        ("$.a b", "found 'b' at position 5"),
        ("$[a]", "unexpected token 'a'"),
        # RFC 9535 names with `-` or `/` go in brackets: $.info['x-logo']
        ("$.info.x-logo", "found '-' at position 9"),
        ("$[?!@.a == 1]", "only a literal or a query for one node can be compared"),
    ],
)
def test_jsonpath_errors(expression: str, reason: str) -> None:
    with pytest.raises(JsonPathError) as caught:
        compile_path(expression)
    assert reason in str(caught.value)


# --- update and remove ---------------------------------------------------------------------------


def test_update_merges_objects_recursively_and_appends_arrays() -> None:
    before = copy.deepcopy(DOC)
    result, diagnostics = applied(
        DOC,
        {
            "target": "$.paths['/pets'].get",
            "update": {
                "summary": "List pets",
                "operationId": "listAllPets",
                "responses": {"200": {"description": "the pets"}, "404": {"description": "no"}},
                "parameters": [{"name": "sort", "in": "query"}],
            },
        },
    )
    get = result["paths"]["/pets"]["get"]
    assert get["summary"] == "List pets" and get["operationId"] == "listAllPets"
    assert get["responses"] == {"200": {"description": "the pets"}, "404": {"description": "no"}}
    assert [p["name"] for p in get["parameters"]] == ["limit", "X-Trace", "page", "sort"]
    assert list(diagnostics) == []
    assert before == DOC  # the input is untouched


def test_update_on_an_array_appends_an_entry() -> None:
    result, _ = applied(
        DOC,
        {"target": "$.tags", "update": {"name": "new"}},
        {"target": "$.tags", "update": [{"name": "a"}, {"name": "b"}]},
    )
    assert [t["name"] for t in result["tags"]] == ["pets", "admin", "new", "a", "b"]


def test_update_the_root() -> None:
    result, _ = applied(DOC, {"target": "$", "update": {"servers": [{"url": "https://x"}]}})
    assert result["servers"] == [{"url": "https://x"}]
    assert "servers" not in DOC


def test_remove_deletes_every_selected_node() -> None:
    result, diagnostics = applied(
        DOC,
        {"target": "$.paths.*[?(@.deprecated == true)]", "remove": True},
        {"target": "$..parameters[?(@.in == 'query')]", "remove": True},
        {"target": "$.info['x-logo']", "remove": True, "update": {"ignored": True}},
    )
    assert list(result["paths"]["/pets"]) == ["get"]
    assert [p["name"] for p in result["paths"]["/pets"]["get"]["parameters"]] == ["X-Trace"]
    assert result["info"] == {"title": "Pets"}
    assert list(diagnostics) == []
    assert "post" in DOC["paths"]["/pets"]


def test_remove_of_a_node_and_its_descendant_together() -> None:
    result, _ = applied(DOC, {"target": "$..[?(@.operationId)]", "remove": True})
    assert result["paths"] == {"/pets": {}, "/pets/{id}": {}}


def test_actions_apply_in_order() -> None:
    result, diagnostics = applied(
        DOC,
        {"target": "$.paths['/pets/{id}']", "remove": True},
        {"target": "$.paths", "update": {"/pets/{id}": {"delete": {"operationId": "deletePet"}}}},
    )
    assert result["paths"]["/pets/{id}"] == {"delete": {"operationId": "deletePet"}}
    assert list(diagnostics) == []


def test_inserted_values_are_fresh_copies() -> None:
    update = {"x-tags": ["one"]}
    result, _ = applied(DOC, {"target": "$.paths.*.*", "update": update})
    result["paths"]["/pets"]["get"]["x-tags"].append("two")
    assert result["paths"]["/pets"]["post"]["x-tags"] == ["one"]
    assert update == {"x-tags": ["one"]}


def test_yaml_anchors_become_independent_nodes() -> None:
    document = yaml.safe_load("shared: &s {type: string}\na: {schema: *s}\nb: {schema: *s}\n")
    assert document["a"]["schema"] is document["b"]["schema"]
    result, _ = applied(document, {"target": "$.a.schema", "update": {"format": "uuid"}})
    assert result["a"]["schema"] == {"type": "string", "format": "uuid"}
    assert result["b"]["schema"] == {"type": "string"}
    assert document["shared"] == {"type": "string"}


def test_unmatched_target_is_a_located_warning() -> None:
    result, diagnostics = applied(
        DOC,
        {"target": "$.info", "update": {"title": "New"}},
        {"target": "$.paths['/nope'].get", "update": {"summary": "x"}},
    )
    assert result["info"]["title"] == "New"
    (warning,) = list(diagnostics)
    assert warning.severity == Severity.WARNING and warning.code == "W702"
    assert warning.location == Location("overlay.yaml", "/actions/1/target")
    assert "$.paths['/nope'].get" in warning.message


def test_update_that_does_not_fit_is_skipped_with_a_warning() -> None:
    result, diagnostics = applied(
        DOC,
        {"target": "$.info.title", "update": {"a": 1}},
        {"target": "$.info", "update": "text"},
        {"target": "$", "remove": True},
    )
    assert result == DOC
    assert [d.code for d in diagnostics] == ["W703", "W703", "W703"]


# --- invalid overlays ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "code", "pointer", "text"),
    [
        ([], "E701", "", "must be a mapping"),
        ({"openapi": "3.1.0", "paths": {}}, "E701", "", "no `overlay` version"),
        (
            {"overlay": "2.0.0", "actions": [{"target": "$", "remove": True}]},
            "E701",
            "/overlay",
            "unsupported overlay version",
        ),
        (overlay(), "E701", "/actions", "non-empty list"),
        ({"overlay": "1.0.0", "info": {}}, "E701", "", "non-empty list"),
        (overlay("x"), "E701", "/actions/0", "must be a mapping"),
        (overlay({"update": {}}), "E701", "/actions/0", "needs a `target`"),
        (overlay({"target": 3}), "E701", "/actions/0/target", "needs a `target`"),
        (overlay({"target": "$.a["}), "E702", "/actions/0/target", "invalid JSONPath"),
        (overlay({"target": "$", "remove": "yes"}), "E701", "/actions/0/remove", "true or false"),
        (overlay({"target": "$.a", "copy": "$.b"}), "E701", "/actions/0/copy", "not supported"),
    ],
)
def test_invalid_overlays_are_errors(document: Any, code: str, pointer: str, text: str) -> None:
    diagnostics = Diagnostics()
    assert parse_overlay(document, "o.yaml", diagnostics) is None
    errors = [d for d in diagnostics if d.severity == Severity.ERROR]
    assert [(d.code, d.location) for d in errors] == [(code, Location("o.yaml", pointer))]
    assert text in errors[0].message


def test_ignored_content_is_a_warning() -> None:
    document = {
        "overlay": "1.0.0",
        "extra": 1,
        "x-ok": 2,
        "actions": [{"target": "$", "note": 1}, {"target": "$", "remove": False}],
    }
    diagnostics = Diagnostics()
    parsed = parse_overlay(document, "o.yaml", diagnostics)
    assert parsed is not None and len(parsed.actions) == 2
    assert [(d.code, d.location.pointer if d.location else None) for d in diagnostics] == [
        ("W701", ""),
        ("W701", "/extra"),
        ("W701", "/actions/0/note"),
        ("W701", "/actions/0"),
        ("W701", "/actions/1"),
    ]


def test_an_invalid_overlay_applies_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(overlay({"target": "$.info", "update": {"title": "X"}})))
    bad = tmp_path / "bad.yaml"
    bad.write_text("overlay: 1.0.0\nactions: []\n")
    diagnostics = Diagnostics()
    assert apply_overlays(DOC, [good, bad], diagnostics) is DOC
    assert diagnostics.has_errors


def test_a_missing_overlay_file_is_an_error(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert load_overlay(tmp_path / "nope.yaml", diagnostics) is None
    assert [d.code for d in diagnostics] == ["E001"]


# --- hostile overlays: every one ends quickly with a located error ----------------------------


@pytest.mark.parametrize(
    "target",
    [
        "$[?(" + "!" * 5000 + "@.a)]",
        "$[?" + "(" * 5000 + "@.a" + ")" * 5000 + "]",
        "$" + "[?@" * 3000 + "]" * 3000,
        "$[?(" + "!(" * 2000 + "@.a" + ")" * 2001 + "]",
    ],
)
def test_nesting_beyond_the_limit_is_an_invalid_path(target: str) -> None:
    diagnostics = Diagnostics()
    assert parse_overlay(overlay({"target": target, "remove": True}), "o.yaml", diagnostics) is None
    (error,) = list(diagnostics)
    assert (error.code, error.location) == ("E702", Location("o.yaml", "/actions/0/target"))
    assert f"nest more than {MAX_NESTING} deep" in error.message
    assert len(error.message) < 400  # the expression is excerpted, not printed whole


def test_nesting_up_to_the_limit_still_works() -> None:
    depth = MAX_NESTING - 1  # the filter itself is one level
    target = "$.tags[?" + "(" * depth + "@.name == 'pets'" + ")" * depth + "]"
    assert query(target, DOC) == [{"name": "pets"}]
    assert query("$.tags[?" + "!" * (MAX_NESTING - 2) + "(@.name == 'pets')]", DOC) == [
        {"name": "pets"}
    ]


def _chain(depth: int) -> dict[str, Any]:
    node: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        node = {"a": node}
    return node


def _innermost(node: dict[str, Any]) -> dict[str, Any]:
    while "a" in node:
        node = node["a"]
    return node


def test_descendant_chains_are_bounded_by_nodes_visited() -> None:
    document = _chain(50)
    # Repeated nodes are dropped after each `..`: the answer is what RFC 9535 gives, once each.
    assert len(compile_path("$..*..*").find(document)) == 50
    with pytest.raises(OverlayLimitError, match="visits more than 1,000 nodes"):
        compile_path("$" + "..*" * 40).find(document, max_visits=1000)
    with pytest.raises(OverlayLimitError):  # a $-rooted query inside a filter: nodes squared
        compile_path("$..[?($..leaf)]").find(document, max_visits=1000)


def test_a_costly_target_is_a_located_error_and_nothing_is_applied(tmp_path: Path) -> None:
    """10,000 values under 240 nested objects and `$..*..*`: each value is visited once per
    object above it, 2.4 million visits, past the limit."""
    document = _chain(240)
    _innermost(document)["leaf"] = list(range(10_000))
    file = tmp_path / "overlay.yaml"
    file.write_text(
        "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
        "  - target: $.a\n    update: {x: 1}\n"
        "  - target: $..*..*\n    update: {x: 1}\n",
        encoding="utf-8",
    )
    diagnostics = Diagnostics()
    sources = Sources(tmp_path, diagnostics)
    assert apply_overlays(document, [file], diagnostics, sources) is document
    assert "x" not in document["a"]
    (error,) = [d for d in diagnostics.located(sources.locate) if d.severity == Severity.ERROR]
    assert error.code == "E703" and error.location is not None
    assert (Path(error.location.file).name, error.location.pointer, error.line) == (
        "overlay.yaml",
        "/actions/1",
        6,
    )
    assert "action 1" in error.message and "visits more than" in error.message


def test_an_alias_bomb_in_an_update_is_not_expanded() -> None:
    bomb = alias_bomb(levels=8, width=10)  # 10**8 leaves, written as nine short lists
    result, diagnostics = applied(DOC, {"target": "$.info", "update": {"x-bomb": bomb}})
    assert result is DOC and "x-bomb" not in DOC["info"]
    (error,) = list(diagnostics)
    assert error.code == "E703" and error.location == Location("overlay.yaml", "/actions/0")
    assert f"{MAX_COPIED:,} nodes" in error.message


def test_a_bomb_appended_to_an_array_is_not_expanded() -> None:
    bomb = alias_bomb(levels=8, width=10)
    result, diagnostics = applied(DOC, {"target": "$.tags", "update": bomb})
    assert result is DOC and [d.code for d in diagnostics] == ["E703"]


def test_deep_and_self_containing_updates_merge_without_recursion() -> None:
    deep = _chain(250)  # with `info` and the root: 252 levels, within the loader's 256
    result, diagnostics = applied(
        {"info": {"a": {"a": {"keep": True}}}}, {"target": "$.info", "update": deep}
    )
    assert not list(diagnostics)
    node = result["info"]
    for _ in range(250):
        node = node["a"]
    assert node["leaf"] == 1 and result["info"]["a"]["a"]["keep"] is True
    looped = yaml.safe_load("x: &x {name: loop, self: *x}\n")["x"]
    result, diagnostics = applied(
        {"info": {"self": {"other": 1}}}, {"target": "$.info", "update": looped}
    )
    assert result["info"]["name"] == "loop" and result["info"]["self"]["other"] == 1
    assert result["info"]["self"]["self"] is result["info"]["self"]["self"]["self"]
    assert result["info"]["self"]["self"] is not looped  # a copy, keeping its cycle


# --- on the real spec ----------------------------------------------------------------------------


def test_overlay_on_the_showcase_spec_before_building(tmp_path: Path) -> None:
    file = tmp_path / "overlay.yaml"
    file.write_text(
        "overlay: 1.0.0\n"
        "info: {title: Trim the API, version: 1.0.0}\n"
        "actions:\n"
        "  - target: $.paths['/keys/{hash}'].delete\n"
        "    description: Keys are never deleted from this client\n"
        "    remove: true\n"
        "  - target: $.paths.*[?(@.operationId == 'getCredits')]\n"
        "    update: {x-oagen-name: get_balance}\n"
        "  - target: $.paths['/models'].get.parameters[?(@.name == 'category')].schema.enum\n"
        "    update: music\n"
        "  - target: $.paths['/gone']\n"
        "    remove: true\n",
        encoding="utf-8",
    )
    run = Run(Config())
    source = load_spec(run, SPEC)
    assert source is not None and run.sources is not None
    original = json.dumps(source.data, sort_keys=True)
    overlaid = overlay_source(source, [file], run.diagnostics, run.sources)
    assert json.dumps(source.data, sort_keys=True) == original  # never mutated
    api = build(run, overlaid, "3.1.0")
    calls = {f"{op.resource}.{op.method_name}" for r in api.resources for op in r.operations}
    assert "keys.delete" not in calls and "credits.get_balance" in calls
    models = next(op for r in api.resources for op in r.operations if op.resource == "models")
    assert '"music"' in TypePrinter.of(api).argument(models.parameters[0])
    # The unmatched target is reported with its line in the overlay file.
    (warning,) = [d for d in run.diagnostics.located(run.locate) if d.code == "W702"]
    assert warning.location is not None and warning.location.pointer == "/actions/3/target"
    assert warning.line == 11
