"""Modules rendered in child processes are what this process renders alone, and children that
fail leave the work here with the same result."""

from __future__ import annotations

from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

from generator import workers
from generator.diagnostics import Diagnostics
from generator.model import ir
from generator.render import fanout, reuse

from .model.support import build, document


def _api(tmp_path: Path) -> ir.Api:
    schemas = {
        f"Thing{i}": {
            "type": "object",
            "properties": {
                "name": {"type": "string", "description": "a name " * 30},
                "kind": {"enum": [f"kind_{n}_{'x' * 20}" for n in range(8)]},
                "other": {"$ref": f"#/components/schemas/Thing{(i + 1) % 80}"},
            },
        }
        for i in range(80)
    }
    paths = {
        f"/things/{i}": {
            "get": {
                "operationId": f"getThing{i}",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/Thing{i}"}
                            }
                        },
                    }
                },
            }
        }
        for i in range(80)
    }
    api, _ = build(tmp_path, document(schemas, paths))
    return api


def _render(api: ir.Api) -> tuple[dict[str, bytes], Diagnostics]:
    diagnostics = Diagnostics()
    files = reuse.render_and_format(api, (), diagnostics, lambda _message: None, {})
    return files, diagnostics


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")  # every module rendered, none read back


def test_children_render_what_this_process_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = _api(tmp_path)
    started: list[fanout.Fanout | None] = []
    real_start = fanout.start

    def watched(*args: Any) -> fanout.Fanout | None:
        started.append(real_start(*args))
        return started[-1]

    monkeypatch.setattr(fanout, "start", watched)
    in_children, found = _render(api)
    assert started and started[0] is not None and started[0].shared is not None
    monkeypatch.setattr(workers, "parallel", lambda: False)
    here, found_here = _render(api)
    assert in_children == here
    assert not found.items and not found_here.items
    assert sum(path.startswith(f"{api.package}/models/") for path in here) >= fanout.MIN_UNITS


def test_children_that_fail_leave_the_work_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = _api(tmp_path)
    monkeypatch.setattr(workers, "parallel", lambda: False)
    expected, _ = _render(api)
    monkeypatch.setattr(workers, "parallel", lambda: True)

    class Broken:
        def __init__(self, *args: object) -> None:
            pass

        def results(self) -> list[Any]:
            raise BrokenProcessPool("a child died")

    monkeypatch.setattr(workers, "Shared", Broken)
    assert _render(api)[0] == expected

    def cannot_start(*args: object) -> None:
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(workers, "Shared", cannot_start)
    assert _render(api)[0] == expected


def test_custom_templates_are_rendered_here(tmp_path: Path) -> None:
    api = _api(tmp_path)
    units = [unit for unit in reuse.units(api) if unit.node is not None]
    assert fanout.start(api, units, (tmp_path,), []) is None
    assert fanout.start(api, units[: fanout.MIN_UNITS - 1], (), []) is None
