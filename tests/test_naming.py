"""Call paths (docs/naming.md): hints, configuration, the inference styles, collisions, and the
generated nested resources."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import httpx

from generator.config import Config
from generator.load.sources import SourceFile, Sources
from generator.model import ir
from generator.model.naming import safe_identifier, shorten, snake_case
from generator.pipeline import Run, build, render_and_format


def _op(operation_id: str | None, *, tags: list[str] | None = None, **extra: Any) -> Any:
    operation: dict[str, Any] = {"responses": {"200": {"description": "ok"}}, **extra}
    if operation_id is not None:
        operation["operationId"] = operation_id
    if tags is not None:
        operation["tags"] = tags
    return operation


def _listing() -> dict[str, Any]:
    """A 200 response holding a list under `data`."""
    schema = {"type": "object", "properties": {"data": {"type": "array", "items": {}}}}
    return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}


def _build(paths: dict[str, Any], config: Config | None = None) -> tuple[Run, ir.Api]:
    run = Run(config or Config())
    run.sources = Sources(Path.cwd(), run.diagnostics)
    document = {"openapi": "3.1.0", "info": {"title": "Named", "version": "1"}, "paths": paths}
    source = SourceFile(Path.cwd() / "spec.json", "spec.json", "", document, True)
    return run, build(run, source, "3.1.0")


def _calls(api: ir.Api) -> dict[str, str]:
    """ "METHOD /path" -> "resource.method"."""
    return {
        f"{op.http_method} {op.path}": f"{op.resource}.{op.method_name}"
        for r in api.resources
        for op in r.operations
    }


def test_stainless_style_from_paths() -> None:
    run, api = _build(
        {
            "/v1/files": {"get": _op("listFiles", responses=_listing()), "post": _op("upload")},
            "/v1/files/{id}": {
                "get": _op("getFile"),
                "post": _op("changeFile"),
                "delete": _op("removeFile"),
            },
            "/v1/files/{id}/content": {"get": _op("fileContent")},
            "/v1/batches/{id}/cancel": {"post": _op("stopBatch")},
            "/v1/chat/completions": {"post": _op("createChatCompletion")},
            "/v1/chat/completions/{id}/messages": {"get": _op("getMessages", responses=_listing())},
            "/v1/messages/count_tokens": {"post": _op("countTokens")},
        }
    )
    assert _calls(api) == {
        "GET /v1/files": "files.list",
        "POST /v1/files": "files.create",
        "GET /v1/files/{id}": "files.retrieve",
        "POST /v1/files/{id}": "files.update",
        "DELETE /v1/files/{id}": "files.delete",
        "GET /v1/files/{id}/content": "files.content",
        "POST /v1/batches/{id}/cancel": "batches.cancel",
        "POST /v1/chat/completions": "chat.completions.create",
        "GET /v1/chat/completions/{id}/messages": "chat.completions.messages.list",
        "POST /v1/messages/count_tokens": "messages.count_tokens",
    }
    assert api.naming_style == "path"
    assert not [d for d in run.diagnostics if d.code == "W407"]


def test_openapi_generator_style_drops_the_tag_and_keeps_versions_whole() -> None:
    _, api = _build(
        {
            "/api/v1/namespaces/{namespace}/pods": {
                "get": _op("listCoreV1NamespacedPod", tags=["core_v1"]),
                "post": _op("createCoreV1NamespacedPod", tags=["core_v1"]),
            },
            "/apis/apps/v1beta1/deployments": {
                "get": _op("listAppsV1beta1DeploymentForAllNamespaces", tags=["apps_v1beta1"])
            },
            "/api/": {"get": _op("getCoreAPIVersions", tags=["core"])},
        }
    )
    assert api.naming_style == "tag"
    assert _calls(api) == {
        "GET /api/v1/namespaces/{namespace}/pods": "core_v1.list_namespaced_pod",
        "POST /api/v1/namespaces/{namespace}/pods": "core_v1.create_namespaced_pod",
        "GET /apis/apps/v1beta1/deployments": "apps_v1beta1.list_deployment_for_all_namespaces",
        "GET /api/": "core.get_api_versions",
    }
    assert snake_case("CoreV1beta1API") == "core_v1beta1_api"


def test_fastapi_operation_ids_are_reduced_to_the_function_name() -> None:
    _, api = _build(
        {
            "/v1/agents/{agent_id}": {
                "get": _op("get_agent_v1_agents__agent_id__get", tags=["agents"]),
            },
            "/v1/agents": {
                "get": _op("list_agents_v1_agents_get", tags=["agents"]),
                "post": _op("create_agent_v1_agents_post", tags=["agents"]),
            },
            "/{anything}": {"get": _op("catch_all__anything__get", tags=["agents"])},
        }
    )
    calls = _calls(api)
    assert calls["GET /v1/agents/{agent_id}"] == "agents.retrieve"
    assert calls["GET /{anything}"] == "agents.catch_all"  # no static segment: the operationId


def test_hints_and_configuration_in_order_of_strength() -> None:
    paths = {
        "/chat/completions": {
            "post": _op(
                "sendChat", **{"x-speakeasy-group": "chat", "x-speakeasy-name-override": "send"}
            )
        },
        "/keys": {
            "get": _op("listKeys", **{"x-oagen-name": "keys.all", "x-fern-sdk-method-name": "x"})
        },
        "/models/{id}": {"get": _op("getModel", **{"x-fern-sdk-group-name": ["models", "info"]})},
        "/things": {"get": _op("listThings", **{"x-speakeasy-group": "things"})},
        "/skip": {"get": _op("skipped", **{"x-speakeasy-ignore": True})},
        "/bad": {"get": _op("bad", **{"x-oagen-group": 5})},
    }
    config = Config(operation_names=(("listThings", "catalogue.things.all"),))
    run, api = _build(paths, config)
    assert _calls(api) == {
        "POST /chat/completions": "chat.send",
        "GET /keys": "keys.all",
        "GET /models/{id}": "models.info.get_model",
        "GET /things": "catalogue.things.all",
        "GET /bad": "bad.bad",  # a Speakeasy-hinted spec: what Speakeasy does without hints
    }
    codes = {d.code for d in run.diagnostics}
    assert {"I402", "W408"} <= codes
    assert dict(api.naming_sources)["config"] == 1


def test_azure_group_verb_operation_ids() -> None:
    _, api = _build(
        {
            "/subscriptions/{s}/vms": {"get": _op("VirtualMachines_List")},
            "/subscriptions/{s}/vms/{vm}": {"put": _op("VirtualMachines_CreateOrUpdate")},
        }
    )
    assert api.naming_style == "azure"
    assert set(_calls(api).values()) == {
        "virtual_machines.list",
        "virtual_machines.create_or_update",
    }


def test_a_collision_falls_back_to_the_operation_id_and_names_both() -> None:
    run, api = _build(
        {
            "/users/{id}": {"get": _op("getUser")},
            "/users/{name}/": {"get": _op("getUserByName")},
        }
    )
    assert sorted(_calls(api).values()) == ["users.get_user_by_name", "users.retrieve"]
    (warning,) = [d for d in run.diagnostics if d.code == "W407"]
    assert "GET /users/{name}/ and GET /users/{id} both want `users.retrieve`" in warning.message
    assert warning.location is not None and warning.location.pointer.startswith("/paths/")


def test_long_names_lose_whole_words_never_part_of_one() -> None:
    long = "list_" + "_".join(f"word{i}" for i in range(30))
    short = safe_identifier(long, "x")
    assert len(short) <= 80 and long.startswith(short) and long[len(short)] == "_"
    assert shorten("list_pod_list_pod_for_namespace", 20) == "list_pod_for"


def test_nested_resources_sync_async_and_raw(tmp_path: Path) -> None:
    run, api = _build(
        {
            "/chat/completions": {"post": _op("createChatCompletion")},
            "/chat/completions/{id}": {"get": _op("getChatCompletion")},
        }
    )
    files = render_and_format(run, api)
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(api.package)
    finally:
        sys.path.remove(str(tmp_path))
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = module.Named(
        base_url="http://test", http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    client.chat.completions.create()
    client.chat.completions.retrieve("abc")
    raw = client.with_raw_response.chat.completions.retrieve(id="xyz")
    assert raw.status_code == 200
    assert [(r.method, r.url.path) for r in seen] == [
        ("POST", "/chat/completions"),
        ("GET", "/chat/completions/abc"),
        ("GET", "/chat/completions/xyz"),
    ]
    assert (
        type(module.AsyncNamed(base_url="http://test").chat.completions).__name__
        == "AsyncChatCompletions"
    )
