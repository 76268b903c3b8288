"""A client generated from a description with OAuth2 client credentials and servers with
variables (tests/specs_runtime/warehouse.yaml): constructor options, the token flow, the editable
_hooks.py that regeneration keeps, the request id and raw requests; mypy --strict clean."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from .conftest import REPO

SPEC = REPO / "tests" / "specs_runtime" / "warehouse.yaml"
PACKAGE = "warehouse_api_client"
HOOK = """
from ._runtime import Hook, HookContext

SEEN: list[str] = []


class Trace(Hook):
    def before_request(self, request: Any, context: HookContext) -> None:
        SEEN.append(f"{context.call_path}#{context.attempt}")
        request.headers["x-trace"] = context.operation_id


def package_hooks() -> list[Hook]:
    return [Trace()]
"""


def _oagen(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        text=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Generated once, its _hooks.py edited, then generated again (the edit must survive)."""
    work = tmp_path_factory.mktemp("warehouse")
    out = work / "out"
    first = _oagen(work, "generate", str(SPEC), "-o", str(out))
    assert first.returncode == 0, first.stderr
    hooks = out / PACKAGE / "_hooks.py"
    assert "def package_hooks() -> list[Hook]:" in hooks.read_text()
    manifest = json.loads((out / ".oagen-manifest.json").read_text())
    assert f"{PACKAGE}/_hooks.py" not in manifest["files"]
    hooks.write_text("from typing import Any\n" + HOOK, encoding="utf-8")
    again = _oagen(work, "generate", str(SPEC), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert "class Trace(Hook)" in hooks.read_text()  # kept
    check = _oagen(work, "check", str(SPEC), "-o", str(out))
    assert check.returncode == 0, check.stdout + check.stderr  # an edited _hooks.py is not stale
    sys.path.insert(0, str(out))
    try:
        yield out
    finally:
        sys.path.remove(str(out))


def test_a_missing_hooks_file_is_stale_and_written_again(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy"
    assert _oagen(tmp_path, "generate", str(SPEC), "-o", str(out)).returncode == 0
    (out / PACKAGE / "_hooks.py").unlink()
    assert _oagen(tmp_path, "check", str(SPEC), "-o", str(out)).returncode == 1
    assert _oagen(tmp_path, "generate", str(SPEC), "-o", str(out)).returncode == 0
    assert (out / PACKAGE / "_hooks.py").is_file()


def test_the_package_passes_mypy_strict(generated: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir",
         os.devnull, "-p", PACKAGE],
        cwd=generated, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:]


def test_servers_become_constructor_options(generated: Path) -> None:
    module: Any = importlib.import_module(PACKAGE)
    assert module.Warehouse().base_url == "https://eu.warehouse.example.test/v2"
    assert module.Warehouse(region="ap").base_url == "https://ap.warehouse.example.test/v2"
    assert (
        module.Warehouse(server="sandbox").base_url == "https://sandbox.warehouse.example.test/v2"
    )
    with pytest.raises(module.InvalidRequestError):
        module.Warehouse(region="mars")


def test_client_credentials_hooks_request_id_and_raw_requests(generated: Path) -> None:
    module: Any = importlib.import_module(PACKAGE)
    hooks: Any = importlib.import_module(f"{PACKAGE}._hooks")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v2/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 60})
        if request.url.path == "/v2/stock/a-1":
            return httpx.Response(
                200, json={"sku": "a-1", "count": 3}, headers={"x-request-id": "rq-9"}
            )
        return httpx.Response(200, json={"ok": True})

    client = module.Warehouse(
        client_credentials=("warehouse-app", "very-secret"),
        region="us",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    stock = client.stock.retrieve(sku="a-1")
    assert (stock.count, stock._request_id) == (3, "rq-9")
    token, call = seen
    assert str(token.url) == "https://us.warehouse.example.test/v2/oauth/token"
    assert parse_qs(token.content.decode())["scope"] == ["stock.read"]
    assert call.headers["authorization"] == "Bearer tok"
    assert call.headers["x-trace"] == "getStock"
    assert hooks.SEEN[-1] == "stock.retrieve#1"
    assert client.get("/beta/summary") == {"ok": True}
    assert seen[-1].headers["authorization"] == "Bearer tok" and len(seen) == 3
    assert "very-secret" not in repr(client)


def test_with_options_takes_hooks_auth_and_servers_and_keeps_the_package_hooks(
    generated: Path,
) -> None:
    module: Any = importlib.import_module(PACKAGE)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"sku": "a-1", "count": 3})

    class Mine(module.Hook):  # type: ignore[misc]
        def before_request(self, request: httpx.Request, context: Any) -> None:
            request.headers["x-mine"] = context.call_path

    client = module.Warehouse(
        auth=lambda: "original", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    copy = client.with_options(hooks=[Mine()], auth=lambda: "copy", server="sandbox")
    copy.stock.retrieve(sku="a-1")
    client.stock.retrieve(sku="a-1")
    to_copy, to_client = seen
    assert str(to_copy.url) == "https://sandbox.warehouse.example.test/v2/stock/a-1"
    assert to_copy.headers["authorization"] == "Bearer copy"
    assert to_copy.headers["x-trace"] == "getStock"  # the package's hook still runs first
    assert to_copy.headers["x-mine"] == "stock.retrieve"
    assert str(to_client.url) == "https://eu.warehouse.example.test/v2/stock/a-1"
    assert to_client.headers["authorization"] == "Bearer original"
    assert "x-mine" not in to_client.headers and to_client.headers["x-trace"] == "getStock"
    moved = client.with_options(server_variables={"region": "ap"})
    assert moved.base_url == "https://ap.warehouse.example.test/v2"
    with pytest.raises(module.InvalidRequestError, match="region must be one of"):
        client.with_options(server_variables={"region": "mars"})


def test_the_builder_reads_servers_and_client_credentials() -> None:
    from generator.config import Config
    from generator.load.sources import SourceFile, Sources
    from generator.pipeline import Run, build

    document = {
        "openapi": "3.1.0",
        "info": {"title": "Tiny", "version": "1"},
        "servers": [
            {"url": "https://{tenant}.tiny.test/", "variables": {"tenant": {"enum": ["a"]}}},
            {"url": "https://other.tiny.test", "x-speakeasy-server-id": "other"},
        ],
        "paths": {},
        "components": {
            "securitySchemes": {
                "cc": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {"tokenUrl": "https://auth.test/t", "scopes": {}}
                    },
                }
            }
        },
    }
    run = Run(Config(package="tiny"))
    run.sources = Sources(Path.cwd(), run.diagnostics)
    api = build(run, SourceFile(Path.cwd() / "s.json", "s.json", "", document, True), "3.1.0")
    assert [(s.name, s.url) for s in api.servers] == [
        ("server_1", "https://{tenant}.tiny.test"),
        ("other", "https://other.tiny.test"),
    ]
    (variable,) = api.server_variables
    assert (variable.argument, variable.default, variable.allowed) == ("tenant", "", ("a",))
    warning = next(d for d in run.diagnostics if d.code == "W440")
    assert warning.location is not None
    assert warning.location.pointer == "/servers/0/variables/tenant"
    (scheme,) = api.security_schemes
    assert (scheme.argument, scheme.token_url) == ("client_credentials", "https://auth.test/t")
    assert (scheme.client_id_env, scheme.client_secret_env) == (
        "TINY_CLIENT_ID",
        "TINY_CLIENT_SECRET",
    )


def test_a_tag_never_shadows_the_raw_request_methods() -> None:
    from generator.config import Config
    from generator.load.sources import SourceFile, Sources
    from generator.pipeline import Run, build

    operation = {"responses": {"204": {"description": "gone"}}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "Tags", "version": "1"},
        "paths": {
            f"/{verb}": {"get": {**operation, "operationId": f"op_{verb}", "tags": [verb]}}
            for verb in ("get", "post", "put", "patch", "delete")
        },
    }
    run = Run(Config(package="tags"))
    run.sources = Sources(Path.cwd(), run.diagnostics)
    api = build(run, SourceFile(Path.cwd() / "s.json", "s.json", "", document, True), "3.1.0")
    assert sorted(r.attribute for r in api.resources) == [
        "delete_",
        "get_",
        "patch_",
        "post_",
        "put_",
    ]
