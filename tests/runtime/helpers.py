"""Scripted transports and client factories for the runtime tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from tests.runtime.fake_api import AsyncFakeAPI, FakeAPI

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]

COMPLETION = {
    "id": "gen-1",
    "object": "chat.completion",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}],
}


def json_response(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(COMPLETION if body is None else body).encode(),
        headers={"content-type": "application/json", **headers},
    )


class Recorder:
    """A MockTransport handler replaying scripted replies (the last one repeats)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [json_response()]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            # A fresh copy per request: a Response can only be consumed once.
            return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)
        return reply(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    @property
    def calls(self) -> int:
        return len(self.requests)


class Sleeps(list[float]):
    """Records requested sleeps instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

    async def async_call(self, seconds: float) -> None:
        self.append(seconds)


def make_client(
    *replies: Reply, api_key: str | None = "sk-test-secret-123", **kwargs: Any
) -> tuple[FakeAPI, Recorder, Sleeps]:
    recorder = Recorder(*replies)
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    client = FakeAPI(api_key=api_key, http_client=http, **kwargs)
    sleeps = Sleeps()
    client._sleep = sleeps  # type: ignore[method-assign]
    return client, recorder, sleeps


def make_async_client(
    *replies: Reply, api_key: str | None = "sk-test-secret-123", **kwargs: Any
) -> tuple[AsyncFakeAPI, Recorder, Sleeps]:
    recorder = Recorder(*replies)
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    client = AsyncFakeAPI(api_key=api_key, http_client=http, **kwargs)
    sleeps = Sleeps()
    client._sleep = sleeps.async_call  # type: ignore[method-assign]
    return client, recorder, sleeps
