"""Hostile overlays: what an overlay author (a pull request, a vendor) can make oagen spend, read,
fetch or print. Each case must end with a located diagnostic, never a traceback."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import Diagnostics, Severity
from generator.load.bounds import MAX_DEPTH
from generator.load.sources import Sources
from generator.overlay.apply import apply_overlay
from generator.overlay.document import load_overlay, parse_overlay
from generator.overlay.jsonpath import (
    MAX_INDEX,
    MAX_NESTING,
    MAX_OPERATORS,
    MAX_TARGET_LENGTH,
    JsonPathError,
    compile_path,
)
from generator.overlay.select import OverlayLimitError
from tests.support.audited import run_oagen
from tests.support.counting_server import counting_server

HEAD = 'overlay: 1.0.0\ninfo: {title: o, version: "1"}\n'
SPEC = """\
openapi: 3.1.0
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      properties:
        name: {type: string}
"""
SECRET = "s3cr3t-overlay-4b9d"


def _overlay(*actions: dict[str, Any]) -> dict[str, Any]:
    return {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": list(actions)}


def _chain(depth: int, leaf: Any = 1) -> Any:
    node = leaf
    for _ in range(depth):
        node = {"a": node}
    return node


# --- JSONPath numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "$..[" + "9" * 5000 + "]",  # int() refuses more than 4,300 digits: was a ValueError
        "$.tags[0:" + "9" * 5000 + "]",
        "$.tags[::-" + "9" * 20 + "]",
        f"$[{MAX_INDEX + 1}]",
        f"$[-{MAX_INDEX + 1}]",
    ],
)
def test_an_index_outside_the_json_range_is_a_path_error(expression: str) -> None:
    with pytest.raises(JsonPathError) as caught:
        compile_path(expression)
    assert "outside" in caught.value.reason and len(str(caught.value)) < 500


def test_the_largest_json_index_is_allowed() -> None:
    assert compile_path(f"$[{MAX_INDEX}]").find([1, 2]) == []
    assert compile_path(f"$[-{MAX_INDEX}:{MAX_INDEX}]").find([1, 2]) == [((0,), 1), ((1,), 2)]


def test_an_integer_literal_of_5000_digits_is_a_path_error() -> None:
    with pytest.raises(JsonPathError) as caught:
        compile_path("$..[?@.x == " + "9" * 5000 + "]")
    assert "5,000 digits" in caught.value.reason
    # Long fractions are floats, which have no digit limit; a number past a float's range is
    # refused (the parser reads an exponent through a float), located, not a traceback.
    assert compile_path("$..[?@.x == 1." + "9" * 5000 + "]").find({"x": 1}) == []
    with pytest.raises(JsonPathError, match="outside the range JSON allows"):
        compile_path("$..[?@.x == 1e999]")


def test_a_huge_index_in_an_overlay_is_located_not_a_traceback(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    parsed = parse_overlay(
        _overlay({"target": "$..[" + "9" * 5000 + "]", "remove": True}), "overlay.yaml", diagnostics
    )
    assert parsed is None
    (error,) = list(diagnostics)
    assert error.code == "E702" and error.location is not None
    assert error.location.pointer == "/actions/0/target"


# --- comparisons are paid for, and do not recurse ---------------------------------------------


def test_comparing_whole_subtrees_counts_against_the_budget() -> None:
    """`@ == @` compares each node's subtree once per ancestor: 100 objects over 10,000 values
    visit 10,100 nodes but compare a million. Comparisons were free (111 s for 200 objects over
    a million values, before the 2,000,000-node limit stopped the walk)."""
    document = _chain(100, list(range(10_000)))
    with pytest.raises(OverlayLimitError):
        compile_path("$..[?@ == @]").find(document, max_visits=200_000)
    assert len(compile_path("$..[?@ == @]").find(document, max_visits=3_000_000)) == 10_100


def test_comparing_long_strings_counts_their_length() -> None:
    long = "x" * 1_000_000
    document = {"s": long, "items": ["".join(["x"] * 1_000_000)] * 200}  # one other object
    with pytest.raises(OverlayLimitError):
        compile_path("$.items[?@ == $.s]").find(document, max_visits=100_000)
    with pytest.raises(OverlayLimitError):
        compile_path("$.items[?@ <= $.s]").find(document, max_visits=100_000)
    assert len(compile_path("$.items[?@ == $.s]").find(document)) == 200


def test_comparing_deep_structures_does_not_recurse() -> None:
    """Built in Python, deeper than the loader allows: equality walks a work list."""
    document = {"pair": {"a": _chain(5000), "b": _chain(5000)}}
    assert [path for path, _ in compile_path("$[?@.a == @.b]").find(document)] == [("pair",)]
    document["pair"]["b"] = _chain(5000, 2)
    assert compile_path("$[?@.a == @.b]").find(document) == []


# --- updates cannot nest the document past the loader's limit ----------------------------------


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            stack.extend(
                (child, level + 1) for child in (node.values() if isinstance(node, dict) else node)
            )
    return deepest


def test_an_update_nesting_past_the_limit_is_located_and_nothing_is_applied() -> None:
    document = {"info": {"title": "t"}}
    # root (1), info (2), x-deep (3) and 254 more: exactly the limit.
    fits = {"x-deep": _chain(253, {"k": 1})}
    diagnostics = Diagnostics()
    parsed = parse_overlay(_overlay({"target": "$.info", "update": fits}), "o.yaml", diagnostics)
    assert parsed is not None
    result = apply_overlay(document, parsed, diagnostics)
    assert not list(diagnostics) and _depth(result) == MAX_DEPTH
    too_deep = {"x-deep": _chain(254, {"k": 1})}
    parsed = parse_overlay(
        _overlay({"target": "$.info", "update": too_deep}), "o.yaml", diagnostics
    )
    assert parsed is not None
    assert apply_overlay(document, parsed, diagnostics) is document
    (error,) = list(diagnostics)
    assert error.code == "E703" and error.location is not None
    assert error.location.pointer == "/actions/0"
    assert f"more than {MAX_DEPTH} levels" in error.message


def test_updates_each_within_the_limit_cannot_stack_past_it() -> None:
    """Each action inserts 200 levels under the deepest object so far: the second passed 256,
    and the third 600 (a `@ == @` over that was a RecursionError traceback)."""
    document = {"info": {"title": "t"}}
    actions = [{"target": "$.info", "update": {"x-a": _chain(200, {"end": True})}}]
    actions += [{"target": "$..[?@.end == true]", "update": {"x-a": _chain(200, {"end": 1})}}]
    actions += [{"target": "$..[?@ == @]", "update": {"x-b": 1}}]
    diagnostics = Diagnostics()
    parsed = parse_overlay(_overlay(*actions), "o.yaml", diagnostics)
    assert parsed is not None
    assert apply_overlay(document, parsed, diagnostics) is document
    assert [(d.code, d.location.pointer if d.location else None) for d in diagnostics] == [
        ("E703", "/actions/1")
    ]


def test_appending_to_an_array_counts_the_array_level() -> None:
    document: dict[str, Any] = {"list": []}
    diagnostics = Diagnostics()
    # root (1), list (2), the appended object (3) and 254 more: one past.
    parsed = parse_overlay(
        _overlay({"target": "$.list", "update": [_chain(254, {"k": 1})]}), "o.yaml", diagnostics
    )
    assert parsed is not None
    assert apply_overlay(document, parsed, diagnostics) is document
    assert [d.code for d in diagnostics] == ["E703"]


# --- parsing stays linear ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("$[?" + "||".join(["@.a"] * (MAX_OPERATORS + 2)) + "]", "`&&` and `||`"),
        ("$[?" + "!" * (MAX_NESTING + 1) + "@.a]", "nest more than"),
        ("$" + "[?@" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1), "nest more than"),
        ("$['" + "a" * MAX_TARGET_LENGTH + "']", "characters"),
    ],
)
def test_what_would_make_the_parser_recurse_deeply_is_refused_first(
    expression: str, reason: str
) -> None:
    """The RFC 9535 parser recurses once per operator and level: 20,000 `||` were a
    RecursionError. What it is handed is bounded, and the bounds' worst case parses."""
    with pytest.raises(JsonPathError, match=reason):
        compile_path(expression)
    depth = MAX_NESTING - 2
    operators = "||".join(["!(@.a==true)"] * MAX_OPERATORS)
    compile_path("$" + "[?@" * depth + "[?" + operators + "]" * (depth + 1))


# --- the overlay file itself ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "directory", "device", "missing"])
def test_an_overlay_that_is_no_regular_file_is_located_and_never_opened(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "overlay.yaml"
    if kind == "fifo":
        os.mkfifo(path)  # no writer: opening it to read would wait forever
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        if not os.path.exists("/dev/zero"):
            pytest.skip("no /dev/zero here")
        path.symlink_to("/dev/zero")
    diagnostics = Diagnostics()
    assert load_overlay(path, diagnostics, Sources(tmp_path, diagnostics)) is None
    (error,) = list(diagnostics)
    assert error.code == ("E005" if kind in ("fifo", "device") else "E001")
    assert error.location is not None and error.location.file.endswith("overlay.yaml")
    assert error.message.startswith("overlay ")
    assert error.hint is not None and "--overlay" in error.hint and "spec" not in error.hint


def test_unknown_fields_are_quoted_short() -> None:
    diagnostics = Diagnostics()
    data = _overlay({"target": "$.info", "update": {}, "k" * 10_000: 1})
    data["\x1b[2J" + "z" * 10_000] = 1
    assert parse_overlay(data, "o.yaml", diagnostics) is not None
    assert len(diagnostics) == 2
    for item in diagnostics:
        assert len(item.message) < 300 and "\x1b" not in item.format()


@pytest.mark.parametrize(
    "extends",
    [
        "https://example.com/openapi.yaml",
        "file:///etc/passwd",
        "/etc/passwd",
        "../secret.yaml",
        "specs/../../secret.yaml",
        "//host/openapi.yaml",
    ],
)
def test_an_extends_elsewhere_is_noted_at_its_line_and_never_followed(extends: str) -> None:
    diagnostics = Diagnostics()
    data = {**_overlay({"target": "$.info", "update": {}}), "extends": extends}
    assert parse_overlay(data, "o.yaml", diagnostics) is not None
    (note,) = list(diagnostics)
    assert note.severity == Severity.INFO and note.code == "I701"
    assert note.location is not None and note.location.pointer == "/extends"
    assert "not fetched or read" in note.message


def test_an_extends_beside_the_overlay_is_not_noted() -> None:
    diagnostics = Diagnostics()
    data = {**_overlay({"target": "$.info", "update": {}}), "extends": "openapi.yaml"}
    assert parse_overlay(data, "o.yaml", diagnostics) is not None
    assert not list(diagnostics)


# --- end to end: no request, no read outside, no secret printed ---------------------------------


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    body = json.dumps({"type": "object", "description": SECRET}).encode()
    with counting_server(body) as (url, hits):
        yield url, hits


@pytest.mark.skipif(sys.platform == "win32", reason="audit of a POSIX run")
def test_an_overlay_inserting_references_reads_and_fetches_nothing(
    tmp_path: Path, server: tuple[str, list[str]]
) -> None:
    url, hits = server
    (tmp_path / "secret.yaml").write_text(f"Pet: {{description: {SECRET}}}\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    refs = {
        "a": "../secret.yaml#/Pet",
        "b": str(tmp_path / "secret.yaml"),
        "c": f"file://{tmp_path}/secret.yaml",
        "d": f"{url}/schema.json",
        "e": "//127.0.0.1/x.yaml",
    }
    lines = "".join(f"      {name}: {{$ref: '{ref}'}}\n" for name, ref in refs.items())
    (project / "overlay.yaml").write_text(
        HEAD + f"extends: {url}/openapi.yaml\nactions:\n"
        "  - target: $.components.schemas.Pet.properties\n    update:\n" + lines,
        encoding="utf-8",
    )
    done = run_oagen(["validate", "spec.yaml", "--overlay", "overlay.yaml"], project, timeout=120)
    assert done.returncode == 1, done.output
    assert hits == [] and done.network == ()
    assert SECRET not in done.output and "Traceback" not in done.output
    assert str(tmp_path / "secret.yaml") not in done.opened
    assert done.opened_outside([project]) == []
    assert "overlay.yaml:3:1: info I701 `extends` names" in done.output
    # Each inserted reference is reported at the spec's nearest line and its pointer, and
    # noted at its own line in the overlay.
    for line, name in enumerate(refs, start=7):
        assert f"(at #/components/schemas/Pet/properties/{name}/$ref)" in done.output, name
        assert f"overlay.yaml:{line}:11: info I702 action 0 inserts the $ref" in done.output, name


def test_only_inserted_references_that_will_not_be_read_are_noted(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "common").mkdir(parents=True)
    (tmp_path / "shared").mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (project / "overlay.yaml").write_text(
        HEAD
        + """\
actions:
  - target: $.components.schemas.Pet.properties
    update:
      here: {$ref: 'common/pet.yaml'}
      local: {$ref: '#/components/schemas/Pet'}
      widened: {$ref: '../shared/pet.yaml'}
      example: {$ref: 'https://example.com/data'}
      x-data: {$ref: '/etc/passwd'}
      out: {items: [{$ref: '../../elsewhere.yaml'}]}
      nul: {$ref: 'a%00b.yaml'}
  - target: $.nothing
    update: {never: {$ref: 'https://example.com/skipped'}}
""",
        encoding="utf-8",
    )
    diagnostics = Diagnostics()
    sources = Sources(project, diagnostics, roots=(project, tmp_path / "shared"))
    source = sources.load(project / "spec.yaml")
    from generator.overlay.apply import overlay_source

    overlay_source(source, [project / "overlay.yaml"], diagnostics, sources)
    notes = [d for d in diagnostics.located(sources.locate) if d.code == "I702"]
    assert [(n.location.pointer if n.location else None, n.line) for n in notes] == [
        ("/actions/0/update/out/items/0/$ref", 11),
        ("/actions/0/update/nul/$ref", 12),
    ]
    assert "lies outside the folder" in notes[0].message
    assert "a NUL character" in notes[1].message


# --- many actions share one budget ---------------------------------------------------------------


def test_the_targets_of_one_overlay_share_a_budget_of_visits() -> None:
    """Each action may visit MAX_VISITS nodes, so 1,000 actions each just under it ran for an
    hour (3.8 s each for `$..*..*` over 190 objects above 9,000 values). Here each of ten
    actions visits about 3,000 nodes, and together they may visit 20,000."""
    document = {"items": [{"n": index, "m": index} for index in range(1000)]}
    actions = [{"target": "$..*", "update": {}} for _ in range(10)]
    diagnostics = Diagnostics()
    parsed = parse_overlay(_overlay(*actions), "o.yaml", diagnostics)
    assert parsed is not None
    assert apply_overlay(document, parsed, diagnostics, max_visits=20_000) is document
    (error,) = [d for d in diagnostics if d.code == "E703"]
    assert error.location is not None and error.location.pointer == "/actions/6"
    assert "the overlay's targets visit more than 20,000 nodes together" in error.message
    diagnostics = Diagnostics()
    assert apply_overlay(document, parsed, diagnostics, max_visits=40_000) is not document
    assert not [d for d in diagnostics if d.code == "E703"]


def test_updates_that_do_not_fit_are_one_warning_per_action() -> None:
    """`$..*` over a million scalars made a million W703 diagnostics, held in memory."""
    document = {"values": list(range(100_000)), "info": {"title": "t"}}
    diagnostics = Diagnostics()
    parsed = parse_overlay(_overlay({"target": "$..*", "update": {"x": 1}}), "o.yaml", diagnostics)
    assert parsed is not None
    result = apply_overlay(document, parsed, diagnostics)
    (warning,) = list(diagnostics)
    # 100,000 integers and the title: one named, the rest counted.
    assert warning.code == "W703" and "100,000 more selected nodes were skipped" in warning.message
    assert result["info"]["x"] == 1 and result["values"][-1] == {"x": 1}
