"""A resource whose method is named like a builtin (`files.list()`, the official SDKs' shape)
hides that builtin from the annotations after it in the class body; the generated module spells
`builtins.list[...]` there, and the package stays `mypy --strict` clean."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.cli import EXIT_OK, main

ITEM = {"type": "object", "properties": {"id": {"type": "string"}}}
TAGS = {"type": "array", "items": {"type": "string"}}


def _json(schema: dict[str, object]) -> dict[str, object]:
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


ITEMS = {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
BODY = {
    "type": "object",
    "properties": {
        "tags": TAGS,
        "sizes": {"type": "object", "additionalProperties": {"type": "integer"}},
    },
}
ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Shelf", "version": "1.0.0"},
    "servers": [{"url": "https://shelf.example"}],
    "paths": {
        "/items": {
            "get": {"operationId": "listItems", "responses": _json(ITEMS)},
            "post": {
                "operationId": "createItem",
                "requestBody": {"content": {"application/json": {"schema": BODY}}},
                "responses": _json(TAGS),
            },
        },
        "/items/{id}/tags": {
            "get": {"operationId": "itemTags", "parameters": [ID], "responses": _json(TAGS)}
        },
    },
    "components": {"schemas": {"Item": ITEM}},
}


def test_a_method_named_list_does_not_hide_the_builtin(tmp_path: Path) -> None:
    spec = tmp_path / "shelf.json"
    spec.write_text(json.dumps(SPEC), encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    out = tmp_path / "out"
    code = main(
        ["generate", "-q", str(spec), "-o", str(out), "--config", str(tmp_path / "empty.toml")]
    )
    assert code == EXIT_OK
    module = (out / "shelf_client" / "resources" / "items.py").read_text(encoding="utf-8")
    assert "    def list(" in module
    assert "builtins.list[str]" in module and "import builtins" in module
    mypy = [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy")]
    done = subprocess.run(
        [*mypy, "shelf_client"], cwd=out, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout
