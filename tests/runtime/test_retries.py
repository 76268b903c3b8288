from __future__ import annotations

import asyncio
import email.utils
import time

import httpx
import pytest

from generator.runtime import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from generator.runtime._retries import (
    backoff_delay,
    parse_retry_after,
    retry_delay,
    should_retry_status,
)
from tests.runtime.helpers import json_response, make_async_client, make_client

MESSAGES = [{"role": "user", "content": "hi"}]


def _headers(**values: str) -> httpx.Headers:
    return httpx.Headers({k.replace("_", "-"): v for k, v in values.items()})


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after(_headers(retry_after="3")) == 3.0
    assert parse_retry_after(_headers(retry_after="1.5")) == 1.5
    assert parse_retry_after(_headers(retry_after_ms="250")) == 0.25
    assert parse_retry_after(_headers(retry_after_ms="250", retry_after="9")) == 0.25
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    parsed = parse_retry_after(_headers(retry_after=date), now=now)
    assert parsed is not None and 28 <= parsed <= 31
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(_headers(retry_after=past), now=now) == 0.0
    assert parse_retry_after(_headers(retry_after="soon")) is None
    assert parse_retry_after(_headers(retry_after="-1")) is None
    assert parse_retry_after(_headers()) is None


def test_backoff_is_bounded_and_grows() -> None:
    for retries in range(10):
        high = min(0.5 * 2**retries, 8.0)
        assert backoff_delay(retries, 0.5, 8.0, rand=lambda: 0.0) == high
        assert backoff_delay(retries, 0.5, 8.0, rand=lambda: 1.0) == pytest.approx(high * 0.75)
    delays = [backoff_delay(n, 0.5, 8.0) for n in range(5)]
    assert delays == sorted(delays)  # jitter never reorders consecutive steps
    assert delays[0] >= 0.375
    assert all(d <= 8.0 for d in (backoff_delay(n, 0.5, 8.0) for n in range(50)))


def test_retryable_statuses() -> None:
    h = httpx.Headers()
    statuses = (400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503)
    retried = [s for s in statuses if should_retry_status(s, h)]
    assert retried == [408, 409, 429, 500, 502, 503]
    assert should_retry_status(400, _headers(x_should_retry="true"))
    assert not should_retry_status(503, _headers(x_should_retry="false"))


def test_retry_delay_gives_up_when_asked_to_wait_too_long() -> None:
    kwargs = {"initial": 0.5, "maximum": 8.0, "max_retry_after": 60.0}
    assert retry_delay(0, 2, _headers(retry_after="61"), **kwargs) is None
    assert retry_delay(0, 2, _headers(retry_after="60"), **kwargs) == 60.0
    assert retry_delay(2, 2, _headers(retry_after="1"), **kwargs) is None


def test_429_with_retry_after_seconds_then_success() -> None:
    c, rec, sleeps = make_client(
        json_response(429, {"error": {"message": "slow down"}}, **{"Retry-After": "2"}),
        json_response(),
    )
    assert c.chat.create(model="m", messages=MESSAGES).id == "gen-1"
    assert rec.calls == 2
    assert sleeps == [2.0]


def test_429_with_http_date() -> None:
    date = email.utils.formatdate(time.time() + 5, usegmt=True)
    c, rec, sleeps = make_client(json_response(429, {}, **{"Retry-After": date}), json_response())
    c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 2
    assert 3.0 <= sleeps[0] <= 5.5


def test_retry_after_ms() -> None:
    c, _, sleeps = make_client(json_response(503, {}, **{"retry-after-ms": "120"}), json_response())
    c.chat.create(model="m", messages=MESSAGES)
    assert sleeps == [0.12]


def test_503_then_success_uses_backoff() -> None:
    c, rec, sleeps = make_client(json_response(503, {}), json_response(502, {}), json_response())
    c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 3
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0


def test_retries_exhausted_raises_last_error() -> None:
    c, rec, sleeps = make_client(json_response(500, {"error": {"message": "boom"}}))
    with pytest.raises(InternalServerError, match="boom"):
        c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 3  # 1 + max_retries (2)
    assert len(sleeps) == 2


def test_max_retries_override() -> None:
    c, rec, _ = make_client(json_response(500, {}), max_retries=5)
    with pytest.raises(InternalServerError):
        c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 6
    c0, rec0, _ = make_client(json_response(500, {}))
    with pytest.raises(InternalServerError):
        c0.with_options(max_retries=0).chat.create(model="m", messages=MESSAGES)
    assert rec0.calls == 1


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequestError), (401, AuthenticationError), (404, NotFoundError)]
)
def test_never_retry_client_errors(status: int, error: type[APIStatusError]) -> None:
    c, rec, sleeps = make_client(json_response(status, {}))
    with pytest.raises(error):
        c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 1
    assert sleeps == []


def test_x_should_retry_header() -> None:
    c, rec, _ = make_client(json_response(400, {}, **{"x-should-retry": "true"}), json_response())
    c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 2
    c2, rec2, _ = make_client(json_response(503, {}, **{"x-should-retry": "false"}))
    with pytest.raises(InternalServerError):
        c2.chat.create(model="m", messages=MESSAGES)
    assert rec2.calls == 1


def test_too_long_retry_after_raises_immediately() -> None:
    c, rec, sleeps = make_client(json_response(429, {}, **{"Retry-After": "3600"}))
    with pytest.raises(RateLimitError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 1
    assert sleeps == []
    assert info.value.headers["retry-after"] == "3600"


def test_connection_errors_are_retried_then_wrapped() -> None:
    c, rec, _ = make_client(httpx.ConnectError("refused"), json_response())
    assert c.chat.create(model="m", messages=MESSAGES).id == "gen-1"
    assert rec.calls == 2

    c2, rec2, _ = make_client(httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as info:
        c2.chat.create(model="m", messages=MESSAGES)
    assert rec2.calls == 3
    assert isinstance(info.value.__cause__, httpx.ConnectError)
    assert not isinstance(info.value, APITimeoutError)


def test_timeouts_are_retried_then_wrapped() -> None:
    c, rec, _ = make_client(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert rec.calls == 3
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)
    assert isinstance(info.value, APIConnectionError)


def test_stream_is_retried_on_status_before_being_returned() -> None:
    sse = httpx.Response(200, headers={"content-type": "text/event-stream"},
                         content=b'data: {"id":"1","choices":[]}\n\ndata: [DONE]\n\n')  # fmt: skip
    c, rec, _ = make_client(json_response(503, {}), sse)
    with c.chat.create(model="m", messages=MESSAGES, stream=True) as stream:
        assert [chunk.id for chunk in stream] == ["1"]
    assert rec.calls == 2


def test_async_retries() -> None:
    c, rec, sleeps = make_async_client(
        json_response(429, {}, **{"Retry-After": "1"}), httpx.ConnectError("x"), json_response()
    )
    result = asyncio.run(c.chat.create(model="m", messages=MESSAGES))
    assert result.id == "gen-1"
    assert rec.calls == 3
    assert sleeps[0] == 1.0
    assert len(sleeps) == 2


def test_async_no_retry_on_404_and_exhaustion() -> None:
    c, rec, _ = make_async_client(json_response(404, {}))
    with pytest.raises(NotFoundError):
        asyncio.run(c.chat.create(model="m", messages=MESSAGES))
    assert rec.calls == 1
    c2, rec2, _ = make_async_client(httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError):
        asyncio.run(c2.chat.create(model="m", messages=MESSAGES))
    assert rec2.calls == 3
