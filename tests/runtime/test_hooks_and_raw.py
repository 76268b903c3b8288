"""Hooks, the request id, and client.get/post/put/patch/delete for undescribed endpoints."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from generator.runtime import APIStatusError, Hook, HookContext, InvalidRequestError, NotFoundError
from tests.runtime.fake_api import Completion, Key
from tests.runtime.helpers import json_response, make_async_client, make_client

KEY = {"hash": "h1", "name": "k"}


class Recording(Hook):
    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log
        self.contexts: list[HookContext] = []

    def before_request(self, request: httpx.Request, context: HookContext) -> None:
        self.contexts.append(context)
        self.log.append(f"{self.name}.before#{context.attempt}")
        request.headers["x-hooked"] = self.name

    def after_response(self, response: httpx.Response, context: HookContext) -> None:
        self.log.append(f"{self.name}.after:{response.status_code}")


def test_hooks_run_in_order_per_attempt_and_see_the_operation() -> None:
    log: list[str] = []
    first, second = Recording("a", log), Recording("b", log)
    client, recorder, _ = make_client(
        json_response(503), json_response(200, KEY), hooks=[first, second]
    )
    key = client.keys.get("h1")
    assert isinstance(key, Key)
    assert log == [
        "a.before#1", "b.before#1", "a.after:503", "b.after:503",
        "a.before#2", "b.before#2", "a.after:200", "b.after:200",
    ]  # fmt: skip
    assert recorder.last.headers["x-hooked"] == "b"
    context = first.contexts[0]
    assert (context.operation_id, context.method, context.path) == (
        "get_key",
        "GET",
        "/keys/{hash}",
    )


def test_a_hook_can_replace_the_request_and_the_response() -> None:
    class Rewrite(Hook):
        def before_request(self, request: httpx.Request, context: HookContext) -> httpx.Request:
            return httpx.Request(request.method, request.url, headers={"x-only": "this"})

        def after_response(self, response: httpx.Response, context: HookContext) -> httpx.Response:
            return httpx.Response(200, json={**KEY, "name": "replaced"})

    client, recorder, _ = make_client(json_response(500), hooks=[Rewrite()])
    assert client.keys.get("h1").name == "replaced"
    assert dict(recorder.last.headers).get("x-only") == "this"
    assert recorder.calls == 1  # the 500 was replaced before any retry decision


def test_on_error_sees_the_error_and_can_replace_it() -> None:
    class Translate(Hook):
        def __init__(self) -> None:
            self.seen: list[tuple[type[Exception], int]] = []

        def on_error(self, error: Exception, context: HookContext) -> Exception:
            self.seen.append((type(error), context.attempt))
            return LookupError(str(error))

    hook = Translate()
    client, _, _ = make_client(
        json_response(404, {"error": {"code": 404, "message": "gone"}}), hooks=[hook]
    )
    with pytest.raises(LookupError, match="gone") as info:
        client.keys.get("h1")
    assert isinstance(info.value.__cause__, NotFoundError)
    assert hook.seen == [(NotFoundError, 1)]


def test_a_raising_hook_stops_the_call() -> None:
    class Refuse(Hook):
        def before_request(self, request: httpx.Request, context: HookContext) -> None:
            raise PermissionError("not from this process")

    client, recorder, _ = make_client(hooks=[Refuse()])
    with pytest.raises(PermissionError):
        client.keys.get("h1")
    assert recorder.calls == 0


def test_async_hooks_may_be_coroutines_and_sync_clients_refuse_them() -> None:
    class AsyncHook:
        async def before_request(self, request: httpx.Request, context: HookContext) -> None:
            await asyncio.sleep(0)
            request.headers["x-async"] = "yes"

    async def main() -> httpx.Request:
        client, recorder, _ = make_async_client(json_response(200, KEY), hooks=[AsyncHook()])
        await client.keys.get("h1")
        return recorder.last

    assert asyncio.run(main()).headers["x-async"] == "yes"
    client, _, _ = make_client(json_response(200, KEY), hooks=[AsyncHook()])
    with pytest.raises(InvalidRequestError, match="async hook"):
        client.keys.get("h1")
    with pytest.raises(InvalidRequestError, match="not a hook"):
        make_client(hooks=[object()])


def test_request_id_on_parsed_models_and_on_errors() -> None:
    client, _, _ = make_client(json_response(200, KEY, **{"x-request-id": "req-1"}))
    assert client.keys.get("h1")._request_id == "req-1"  # type: ignore[attr-defined]
    client, _, _ = make_client(json_response(400, {"error": {}}, **{"x-request-id": "req-2"}))
    with pytest.raises(APIStatusError) as info:
        client.keys.get("h1")
    assert info.value.request_id == "req-2"
    client, _, _ = make_client(json_response(200, KEY, **{"x-request-id": "req-3"}))
    key = client.keys.get("h1")
    assert key == Key(**KEY) and key.model_dump() == Key(**KEY).model_dump()  # not a field


def test_raw_requests_use_auth_retries_hooks_and_errors() -> None:
    log: list[str] = []
    client, recorder, sleeps = make_client(
        json_response(502), json_response(200, {"ok": True}), hooks=[Recording("h", log)]
    )
    assert client.post("/beta/things", body={"a": 1}, query={"q": "x y"}) == {"ok": True}
    request = recorder.last
    assert request.url.path == "/v1/beta/things" and request.url.query == b"q=x%20y"
    assert request.headers["authorization"] == "Bearer sk-test-secret-123"
    assert request.content == b'{"a":1}'
    assert request.headers["idempotency-key"] == recorder.requests[0].headers["idempotency-key"]
    assert len(sleeps) == 1 and log[0] == "h.before#1"

    client, _, _ = make_client(json_response(200, {"id": "c", "choices": []}))
    completion = client.get("/chat/{id}", cast_to=Completion)
    assert isinstance(completion, Completion)
    client, recorder, _ = make_client(json_response(404, {"error": {"code": 1, "message": "x"}}))
    with pytest.raises(NotFoundError):
        client.delete("/things/1")
    for bad in ("things", "//evil.test/x", "https://evil.test/x", "/x?y=1"):
        with pytest.raises(InvalidRequestError):
            client.get(bad)


def test_raw_requests_async() -> None:
    async def main() -> Any:
        client, recorder, _ = make_async_client(json_response(200, [1, 2]))
        result = await client.put("/things/1", body={"b": 2})
        return result, recorder.last

    result, request = asyncio.run(main())
    assert result == [1, 2] and request.method == "PUT"
