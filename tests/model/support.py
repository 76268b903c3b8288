"""Build the IR of a small in-memory document, the way the pipeline does (validation off)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.model import ir
from generator.pipeline import Run, analyse


def document(
    schemas: dict[str, Any] | None = None,
    paths: dict[str, Any] | None = None,
    version: str = "3.1.0",
) -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "Unit", "version": "1.0.0"},
        "paths": paths or {},
        "components": {"schemas": schemas or {}},
    }


def build(tmp_path: Path, doc: dict[str, Any]) -> tuple[ir.Api, Diagnostics]:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")
    run = Run(Config())
    api = analyse(run, spec, validate=False)
    assert api is not None, [d.message for d in run.diagnostics.items]
    return api, run.diagnostics


def definitions(api: ir.Api) -> dict[str, ir.Definition]:
    return {d.name: d for module in api.modules for d in module.definitions}


def operations(api: ir.Api) -> dict[tuple[str, str], ir.Operation]:
    """Operations by (HTTP method, path): the key no naming change touches."""
    found: dict[tuple[str, str], ir.Operation] = {}
    stack = list(api.resources)
    while stack:
        resource = stack.pop()
        for operation in resource.operations:
            found[(operation.http_method.upper(), operation.path)] = operation
        stack.extend(getattr(resource, "resources", ()) or ())
    return found


def codes(diagnostics: Diagnostics) -> list[str]:
    return [item.code for item in diagnostics.items]
