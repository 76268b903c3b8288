"""`oagen diff` reports a change of paging: added, removed, changed strategy, changed item."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.review.diff import diff_specs

from .conventions import ITEMS, _obj, _query

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "T", "version": "1"},
    "paths": {
        "/things": {
            "get": {
                "operationId": "listThings",
                "tags": ["things"],
                "parameters": [_query("offset", "integer"), _query("cursor")],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": _obj({"data": ITEMS, "next_cursor": {"type": "string"}})
                            }
                        },
                    }
                },
            }
        }
    },
    "components": {"schemas": {"Item": _obj({"id": {"type": "string"}}, ["id"])}},
}


def _changes(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    result = diff_specs(tmp_path / "old.json", tmp_path / "new.json", Config())
    assert result.ok
    return {c.kind: c for c in result.changes if c.kind.startswith("paging")}


def _with(extension: object) -> dict[str, Any]:
    spec = copy.deepcopy(BASE)
    spec["paths"]["/things"]["get"]["x-oagen-pagination"] = extension
    return spec


def test_paging_added_and_removed_break_callers(tmp_path: Path) -> None:
    unpaged = _with(False)
    added = _changes(tmp_path, unpaged, BASE)
    assert set(added) == {"paging-added"}
    change = added["paging-added"]
    assert change.severity == "breaking"
    assert change.location == "client.things.list()"
    assert "`cursor` paging on `cursor` (inferred)" in change.message
    removed = _changes(tmp_path, BASE, unpaged)
    assert set(removed) == {"paging-removed"} and removed["paging-removed"].severity == "breaking"


def test_a_changed_strategy_is_reported_without_breaking(tmp_path: Path) -> None:
    offset = _with({"strategy": "offset", "items": "data", "parameter": "offset"})
    changed = _changes(tmp_path, BASE, offset)
    assert set(changed) == {"paging-changed"}
    change = changed["paging-changed"]
    assert change.severity == "non-breaking"
    assert "now uses `offset` paging on `offset` (x-oagen-pagination)" in change.message
    assert "instead of `cursor` paging on `cursor` (inferred)" in change.message
    assert _changes(tmp_path, BASE, BASE) == {}
