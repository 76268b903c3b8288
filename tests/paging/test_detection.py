"""How paging is decided: the description's extensions first, then conservative inference; and
what the real descriptions of the corpus get."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.config import Config
from generator.diagnostics import Severity
from generator.model import ir
from generator.pipeline import Run, analyse

from ..conftest import CORPUS
from .conventions import ITEMS, _obj, _query


def _spec(operation: dict[str, Any], body: dict[str, Any] | None = None) -> dict[str, Any]:
    schema = body or _obj({"data": ITEMS, "next": {"type": "string"}, "cursor": {"type": "string"}})
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "parameters": [
                        _query("offset", "integer"),
                        _query("limit", "integer"),
                        _query("page", "integer"),
                        _query("cursor"),
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema}},
                        }
                    },
                    **operation,
                }
            }
        },
        "components": {
            "schemas": {"Item": _obj({"id": {"type": "string"}}, ["id"])},
        },
    }


def _decide(tmp_path: Path, operation: dict[str, Any]) -> tuple[ir.Pagination | None, Run]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(_spec(operation)), encoding="utf-8")
    run = Run(Config())
    api = analyse(run, path, validate=False)
    assert api is not None
    (op,) = [op for resource in api.resources for op in resource.operations]
    return op.pagination, run


def _warnings(run: Run) -> list[str]:
    return [f"{d.code} {d.message}" for d in run.diagnostics if d.severity == Severity.WARNING]


def test_speakeasy_offset_limit(tmp_path: Path) -> None:
    pagination, _ = _decide(
        tmp_path,
        {
            "x-speakeasy-pagination": {
                "type": "offsetLimit",
                "inputs": [
                    {"name": "offset", "in": "parameters", "type": "offset"},
                    {"name": "limit", "in": "parameters", "type": "limit"},
                ],
                "outputs": {"results": "$.data"},
            }
        },
    )
    assert pagination is not None
    assert (pagination.strategy, pagination.source) == ("offset", "x-speakeasy-pagination")
    assert (pagination.parameter, pagination.limit_parameter, pagination.items) == (
        "offset",
        "limit",
        ("data",),
    )
    assert pagination.item == ir.Ref("Item")


def test_speakeasy_cursor_and_page(tmp_path: Path) -> None:
    cursor, _ = _decide(
        tmp_path,
        {
            "x-speakeasy-pagination": {
                "type": "cursor",
                "inputs": [{"name": "cursor", "in": "parameters", "type": "cursor"}],
                "outputs": {"nextCursor": "$.cursor", "results": "$.data"},
            }
        },
    )
    assert cursor is not None and (cursor.strategy, cursor.next) == ("cursor", ("cursor",))
    page, _ = _decide(
        tmp_path,
        {
            "x-speakeasy-pagination": {
                "type": "offsetLimit",
                "inputs": [{"name": "page", "in": "parameters", "type": "page"}],
                "outputs": {"results": "$.data"},
            }
        },
    )
    assert page is not None and (page.strategy, page.parameter) == ("page", "page")


def test_fern_and_azure(tmp_path: Path) -> None:
    fern, _ = _decide(
        tmp_path,
        {
            "x-fern-pagination": {
                "cursor": "$request.cursor",
                "next_cursor": "$response.cursor",
                "results": "$response.data",
            }
        },
    )
    assert fern is not None and (fern.strategy, fern.source) == ("cursor", "x-fern-pagination")
    fern_offset, _ = _decide(
        tmp_path,
        {"x-fern-pagination": {"offset": "$request.page", "results": "$response.data"}},
    )
    assert fern_offset is not None and fern_offset.strategy == "page"
    azure, _ = _decide(tmp_path, {"x-ms-pageable": {"nextLinkName": "next", "itemName": "data"}})
    assert azure is not None and (azure.strategy, azure.next) == ("next_url", ("next",))
    single, _ = _decide(tmp_path, {"x-ms-pageable": {"nextLinkName": None}})
    assert single is None  # AutoRest's way to say every item comes in one page


def test_an_extension_can_turn_paging_off(tmp_path: Path) -> None:
    inferred, _ = _decide(tmp_path, {})
    assert inferred is not None and inferred.source == "inferred"
    off, run = _decide(tmp_path, {"x-oagen-pagination": False})
    assert off is None and not _warnings(run)


@pytest.mark.parametrize(
    ("extension", "message"),
    [
        ({"x-oagen-pagination": {"strategy": "sideways"}}, "`strategy` must be one of"),
        ({"x-oagen-pagination": {"strategy": "offset", "items": "nope"}}, "no list at `nope`"),
        (
            {"x-oagen-pagination": {"strategy": "offset", "items": "data", "parameter": "skip"}},
            "no parameter 'skip'",
        ),
        (
            {"x-oagen-pagination": {"strategy": "cursor", "items": "data", "parameter": "cursor"}},
            "does not say where the next cursor",
        ),
        ({"x-speakeasy-pagination": {"type": "magic"}}, "unknown type 'magic'"),
        ({"x-speakeasy-pagination": []}, "must be a mapping"),
    ],
)
def test_a_bad_extension_is_a_located_warning(
    tmp_path: Path, extension: dict[str, Any], message: str
) -> None:
    pagination, run = _decide(tmp_path, extension)
    assert pagination is None
    (warning,) = [d for d in run.diagnostics if d.code == "W430"]
    assert message in warning.message
    assert warning.location is not None
    assert warning.location.pointer.startswith("/paths/~1things/get/x-")


CORPUS_EXPECTED = [
    # (corpus file, method, path, strategy, source)
    ("openrouter/openapi.yaml", "GET", "/models/user", "offset", "x-speakeasy-pagination"),
    ("slack/slack_web_openapi_v2.json", "GET", "/conversations.list", "cursor", "inferred"),
    ("spotify/official-spotify-open-api.yml", "GET", "/me/albums", "next_url", "inferred"),
    ("box/openapi-v2025.0.json", "GET", "/archives", "cursor", "inferred"),
    ("jira/software-swagger.v3.json", None, None, None, None),
]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not available")
def test_real_descriptions() -> None:
    decided: dict[str, dict[tuple[str, str], ir.Pagination | None]] = {}
    for file, method, path, strategy, source in CORPUS_EXPECTED:
        if file not in decided:
            api = analyse(Run(Config()), CORPUS / file, validate=False)
            assert api is not None
            decided[file] = {
                (op.http_method, op.path): op.pagination
                for resource in api.resources
                for op in resource.operations
            }
        if method is None or path is None:
            continue
        found = decided[file][(method, path)]
        assert found is not None, (file, method, path)
        assert (found.strategy, found.source) == (strategy, source), (file, path)
    openrouter = decided["openrouter/openapi.yaml"]
    # 19 of its 20 x-speakeasy-pagination: GET /files answers a union of three list shapes, which
    # gets a W430 warning rather than a guess; GET /keys pages by inference.
    assert sorted(p.source for p in openrouter.values() if p is not None) == [
        "inferred",
        *["x-speakeasy-pagination"] * 19,
    ]
    assert openrouter[("GET", "/files")] is None
    # Nothing that is not a list pages: no POST, and no single-object GET.
    for pages in decided.values():
        for (method, path), pagination in pages.items():
            if pagination is not None:
                assert method == "GET", path
