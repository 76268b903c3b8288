"""The Schema Object meta-checks (3.0 and 3.1) run on jsonschema-rs; they must judge every
schema as the pure-Python checks do, or specs would gain or lose warnings with the engine."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator, OAS31Validator, oas31_format_checker

from generator import forked, pipeline
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


# --- validation in a forked child ----------------------------------------------------------------


def _large_invalid_spec(folder: Path) -> Path:
    """Over the size validated in the background, with one violation the validator reports."""
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
    spec = write_schemas_spec(folder / "large.json", schemas, "Bad")
    assert spec.stat().st_size > pipeline._BACKGROUND_MIN
    return spec


def _diagnostics(spec: Path, *, background: bool) -> list[str]:
    run = pipeline.Run(Config())
    api = pipeline.analyse(run, spec, background=background)
    assert api is not None
    if background and forked.available():
        assert run.pending_validation is not None
        # a child forked before the load, which imported the validator meanwhile
        assert isinstance(run.pending_validation.child, forked.Awaiting)
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


@pytest.mark.skipif(not forked.available(), reason="fork is not available here")
def test_a_failing_child_yields_none_and_the_caller_validates_itself() -> None:
    assert forked.Forked(lambda: 1 / 0).collect() is None
    assert forked.Forked(lambda: {"a": ["b\udcff"]}).collect() == {"a": ["b\udcff"]}
    child = forked.Forked(lambda: time.sleep(60))
    child.cancel()


def _marker(path: Path) -> None:
    path.write_text("prepared", encoding="utf-8")


@pytest.mark.skipif(not forked.available(), reason="fork is not available here")
def test_a_waiting_child_prepares_then_computes_what_it_is_sent(tmp_path: Path) -> None:
    marker = tmp_path / "prepared"
    child = forked.Awaiting(
        lambda: _marker(marker), lambda value: [len(value["big"]), marker.read_text()]
    )
    big = "x" * 3_000_000  # far more than a pipe holds: the sender must not block this process
    assert child.send({"big": big, "shared": [big, big]})
    assert child.collect() == [3_000_000, "prepared"]


@pytest.mark.skipif(not forked.available(), reason="fork is not available here")
def test_a_waiting_child_is_not_held_up_by_a_child_forked_after_it() -> None:
    """A child forked later inherits the input pipe's write end; the input carries its length,
    so the first child does not wait for that pipe to close."""
    child = forked.Awaiting(lambda: None, lambda value: value * 2)
    assert child.send(21)
    blocker_in, blocker_out = os.pipe()
    later = forked.Forked(lambda: os.read(blocker_in, 1))  # blocks until cancelled
    try:
        results: list[Any] = []
        collector = threading.Thread(target=lambda: results.append(child.collect()))
        collector.start()
        collector.join(timeout=60)
        assert results == [42]
    finally:
        later.cancel()
        os.close(blocker_in)
        os.close(blocker_out)


@pytest.mark.skipif(not forked.available(), reason="fork is not available here")
def test_a_waiting_child_that_gets_nothing_is_cancelled_cleanly() -> None:
    unsent = forked.Awaiting(lambda: None, lambda value: value)
    assert unsent.collect() is None  # never sent: cancelled, no result
    unsendable = forked.Awaiting(lambda: None, lambda value: value)
    assert not unsendable.send(object())  # not plain data: the caller works another way
    failing = forked.Awaiting(lambda: None, lambda value: 1 / 0)
    assert failing.send(1)
    assert failing.collect() is None
    broken = forked.Awaiting(lambda: os._exit(3), lambda value: value)
    broken.send("x" * 1_000_000)  # the child is gone: the write fails quietly
    assert broken.collect() is None
