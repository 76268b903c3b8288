"""The builder stays bounded on hostile input: huge enums, thousands of colliding names, schemas
nested thousands deep, values too large to print, Windows device names as file names.

Growth is checked by ratio, never by a time limit: the same build at n and 8n, the fastest of a
few runs each, must take less than 3 x 8 times as long and as much memory (a quadratic step
would take about 64 times as long).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.config import Config
from generator.diagnostics import Location
from generator.load.sources import SourceFile, Sources
from generator.model import ir
from generator.model.bounded import is_small
from generator.model.literals import MAX_LITERAL_VALUES
from generator.model.naming import WINDOWS_DEVICE_NAMES, Namer, file_stem
from generator.model.schemas import MAX_SCHEMA_DEPTH
from generator.pipeline import Run, build, render_and_format
from generator.render import pysource
from generator.render.types import TypePrinter
from tests.hostile.harness import PACKAGE, check_all
from tests.hostile.strategies import alias_bomb

# --- helpers ------------------------------------------------------------------------------------


def _spec(
    schema: dict[str, Any] | None = None,
    *,
    schemas: dict[str, Any] | None = None,
    paths: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A 3.1 document whose one operation returns `schema` (or the given paths)."""
    if paths is None:
        response: dict[str, Any] = {"description": "ok"}
        if schema is not None:
            response["content"] = {"application/json": {"schema": schema}}
        paths = {"/x": {"get": {"operationId": "getX", "responses": {"200": response}}}}
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Bounded", "version": "1"},
        "paths": paths,
    }
    if schemas is not None:
        doc["components"] = {"schemas": schemas}
    return doc


def _build(document: dict[str, Any]) -> tuple[Run, ir.Api]:
    """The IR of `document`, in-process and without the loader (whose own depth limits would
    stop the deepest documents before the builder sees them)."""
    run = Run(Config())
    run.sources = Sources(Path.cwd(), run.diagnostics)
    source = SourceFile(Path.cwd() / "spec.json", "spec.json", "", document, True)
    return run, build(run, source, "3.1.0")


def _generate(document: dict[str, Any]) -> tuple[Run, ir.Api, dict[str, bytes]]:
    run, api = _build(document)
    return run, api, render_and_format(run, api)


def _codes(run: Run) -> list[str]:
    return [d.code for d in run.diagnostics]


def _nested(kind: str, depth: int) -> dict[str, Any]:
    wrap: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
        "properties": lambda s: {"type": "object", "properties": {"a": s}},
        "untyped": lambda s: {"properties": {"a": s}},
        "items": lambda s: {"type": "array", "items": s},
        "prefixItems": lambda s: {"type": "array", "prefixItems": [s]},
        "oneOf": lambda s: {"oneOf": [s, {"type": "integer"}]},
        "anyOf": lambda s: {"anyOf": [{"type": "integer"}, s]},
        "allOf": lambda s: {
            "allOf": [s, {"type": "object", "properties": {"x": {"type": "string"}}}]
        },
        "additionalProperties": lambda s: {"type": "object", "additionalProperties": s},
    }
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth):
        schema = wrap[kind](schema)
    return schema


# --- 1. enums ----------------------------------------------------------------------------------


def test_a_huge_enum_keeps_each_value_once_in_order() -> None:
    values = [f"v{i % 1_500}" for i in range(100_000)]  # each value about 67 times
    run, api = _build(_spec(schemas={"E": {"type": "string", "enum": values}}))
    (enum,) = [d for m in api.modules for d in m.definitions if isinstance(d, ir.Enum)]
    assert list(enum.values) == [f"v{i}" for i in range(1_500)]
    assert not _codes(run)


@pytest.mark.parametrize(
    ("schema", "annotation"),
    [({"type": "string"}, "str"), ({"type": "integer"}, "int"), ({}, "str")],
)
def test_an_enum_past_the_literal_limit_is_its_base_type(
    schema: dict[str, Any], annotation: str
) -> None:
    count = MAX_LITERAL_VALUES + 1
    values: list[Any] = (
        list(range(count)) if schema.get("type") == "integer" else [f"v{i}" for i in range(count)]
    )
    run, api = _build(
        _spec({"$ref": "#/components/schemas/E"}, schemas={"E": {**schema, "enum": values}})
    )
    (warning,) = list(run.diagnostics)
    assert warning.code == "W310" and str(count) in warning.message
    assert warning.location == Location("spec.json", "/components/schemas/E/enum")
    assert not [d for m in api.modules for d in m.definitions if isinstance(d, ir.Enum)]
    (operation,) = [op for r in api.resources for op in r.operations]
    assert TypePrinter.of(api).output(operation.response) == annotation


def test_enum_values_equal_in_python_stay_distinct_json_values() -> None:
    values = [1, True, "1", 0, False, 1, True, None, "True"]
    run, api = _build(_spec(schemas={"E": {"enum": values}}))
    (enum,) = [d for m in api.modules for d in m.definitions if isinstance(d, ir.Enum)]
    assert [(type(v), v) for v in enum.values] == [
        (int, 1),
        (bool, True),
        (str, "1"),
        (int, 0),
        (bool, False),
        (str, "True"),
    ]
    assert not _codes(run)


def test_an_enum_of_structures_is_loosened_with_a_short_message() -> None:
    bomb = alias_bomb(levels=9, width=10)  # 10**9 leaves if anything expanded it
    run, _ = _build(_spec(schemas={"E": {"type": "array", "enum": [[1], bomb]}}))
    (warning,) = list(run.diagnostics)
    assert warning.code == "W307" and len(warning.message) < 400
    assert warning.location == Location("spec.json", "/components/schemas/E/enum")


def test_an_integer_too_long_to_print_loosens_the_enum() -> None:
    huge = 10**3500  # repr works up to 4,300 digits; such a Literal helps nobody
    run, api = _build(
        _spec(
            {"$ref": "#/components/schemas/E"},
            schemas={
                "E": {"type": "integer", "enum": [1, huge]},
                "F": {"type": "integer", "const": 10**30},
            },
        )
    )
    (warning,) = list(run.diagnostics)
    assert warning.code == "W307" and len(warning.message) < 400
    kinds = {d.name: d for m in api.modules for d in m.definitions}
    assert "E" not in kinds  # a loosened enum is its base type, as for any W307
    (operation,) = [op for r in api.resources for op in r.operations]
    assert TypePrinter.of(api).output(operation.response) == "int"
    assert isinstance(kinds["F"], ir.Enum) and kinds["F"].values == (10**30,)


# --- 2. colliding names ---------------------------------------------------------------------------


def _old_take(taken: set[str], wanted: str, key: Callable[[str], str]) -> str:
    """Namer.take as it was (probing from 2 every time): the names must not change."""
    candidate = wanted
    counter = 2
    while key(candidate) in taken:
        candidate = f"{wanted}{'_' if wanted[-1:].isdigit() else ''}{counter}"
        counter += 1
    taken.add(key(candidate))
    return candidate


_NAME_POOL = ["op", "Op", "OP", "op2", "op_2", "Op2", "op3", "a1", "a1_2", "a", "A", "", "x_"]


@given(
    steps=st.lists(st.tuples(st.booleans(), st.sampled_from(_NAME_POOL)), max_size=60),
    reserved=st.sets(st.sampled_from(_NAME_POOL), max_size=4),
    case_insensitive=st.booleans(),
)
def test_namer_gives_the_names_it_always_gave(
    steps: list[tuple[bool, str]], reserved: set[str], case_insensitive: bool
) -> None:
    def key(name: str) -> str:
        return name.lower() if case_insensitive else name

    namer = Namer(reserved, case_insensitive=case_insensitive)
    taken = {key(name) for name in reserved}
    for reserve, name in steps:
        if reserve:
            namer.reserve(name)
            taken.add(key(name))
        else:
            assert namer.take(name) == _old_take(taken, name, key)


def test_twenty_thousand_colliding_operation_ids_and_schema_names() -> None:
    variants = ["op", "Op", "OP", "o-p", "o_p", "o p"]
    paths = {
        f"/p{i}": {
            "get": {
                "operationId": variants[i % 6],
                "x-oagen-group": "ops",  # one resource: every method name collides
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(20_000)
    }
    schemas = {
        _punctuated("S", i): {"type": "object", "properties": {"a": {"type": "string"}}}
        for i in range(20_000)
    }
    _, api = _build(_spec(paths=paths, schemas=schemas))
    methods = [op.method_name for r in api.resources for op in r.operations]
    assert len(methods) == len(set(methods)) == 20_000
    assert methods[:14] == [
        "op",
        "op2",
        "op3",
        "o_p",
        "o_p2",
        "o_p3",
        "op_2",
        "op_2_2",
        "op_2_3",
        "o_p_2",
        "o_p_2_2",
        "o_p_2_3",
        "op_3",
        "op_3_2",
    ]
    names = sorted((name for name, _ in api.model_names), key=lambda name: int(name[1:] or 1))
    assert names == ["S"] + [f"S{i}" for i in range(2, 20_001)]


def _punctuated(base: str, number: int) -> str:
    """`base` and `number` written in punctuation: distinct keys that all name the class `base`
    (and `s`, `S-`, ... collide case-insensitively too)."""
    digits = "-_.!*~+="
    out = base if number % 2 else base.lower()
    number //= 2
    while number:
        out += digits[number % 8]
        number //= 8
    return out


# --- 4. nesting -----------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [500, 5000])
@pytest.mark.parametrize(
    "kind",
    [
        "properties",
        "untyped",
        "items",
        "prefixItems",
        "oneOf",
        "anyOf",
        "allOf",
        "additionalProperties",
    ],
)
def test_deep_inline_nesting_ends_with_a_located_warning(kind: str, depth: int) -> None:
    run, _, files = _generate(_spec(_nested(kind, depth)))
    assert files
    for diagnostic in run.diagnostics:
        assert diagnostic.code in ("W309", "W304"), diagnostic.format()
        assert diagnostic.location is not None
        assert diagnostic.location.pointer.startswith(
            "/paths/~1x/get/responses/200/content/application~1json/schema/"
        )
    if kind != "allOf":  # nested allOf parts are merged loosely first (W304)
        assert "W309" in _codes(run)


def test_nesting_within_the_limit_is_typed_in_full() -> None:
    run, api = _build(_spec(_nested("items", MAX_SCHEMA_DEPTH - 1)))
    assert not _codes(run)
    (operation,) = [op for r in api.resources for op in r.operations]
    expected = "list[" * (MAX_SCHEMA_DEPTH - 1) + "str" + "]" * (MAX_SCHEMA_DEPTH - 1)
    assert TypePrinter.of(api).output(operation.response) == expected


def test_a_long_ref_chain_generates_with_warnings_at_lines(tmp_path: Path) -> None:
    """300 components each referring to the next: a RecursionError before the depth limit."""
    schemas = {
        f"A{i}": {
            "type": "object",
            "properties": {"next": {"$ref": f"#/components/schemas/A{i + 1}"}},
        }
        for i in range(300)
    }
    schemas["A300"] = {"type": "string"}
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps(_spec({"$ref": "#/components/schemas/A0"}, schemas=schemas), indent=1),
        encoding="utf-8",
    )
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        assert main(["generate", str(spec), "-o", str(tmp_path / "out")]) == 0
    warnings = [line for line in stderr.getvalue().splitlines() if " W309 " in line]
    # The chain is cut every 32 components (each $ref and its target are a level).
    assert len(warnings) == 300 // (MAX_SCHEMA_DEPTH // 2)
    assert re.match(rf"{re.escape(str(spec))}:\d+:\d+: warning W309 ", warnings[0])
    assert warnings[0].endswith("(at #/components/schemas/A32)"), warnings[0]


# --- 5. values too large to print ------------------------------------------------------------


def test_is_small_stops_early_on_shared_structures() -> None:
    assert is_small({"a": [1, 2, {"b": "c" * 10_000}]})
    assert not is_small(alias_bomb(levels=30, width=2))  # 2**30 leaves: stops after 100,000
    assert not is_small(10**4000)
    assert not is_small(_nested("items", 200))


def test_huge_examples_and_defaults_are_not_printed() -> None:
    bomb = alias_bomb(levels=9, width=10)
    deep: Any = "leaf"
    for _ in range(5000):
        deep = [deep]
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "array", "default": bomb},
            "b": {"type": "integer", "default": 10**4000},
            "c": {"type": "array", "default": deep},
        },
    }
    paths = {
        "/x": {
            "post": {
                "operationId": "postX",
                "parameters": [
                    {"name": "q", "in": "query", "schema": {"type": "array"}, "example": bomb},
                    {
                        "name": "r",
                        "in": "query",
                        "schema": {"type": "integer"},
                        "example": 10**4000,
                    },
                ],
                "requestBody": {
                    "content": {"application/json": {"schema": schema, "example": deep}}
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    }
    _, api, files = _generate(_spec(paths=paths))
    assert sum(len(data) for data in files.values()) < 2_000_000
    (operation,) = [op for r in api.resources for op in r.operations]
    example = " ".join(pysource.example_value(a.value) for a in operation.example_arguments)
    assert "lol" not in example and "leaf" not in example
    text = b"".join(files.values()).decode()
    assert "['lol', 'lol'" in text  # the default, as an excerpt in the field's docs


def test_structures_where_text_belongs_are_never_printed() -> None:
    """A bomb as the title, version, server URL and variable, a security scheme's fields, a tag,
    a required name and a format: each is read as absent."""
    bomb = alias_bomb(levels=9, width=10)
    doc = _spec(
        paths={
            "/x": {
                "get": {
                    "operationId": "getX",
                    "tags": [bomb],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": [bomb, "a"],
                                        "properties": {"a": {"type": "string", "format": bomb}},
                                    }
                                }
                            },
                        }
                    },
                }
            }
        }
    )
    doc["info"] = {"title": bomb, "version": bomb}
    doc["servers"] = [{"url": "https://{v}.example.com", "variables": {"v": {"default": bomb}}}]
    doc["components"] = {
        "securitySchemes": {"k": {"type": "apiKey", "in": bomb, "name": bomb, "scheme": bomb}}
    }
    _, api, files = _generate(doc)
    assert (api.title, api.version, api.base_url) == ("API", "0.0.0", "https://.example.com")
    assert [r.attribute for r in api.resources] == ["x"]  # from the path; the tag is not text
    assert sum(len(data) for data in files.values()) < 2_000_000


# --- 6. Windows device names --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("con", "con_"),
        ("aux", "aux_"),
        ("nul", "nul_"),
        ("prn", "prn_"),
        ("com1", "com1_"),
        ("lpt9", "lpt9_"),
        ("con.py", "con.py_"),
        ("console", "console"),
        ("com10", "com10"),
        ("com_1", "com_1"),
        ("x", "x"),
    ],
)
def test_file_stem(name: str, stem: str) -> None:
    assert file_stem(name) == stem


def test_device_names_never_become_file_names(tmp_path: Path) -> None:
    devices = ["con", "PRN", "Aux", "nul", "com1", "LPT9", "con.py", "Con", "NUL", "COM¹"]
    paths = {
        f"/d{i}": {
            "get": {
                "operationId": f"{name}Get{i}",  # the tag's words: the tag names the resource
                "tags": [name],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    }
                },
            }
        }
        for i, name in enumerate(devices)
    }
    schemas = {
        name: {"type": "object", "properties": {"v": {"type": "string"}}} for name in devices
    }
    doc = _spec(paths=paths, schemas=schemas)
    result, report = check_all(doc, tmp_path)
    assert result.exit_code == 0 and report is not None, result.stderr[-2000:]
    for path in result.files:
        for part in Path(path).parts:
            assert part.split(".")[0].rstrip(" ").lower() not in WINDOWS_DEVICE_NAMES, path
    assert f"{PACKAGE}/resources/con_.py" in result.files
    assert f"{PACKAGE}/models/con_.py" in result.files
    # The client attribute keeps its name; only the file moved.
    assert (
        "self.con" in result.files[f"{PACKAGE}/_client.py"].decode()
        or "def con(" in result.files[f"{PACKAGE}/_client.py"].decode()
    )


# --- 7. growth ratios -----------------------------------------------------------------------------


def _cost(make: Callable[[int], dict[str, Any]], n: int, runs: int) -> tuple[float, int]:
    """The least processor time of `runs` builds of make(n) (this process's own time: other
    processes' load does not bend a growth ratio), and the traced memory peak."""
    document = make(n)
    best_time, best_peak = float("inf"), 1 << 62
    for _ in range(runs):
        gc.collect()
        started = time.process_time()
        _build(document)
        best_time = min(best_time, time.process_time() - started)
    gc.collect()
    tracemalloc.start()
    try:
        _build(document)
        best_peak = min(best_peak, tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    return best_time, best_peak


def _enum(n: int) -> dict[str, Any]:
    return _spec(schemas={"E": {"enum": [f"v{i}" for i in range(n)] + [True, 1, "v0"]}})


def _colliding_operations(n: int) -> dict[str, Any]:
    variants = ["op", "Op", "OP", "o-p"]
    return _spec(
        paths={
            f"/p{i}": {
                "get": {"operationId": variants[i % 4], "responses": {"200": {"description": "ok"}}}
            }
            for i in range(n)
        }
    )


def _colliding_schemas(n: int) -> dict[str, Any]:
    return _spec(schemas={_punctuated("S", i): {"type": "string"} for i in range(n)})


def _deep(n: int) -> dict[str, Any]:
    return _spec(_nested("properties", n))


@pytest.mark.parametrize(
    ("make", "n"),
    [
        (_enum, 20_000),
        (_colliding_operations, 400),
        (_colliding_schemas, 400),
        (_deep, 300),
    ],
    ids=["enum", "operation-ids", "schema-names", "nesting"],
)
def test_build_grows_linearly(make: Callable[[int], dict[str, Any]], n: int) -> None:
    _cost(make, n, 1)  # warm up: imports and caches
    small_time, small_peak = _cost(make, n, 3)
    large_time, large_peak = _cost(make, 8 * n, 2)
    assert large_time / small_time < 8 * 3, (small_time, large_time)
    assert large_peak / small_peak < 8 * 3, (small_peak, large_peak)


def test_document_json_round_trips() -> None:
    """The documents above are plain JSON (what a spec file could hold)."""
    for make in (_enum, _colliding_operations, _colliding_schemas):
        document = make(10)
        assert json.loads(json.dumps(document)) == document
