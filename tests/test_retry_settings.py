"""Retry policies and idempotency headers from the description (x-speakeasy-retries,
x-fern-idempotency-headers, a declared header parameter) and from [tool.oagen]: the builder reads
them into the IR, the templates print them, the generated client applies them."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.config import Config, RetryTable
from generator.load.sources import SourceFile, Sources
from generator.model import ir
from generator.pipeline import Run, build, render_and_format

from .conftest import REPO

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Retry Demo", "version": "1"},
    "servers": [{"url": "https://api.example.test"}],
    "x-speakeasy-retries": {
        "strategy": "backoff",
        "backoff": {"initialInterval": 1, "maxInterval": 4, "maxElapsedTime": 60000, "exponent": 3},
        "statusCodes": ["5XX", 429],
        "retryConnectionErrors": False,
    },
    "x-fern-idempotency-headers": [{"header": "X-Fern-Key", "name": "idempotency_key"}],
    "paths": {
        "/orders": {
            "post": {
                "operationId": "createOrder",
                "x-speakeasy-retries": {
                    "strategy": "backoff",
                    "statusCodes": [503],
                    "backoff": {"initialInterval": 2},
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            },
            "get": {
                "operationId": "listOrders",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            },
        },
        "/payments": {
            "post": {
                "operationId": "createPayment",
                "parameters": [
                    {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            },
        },
    },
}


def _build(document: dict[str, Any], config: Config) -> tuple[Run, ir.Api]:
    run = Run(config)
    run.sources = Sources(Path.cwd(), run.diagnostics)
    source = SourceFile(Path.cwd() / "spec.json", "spec.json", "", document, True)
    return run, build(run, source, "3.1.0")


def _operation(api: ir.Api, operation_id: str) -> ir.Operation:
    return next(op for r in api.resources for op in r.operations if op.operation_id == operation_id)


def test_the_description_is_read_into_the_ir() -> None:
    run, api = _build(SPEC, Config(package="retry_ir"))
    assert not [d for d in run.diagnostics if d.code.startswith(("E", "W"))]
    assert api.retry == ir.RetrySettings(
        max_retries=None,
        initial_delay=0.001,
        max_delay=0.004,
        statuses=("5XX", "429"),
        retry_connection_errors=False,
        exponent=3.0,
        max_elapsed=60.0,
        sources=("x-speakeasy-retries",),
    )
    order = _operation(api, "createOrder")
    assert order.retry is not None and order.retry.statuses == ("503",)
    assert order.retry.initial_delay == 0.002 and order.retry.max_delay == 0.004  # doc's cap kept
    assert order.idempotency_option and order.idempotency_argument == "idempotency_key"
    assert api.idempotency_header == "X-Fern-Key"
    payment = _operation(api, "createPayment")
    assert payment.idempotency_header == "Idempotency-Key"  # declared by the operation
    assert payment.idempotency_argument == "idempotency_key" and not payment.idempotency_option
    listing = _operation(api, "listOrders")
    assert listing.retry is None and listing.idempotency_argument is None


def test_config_overrides_the_description() -> None:
    config = Config(
        package="retry_cfg",
        idempotency_header="X-Cfg-Key",
        retry=RetryTable(max_retries=0, statuses=("500",)),
    )
    _, api = _build(SPEC, config)
    assert api.retry is not None and api.retry.max_retries == 0
    assert api.retry.statuses == ("500",) and api.retry.initial_delay == 0.001
    assert api.retry.sources == ("x-speakeasy-retries", "config")
    order = _operation(api, "createOrder")
    assert order.retry is not None and order.retry.statuses == ("500",)
    assert api.idempotency_header == "X-Cfg-Key"
    _, off = _build(SPEC, Config(package="retry_off", idempotency_header=False))
    assert off.idempotency_header is None
    assert _operation(off, "createOrder").idempotency_argument is None


def test_unusable_extension_values_are_warnings() -> None:
    spec = {
        **SPEC,
        "x-speakeasy-retries": {
            "strategy": "backoff",
            "backoff": {"initialInterval": -5, "exponent": 0},
            "statusCodes": ["6XX", True, 502],
        },
        "x-fern-idempotency-headers": [{"header": "Bad Header"}],
    }
    run, api = _build(spec, Config(package="retry_warn"))
    warnings = [d for d in run.diagnostics if d.code in ("W420", "W421")]
    assert len(warnings) == 5, [d.message for d in warnings]
    assert all(d.location is not None and d.location.pointer.startswith("/x-") for d in warnings)
    assert api.retry is not None and api.retry.statuses == ("502",)
    assert api.retry.initial_delay is None and api.retry.exponent is None
    assert api.idempotency_header == "Idempotency-Key"


def _import(tmp_path: Path, config: Config) -> Any:
    run, api = _build(SPEC, config)
    files = render_and_format(run, api)
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    sys.path.insert(0, str(tmp_path))
    try:
        return importlib.import_module(api.package), files
    finally:
        sys.path.remove(str(tmp_path))


def test_the_generated_client_applies_the_description(tmp_path: Path) -> None:
    module, files = _import(tmp_path, Config(package="retry_gen"))
    client_source = files["retry_gen/_client.py"].decode()
    assert "retry=RetryPolicy(" in client_source
    assert 'idempotency_header="X-Fern-Key"' in client_source
    orders = files["retry_gen/resources/orders.py"].decode()
    assert "Retries (x-speakeasy-retries; `retry=` replaces this policy):\n" in orders
    assert "- on 503\n" in orders and "- first wait 0.002 s\n" in orders
    assert 'statuses=("503",)' in orders

    seen: list[httpx.Request] = []
    replies = [503, 500, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = replies.pop(0) if replies else 200
        return httpx.Response(status, json={})

    assert module.RetryPolicy is module._runtime.RetryPolicy  # exported by the package
    client = module.RetryDemo(http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    sleeps: list[float] = []
    client._sleep = sleeps.append
    with pytest.raises(module._runtime.InternalServerError):
        client.orders.create()  # 503 retried, 500 not (the operation's statusCodes)
    assert len(seen) == 2 and 0.0015 <= sleeps[0] <= 0.002
    keys = [r.headers.get("x-fern-key") for r in seen]
    assert keys[0] is not None and keys[0] == keys[1]
    replies[:] = [500, 200]
    client.payments.create(idempotency_key="pay-1")  # 500 retried (document: 5XX)
    assert [r.headers.get("idempotency-key") for r in seen[2:]] == ["pay-1", "pay-1"]
    assert seen[2].headers.get("x-fern-key") is None
    client.orders.list()
    assert seen[-1].headers.get("x-fern-key") is None
    assert seen[-1].headers.get("idempotency-key") is None


def _oagen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_retry_table_errors_are_located(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.oagen]\n"  # 1
        'spec = "x.yaml"\n'  # 2
        'idempotency_header = "Bad Name"\n'  # 3
        "\n"  # 4
        "[tool.oagen.retry]\n"  # 5
        'max_retries = "3"\n'  # 6
        "initial_delay = -1\n"  # 7
        'statuses = [429, "6XX"]\n'  # 8
        "max_dealy = 2\n",  # 9
        encoding="utf-8",
    )
    result = _oagen(tmp_path, "validate")
    assert result.returncode == 2
    err = result.stderr
    assert "pyproject.toml:3:1: error E010 `idempotency_header` 'Bad Name' is not a header" in err
    assert "pyproject.toml:6:1: error E010 `retry.max_retries` must be an integer, got str" in err
    assert "pyproject.toml:7:1: error E010 `retry.initial_delay` must be between 0" in err
    assert "pyproject.toml:8:1: error E010 `retry.statuses` holds '6XX'" in err
    assert "pyproject.toml:9:1: error E010 unknown key `max_dealy` in [tool.oagen.retry]" in err
    assert "hint: known keys: max_retries, initial_delay, max_delay, statuses" in err
    assert "Traceback" not in err


def test_a_good_retry_table_generates(tmp_path: Path) -> None:
    config = Config(
        package="retry_good",
        retry=RetryTable(max_retries=4, initial_delay=0.25, max_delay=2.0, statuses=("429",)),
    )
    _, files = _import(tmp_path, config)
    client_source = files["retry_good/_client.py"].decode()
    assert "408, 409, 429 and 5xx (default 4)" in client_source


def test_a_huge_extension_value_is_quoted_as_an_excerpt() -> None:
    bomb: Any = ["lol"]
    for _ in range(60):  # 2**60 leaves when printed whole
        bomb = [bomb, bomb]
    spec = {**SPEC, "x-speakeasy-retries": {"strategy": bomb, "statusCodes": [bomb]}}
    run, _ = _build(spec, Config(package="retry_bomb"))
    messages = [d.message for d in run.diagnostics if d.code == "W420"]
    assert len(messages) == 1 and "strategy [[[[" in messages[0] and len(messages[0]) < 200
    spec = {**SPEC, "x-speakeasy-retries": {"statusCodes": [bomb]}}
    run, _ = _build(spec, Config(package="retry_bomb"))
    messages = [d.message for d in run.diagnostics if d.code == "W420"]
    assert len(messages) == 1 and "entry [[[[" in messages[0] and len(messages[0]) < 200
