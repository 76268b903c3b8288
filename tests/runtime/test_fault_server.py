"""The fake client against a real local server that misbehaves (sync and async)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from generator.runtime import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    InternalServerError,
)
from tests.fault_server import FaultServer
from tests.runtime.fake_api import AsyncFakeAPI, Completion, FakeAPI
from tests.runtime.helpers import Sleeps

MESSAGES = [{"role": "user", "content": "hi"}]


def key() -> str:
    return uuid.uuid4().hex


def sync_client(
    server: FaultServer, behaviour: str, k: str, **kwargs: Any
) -> tuple[FakeAPI, Sleeps]:
    client = FakeAPI(api_key="sk-fault", base_url=server.base_url(behaviour, k), **kwargs)
    sleeps = Sleeps()
    client._sleep = sleeps  # type: ignore[method-assign]
    return client, sleeps


def async_client(
    server: FaultServer, behaviour: str, k: str, **kwargs: Any
) -> tuple[AsyncFakeAPI, Sleeps]:
    client = AsyncFakeAPI(api_key="sk-fault", base_url=server.base_url(behaviour, k), **kwargs)
    sleeps = Sleeps()
    client._sleep = sleeps.async_call  # type: ignore[method-assign]
    return client, sleeps


# -- sync -----------------------------------------------------------------------------------------


def test_ok(fault_server: FaultServer) -> None:
    k = key()
    with sync_client(fault_server, "ok", k)[0] as client:
        for _ in range(3):
            result = client.chat.create(model="m", messages=MESSAGES)
            assert isinstance(result, Completion) and result.id == "gen-1"
    assert fault_server.attempts("ok", k) == 3


def test_retry_after_then_success(fault_server: FaultServer) -> None:
    k = key()
    client, sleeps = sync_client(fault_server, "retry-after", k)
    with client:
        assert client.chat.create(model="m", messages=MESSAGES).id == "gen-1"
    assert sleeps == [1.0]
    assert fault_server.attempts("retry-after", k) == 2


def test_503_then_success(fault_server: FaultServer) -> None:
    k = key()
    client, sleeps = sync_client(fault_server, "unavailable", k)
    with client:
        assert client.chat.create(model="m", messages=MESSAGES).id == "gen-1"
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5
    assert fault_server.attempts("unavailable", k) == 2


def test_503_until_retries_run_out(fault_server: FaultServer) -> None:
    k = key()
    client, _ = sync_client(fault_server, "unavailable", k, default_query={"times": 10})
    with client, pytest.raises(InternalServerError, match="Service Unavailable"):
        client.chat.create(model="m", messages=MESSAGES)
    assert fault_server.attempts("unavailable", k) == 3


def test_connection_reset(fault_server: FaultServer) -> None:
    k = key()
    client, sleeps = sync_client(fault_server, "reset", k)
    with client, pytest.raises(APIConnectionError) as info:
        client.chat.create(model="m", messages=MESSAGES)
    assert not isinstance(info.value, APITimeoutError)
    assert info.value.__cause__ is not None
    assert fault_server.attempts("reset", k) == 3
    assert len(sleeps) == 2


def test_connection_reset_then_success(fault_server: FaultServer) -> None:
    k = key()
    client, _ = sync_client(fault_server, "reset", k, default_query={"times": 1})
    with client:
        assert client.chat.create(model="m", messages=MESSAGES).id == "gen-1"
    assert fault_server.attempts("reset", k) == 2


def test_slow_response_times_out(fault_server: FaultServer) -> None:
    k = key()
    client, _ = sync_client(fault_server, "slow", k, timeout=0.2, max_retries=1)
    started = time.monotonic()
    with client, pytest.raises(APITimeoutError):
        client.chat.create(model="m", messages=MESSAGES)
    assert time.monotonic() - started < 1.5
    assert fault_server.attempts("slow", k) == 2


def test_per_call_timeout(fault_server: FaultServer) -> None:
    k = key()
    client, _ = sync_client(fault_server, "slow", k, max_retries=0)
    with client:
        with pytest.raises(APITimeoutError):
            client.chat.create(model="m", messages=MESSAGES, timeout=0.2)
        result = client.chat.create(
            model="m", messages=MESSAGES, timeout=3.0, extra_query={"delay": "0.05"}
        )
        assert result.id == "gen-1"


def test_malformed_json(fault_server: FaultServer) -> None:
    client, _ = sync_client(fault_server, "malformed", key())
    with client, pytest.raises(APIResponseValidationError):
        client.chat.create(model="m", messages=MESSAGES)


def test_error_in_200(fault_server: FaultServer) -> None:
    client, _ = sync_client(fault_server, "error-in-200", key())
    with client, pytest.raises(APIStatusError) as info:
        client.chat.create(model="m", messages=MESSAGES)
    assert info.value.status_code == 402
    assert info.value.message == "Insufficient credits"


def test_sse_stream(fault_server: FaultServer) -> None:
    client, _ = sync_client(fault_server, "sse", key())
    with client, client.chat.create(model="m", messages=MESSAGES, stream=True) as stream:
        text = "".join(ch.choices[0].delta.content or "" for ch in stream)
        assert text == "Hello!"
    assert stream.response.is_closed


def test_sse_stream_connection_is_reused(fault_server: FaultServer) -> None:
    client, _ = sync_client(fault_server, "sse", key())
    with client:
        for _ in range(3):
            with client.chat.create(model="m", messages=MESSAGES, stream=True) as stream:
                assert len(list(stream)) == 3
        pool = client._http._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1


def test_sse_broken_in_the_middle(fault_server: FaultServer) -> None:
    k = key()
    client, sleeps = sync_client(fault_server, "sse-broken", k)
    got: list[Any] = []
    with client, pytest.raises(APIConnectionError):
        for chunk in client.chat.create(model="m", messages=MESSAGES, stream=True):
            got.append(chunk)
    assert len(got) == 1
    assert fault_server.attempts("sse-broken", k) == 1  # never retried once handed back
    assert sleeps == []


def test_sse_error_chunk(fault_server: FaultServer) -> None:
    client, _ = sync_client(fault_server, "sse-error", key())
    got: list[Any] = []
    with client, pytest.raises(InternalServerError, match="Provider returned error") as info:
        for chunk in client.chat.create(model="m", messages=MESSAGES, stream=True):
            got.append(chunk)
    assert len(got) == 1
    assert info.value.status_code == 502


# -- async ----------------------------------------------------------------------------------------


def test_async_faults(fault_server: FaultServer) -> None:
    async def main() -> None:
        k = key()
        client, sleeps = async_client(fault_server, "retry-after", k)
        async with client:
            assert (await client.chat.create(model="m", messages=MESSAGES)).id == "gen-1"
        assert sleeps == [1.0]

        client, _ = async_client(fault_server, "unavailable", key())
        async with client:
            assert (await client.chat.create(model="m", messages=MESSAGES)).id == "gen-1"

        client, _ = async_client(fault_server, "reset", key())
        async with client:
            with pytest.raises(APIConnectionError):
                await client.chat.create(model="m", messages=MESSAGES)

        client, _ = async_client(fault_server, "slow", key(), timeout=0.2, max_retries=0)
        async with client:
            with pytest.raises(APITimeoutError):
                await client.chat.create(model="m", messages=MESSAGES)

        client, _ = async_client(fault_server, "malformed", key())
        async with client:
            with pytest.raises(APIResponseValidationError):
                await client.chat.create(model="m", messages=MESSAGES)

        client, _ = async_client(fault_server, "error-in-200", key())
        async with client:
            with pytest.raises(APIStatusError) as info:
                await client.chat.create(model="m", messages=MESSAGES)
            assert info.value.status_code == 402

    asyncio.run(main())


def test_async_streams(fault_server: FaultServer) -> None:
    async def main() -> None:
        client, _ = async_client(fault_server, "sse", key())
        async with client:
            stream = await client.chat.create(model="m", messages=MESSAGES, stream=True)
            async with stream:
                text = "".join([ch.choices[0].delta.content or "" async for ch in stream])
            assert text == "Hello!"

        client, _ = async_client(fault_server, "sse-broken", key())
        async with client:
            stream = await client.chat.create(model="m", messages=MESSAGES, stream=True)
            with pytest.raises(APIConnectionError):
                async for _ in stream:
                    pass

        client, _ = async_client(fault_server, "sse-error", key())
        async with client:
            stream = await client.chat.create(model="m", messages=MESSAGES, stream=True)
            with pytest.raises(InternalServerError):
                async for _ in stream:
                    pass

    asyncio.run(main())


def test_server_shuts_down_promptly() -> None:
    server = FaultServer().start()
    client = FakeAPI(api_key="k", base_url=server.base_url("slow", key()), timeout=5.0)
    import threading

    errors: list[BaseException] = []

    def call() -> None:
        try:
            client.chat.create(model="m", messages=MESSAGES, extra_query={"delay": "5"})
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2.0
    thread.join(timeout=5)
    client.close()
