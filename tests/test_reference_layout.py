"""The API reference laid out in a child process while modules render is what laying it out here
gives, and a child that cannot start leaves the work to this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import workers
from generator.model import ir
from generator.render import package
from generator.render.types import TypePrinter

from .model.support import build, document

LONG = {"type": "string", "description": "a value " * 20}


def _api(tmp_path: Path) -> ir.Api:
    paths = {
        f"/collections/{i}/items/{{item_identifier}}": {
            "post": {
                "operationId": f"updateTheItemOfCollectionNumber{i}",
                "parameters": [
                    {"name": "item_identifier", "in": "path", "required": True, "schema": LONG}
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {f"property_number_{n}": LONG for n in range(6)},
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(120)
    }
    api, _ = build(tmp_path, document({}, paths))
    return api


def test_the_child_lays_out_what_this_process_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")  # each layout is computed, none read back
    api = _api(tmp_path)
    types = TypePrinter.of(api)
    background = package.ReferenceLayout(api, types)
    assert background.child is not None  # enough statements for a child
    in_child = background.result()
    assert background.child.outcome == "done"
    monkeypatch.setattr(workers, "parallel", lambda: False)
    here = package.ReferenceLayout(api, types)
    assert here.child is None
    assert here.result() == in_child
    assert len(in_child) >= 1 and sum(len(methods) for methods in in_child.values()) == 120


def test_a_child_that_fails_leaves_the_work_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")
    api = _api(tmp_path)
    types = TypePrinter.of(api)
    expected = package.ReferenceLayout(api, types).result()

    class Broken:
        outcome = "failed"

        def __init__(self, *args: object) -> None:
            pass

        def collect(self) -> None:
            return None

    monkeypatch.setattr(workers, "Child", Broken)
    layout = package.ReferenceLayout(api, types)
    assert isinstance(layout.child, Broken)
    assert layout.result() == expected
