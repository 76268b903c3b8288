"""Every operation of the showcase client against Prism mocking spec/openrouter.yaml.

Prism validates each request against the spec (an invalid one gets a 422 problem or an
`sl-violations` header) and answers with a body from the spec; static mode returns the examples,
dynamic mode random schema-valid bodies with extra unknown properties. Each call must pass
Prism's validation and parse into the typed model.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import GENERATED, SPEC
from .support.prism import PrismServer, prism_binary, violations

sys.path.insert(0, str(GENERATED))

from openrouter_client import AsyncOpenRouter, OpenRouter, Stream
from openrouter_client import models as m

MESSAGES = [{"role": "user", "content": "Hello"}]


def _need_prism() -> None:
    if prism_binary() is None:
        pytest.skip("Prism is not installed: `make test` installs it (npm ci)")


@pytest.fixture(scope="module", params=["static", "dynamic"])
def prism(request: pytest.FixtureRequest) -> Iterator[PrismServer]:
    _need_prism()
    with PrismServer(SPEC, dynamic=request.param == "dynamic") as server:
        yield server


class _Recorder:
    """An httpx event hook that keeps every response, to check Prism's verdict on each."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    def __call__(self, response: httpx.Response) -> None:
        self.responses.append(response)

    async def record_async(self, response: httpx.Response) -> None:
        self.responses.append(response)

    def assert_all_valid(self) -> None:
        assert self.responses, "no request was sent"
        for response in self.responses:
            problems = violations(response.headers)
            request_problems = [p for p in problems if "request" in p.lower()]
            assert response.status_code < 400, (response.request.url, response.status_code)
            assert not request_problems, (response.request.url, request_problems)


def _calls(client: Any) -> list[tuple[str, Any]]:
    """(name, zero-argument callable) for every operation; same shape for sync and async."""
    return [
        (
            "create_chat_completion",
            lambda: client.chat.completions.create(
                model="openai/gpt-4o", messages=MESSAGES, temperature=0.2, max_tokens=16
            ),
        ),
        (
            "create_completion",
            lambda: client.completions.create(
                model="openai/gpt-3.5-turbo-instruct", prompt="Say hi", max_tokens=8
            ),
        ),
        ("list_models", lambda: client.models.list()),
        (
            "list_model_endpoints",
            lambda: client.models.endpoints.list(author="openai", slug="gpt-4o"),
        ),
        ("get_generation", lambda: client.generation.retrieve(id="gen-123")),
        ("get_credits", lambda: client.credits.retrieve()),
        ("list_providers", lambda: client.providers.list()),
        ("list_keys", lambda: client.keys.list(offset=0)),
        ("create_key", lambda: client.keys.create(name="ci key", limit=10.0)),
        ("get_key", lambda: client.keys.retrieve(hash="abc123")),
        ("delete_key", lambda: client.keys.delete(hash="abc123")),
        (
            "update_key",
            lambda: client.keys.update(hash="abc123", name="renamed", disabled=False),
        ),
    ]


EXPECTED_TYPES = {
    "create_chat_completion": "ChatCompletionResponse",
    "create_completion": "CreateCompletionResponse",
    "list_models": "ModelList",
    "list_model_endpoints": "ListModelEndpointsResponse",
    "get_generation": "GetGenerationResponse",
    "get_credits": "GetCreditsResponse",
    "list_providers": "ListProvidersResponse",
    "list_keys": "ListKeysResponse",
    "create_key": "CreateKeyResponse",
    "get_key": "GetKeyResponse",
    "delete_key": "DeleteKeyResponse",
    "update_key": "UpdateKeyResponse",
}
PAGED = {"list_keys"}


def test_every_operation_sync(prism: PrismServer) -> None:
    recorder = _Recorder()
    http = httpx.Client(event_hooks={"response": [recorder]})
    with OpenRouter(
        api_key="sk-test", base_url=prism.base_url, http_client=http, max_retries=0
    ) as client:
        calls = _calls(client)
        assert len(calls) == 12
        for name, call in calls:
            result = call()
            if name in PAGED:  # a page: its body is the operation's response
                assert type(result).__name__ == "SyncPage", name
                result = result.body
            assert type(result).__name__ == EXPECTED_TYPES[name], name
            # Nothing is lost: in dynamic mode Prism's faker adds properties the spec does not
            # declare, at every level, and the model must keep them all.
            raw = recorder.responses[-1].json()
            assert result.model_dump(mode="json", by_alias=True, exclude_unset=True) == raw, name
    recorder.assert_all_valid()
    http.close()


def test_every_operation_async(prism: PrismServer) -> None:
    recorder = _Recorder()

    async def run() -> None:
        http = httpx.AsyncClient(event_hooks={"response": [recorder.record_async]})
        async with AsyncOpenRouter(
            api_key="sk-test", base_url=prism.base_url, http_client=http, max_retries=0
        ) as client:
            for name, call in _calls(client):
                result = await call()
                if name in PAGED:
                    assert type(result).__name__ == "AsyncPage", name
                    result = result.body
                assert type(result).__name__ == EXPECTED_TYPES[name], name
        await http.aclose()

    asyncio.run(run())
    recorder.assert_all_valid()


def test_list_keys_pages_by_offset(prism: PrismServer) -> None:
    """Prism answers every page with the same example, so paging never ends by itself: taking
    three keys must make exactly three requests, each valid for Prism, the offset advancing."""
    if prism.dynamic:
        pytest.skip("random bodies: the number of keys per page is unknown")
    recorder = _Recorder()
    http = httpx.Client(event_hooks={"response": [recorder]})
    with OpenRouter(
        api_key="sk-test", base_url=prism.base_url, http_client=http, max_retries=0
    ) as client:
        page = client.keys.list()
        assert len(recorder.responses) == 1
        assert all(isinstance(key, m.ListKeysResponseDataItem) for key in page.items)
        per_page = len(page.items)
        keys = list(itertools.islice(page, 3 * per_page))
    assert len(keys) == 3 * per_page
    assert len(recorder.responses) == 3
    offsets = [r.request.url.params.get("offset") for r in recorder.responses]
    assert offsets == [None, str(per_page), str(2 * per_page)]
    recorder.assert_all_valid()
    http.close()

    async def run() -> list[str]:
        arecorder = _Recorder()
        ahttp = httpx.AsyncClient(event_hooks={"response": [arecorder.record_async]})
        async with AsyncOpenRouter(
            api_key="sk-test", base_url=prism.base_url, http_client=ahttp, max_retries=0
        ) as aclient:
            hashes = []
            async for key in aclient.keys.list():
                hashes.append(key.hash)
                if len(hashes) == 2 * per_page:
                    break
        arecorder.assert_all_valid()
        await ahttp.aclose()
        return hashes

    assert asyncio.run(run()) == [key.hash for key in keys[: 2 * per_page]]


def test_streaming_chat_completion(prism: PrismServer) -> None:
    if prism.dynamic:
        pytest.skip("Prism cannot fake an event stream from a schema; the example is used")
    with OpenRouter(api_key="sk-test", base_url=prism.base_url) as client:
        stream = client.chat.completions.create(
            model="openai/gpt-4o", messages=MESSAGES, stream=True
        )
        assert isinstance(stream, Stream)
        with stream:
            chunks = list(stream)
    assert chunks, "the example stream has chunks"
    assert all(isinstance(chunk, m.ChatCompletionChunk) for chunk in chunks)


def test_typed_error_from_prism(prism: PrismServer) -> None:
    from openrouter_client import NotFoundError

    with (
        OpenRouter(
            api_key="sk-test",
            base_url=prism.base_url,
            max_retries=0,
            default_headers={"Prefer": "code=404"},
        ) as client,
        pytest.raises(NotFoundError) as caught,
    ):
        client.keys.retrieve(hash="missing")
    assert caught.value.status_code == 404
    assert isinstance(caught.value.body, m.ErrorResponse)
