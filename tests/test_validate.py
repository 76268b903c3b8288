"""The Schema Object meta-checks (3.0 and 3.1) run on jsonschema-rs; they must judge every
schema as the pure-Python checks do, or specs would gain or lose warnings with the engine."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas31_format_checker

from generator import pipeline, workers
from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.validate.openapi import validate_document
from generator.validate.validator_adapter import rust_meta_checker

from .conftest import REPO
from .support.specs import write_schemas_spec

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


SCHEMAS_30: list[Any] = [
    {"type": "object", "properties": {"a": {"type": "string", "nullable": True}}},
    {"allOf": [{"$ref": "#/components/schemas/A"}], "description": "x"},
    {"type": 5},
    {"minimum": "0"},
    {"exclusiveMinimum": 3},
    {"required": []},
    {"pattern": "("},
    {"enum": []},
    {"properties": {"a": 1}},
]


def _accepts(check: Callable[[Any], object], schema: Any) -> bool:
    try:
        check(schema)
    except Exception:
        return False
    return True


def _accepted_by_rust(version: str, schema: Any) -> bool:
    checker = rust_meta_checker(version)
    assert checker is not None, "jsonschema-rs is a dependency"
    checked = checker(schema)
    assert checked is not None, "a schema of the OAS dialect"
    return checked() is None


def _python_31(schema: Any) -> None:
    OAS31Validator.check_schema(schema, format_checker=oas31_format_checker)


CASES = [("3.1", schema) for schema in SCHEMAS] + [("3.0", schema) for schema in SCHEMAS_30]


@pytest.mark.parametrize(("version", "schema"), CASES, ids=[f"{v}-{str(s)[:40]}" for v, s in CASES])
def test_rust_meta_check_agrees_with_python(version: str, schema: Any) -> None:
    python = _python_31 if version == "3.1" else OAS30Validator.check_schema
    assert _accepted_by_rust(version, schema) == _accepts(python, schema)


def test_schema_violation_is_located_at_the_schema() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {"n": {"type": "number", "exclusiveMinimum": True}},
                }
            }
        },
    }
    diagnostics = Diagnostics()
    assert validate_document(document, "3.1", "t.yaml", "file:///t.yaml", diagnostics) == 1
    (found,) = diagnostics.items
    assert found.code == "W100"
    # The words after the prefix are the validator backend's; the pointer is what oagen decides.
    assert found.message.startswith("spec violation: ")
    assert found.location is not None
    assert found.location.pointer == "/components/schemas/A/properties/n/exclusiveMinimum"


# --- validation in a child process ---------------------------------------------------------------


def _large_invalid_spec(folder: Path) -> Path:
    """A spec with one violation the validator reports."""
    schemas: dict[str, Any] = {
        f"M{n}": {
            "type": "object",
            "description": "x" * 200,
            "properties": {"a": {"type": "string"}},
        }
        for n in range(600)
    }
    schemas["Bad"] = {
        "type": "object",
        "properties": {"n": {"type": "number", "exclusiveMinimum": True}},
    }
    return write_schemas_spec(folder / "large.json", schemas, "Bad")


def _diagnostics(spec: Path, *, background: bool) -> list[str]:
    run = pipeline.Run(Config())
    api = pipeline.analyse(run, spec, background=background)
    assert api is not None
    if background:
        assert run.pending_validation is not None  # still running, or not yet collected
    pipeline.join_validation(run)
    return sorted(item.format() for item in run.diagnostics.located(run.locate))


def test_background_validation_reports_what_foreground_validation_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")
    spec = _large_invalid_spec(tmp_path)
    foreground = _diagnostics(spec, background=False)
    assert any("W100" in line for line in foreground), foreground
    assert _diagnostics(spec, background=True) == foreground


def test_strict_fails_on_a_violation_found_in_the_background(tmp_path: Path) -> None:
    spec = _large_invalid_spec(tmp_path)
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(spec),
            "-o",
            str(out),
            "--package",
            "large",
            "--strict",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO)},
        cwd=tmp_path,
    )
    assert result.returncode != 0
    assert "W100" in result.stderr and "nothing was written" in result.stderr, result.stderr
    assert not out.exists()


def _divide_by_zero() -> float:
    return 1 / 0


def _echo(value: object) -> object:
    return value


def test_a_failing_child_yields_none() -> None:
    failing = workers.Child(_divide_by_zero)
    assert failing.collect() is None
    assert failing.outcome == "failed"
    echoed = workers.Child(_echo, {"a": ["b\udcff"]})
    assert echoed.collect() == {"a": ["b\udcff"]}
    assert echoed.outcome == "done"
    sleeping = workers.Child(time.sleep, 60)
    started = time.monotonic()
    sleeping.cancel()
    assert time.monotonic() - started < 30
    exiting = workers.Child(os._exit, 3)
    assert exiting.collect() is None
    assert exiting.outcome == "failed"


def test_children_share_out_the_work_and_keep_its_order() -> None:
    shares = [list(range(n)) for n in range(20)]
    assert workers.map_shared(len, shares, 2) == list(range(20))


def test_a_child_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    """The child holds the parent's files (the output folder's lock among them): when the
    parent is killed, the child goes too, or the next run would wait on that lock."""
    program = (
        "import time\n"
        "from generator import workers\n"
        "child = workers.Child(time.sleep, 120)\n"
        "print(child._pid.result(), flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", program],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert parent.stdout is not None
    pid = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    raise AssertionError("the child outlived its parent")
