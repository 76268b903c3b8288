"""Safe retries of writes: idempotency keys on POST/PATCH, and retry policies (RetryPolicy)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import uuid
from typing import Any, ClassVar

import httpx
import pytest

from generator.runtime import (
    APIConnectionError,
    ClientConfig,
    InternalServerError,
    InvalidRequestError,
    Operation,
    Param,
    RateLimitError,
    RetryPolicy,
)
from generator.runtime._retries import (
    DEFAULT_STATUSES,
    backoff_delay,
    retry_delay,
    should_retry_status,
    status_set,
)
from tests.fault_server import FaultServer
from tests.runtime.fake_api import CREATE_KEY, DELETE_KEY, GET_KEY, FakeAPI
from tests.runtime.helpers import json_response, make_async_client, make_client

KEY_BODY = {"hash": "h1", "name": "k"}
KEY_FORMAT = re.compile(
    r"oagen-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
)
PUT_KEY = Operation(
    method="PUT",
    path="/keys/{hash}",
    operation_id="putKey",
    params=(Param("hash", "path"),),
    response_type=dict,
)
PATCH_KEY = dataclasses.replace(PUT_KEY, method="PATCH", operation_id="patchKey")
WITH_HEADER_PARAM = dataclasses.replace(
    CREATE_KEY, operation_id="createKeyWithHeader", params=(Param("Idempotency-Key", "header"),)
)
OWN_HEADER = dataclasses.replace(
    CREATE_KEY, operation_id="createOwn", idempotency_header="X-Op-Key"
)


def _keys(requests: list[httpx.Request], name: str = "idempotency-key") -> list[str | None]:
    return [r.headers.get(name) for r in requests]


# -- idempotency keys -----------------------------------------------------------------------------


def test_one_key_per_post_reused_on_every_retry_and_new_per_call() -> None:
    client, rec, _ = make_client(
        json_response(500), json_response(502), json_response(200, KEY_BODY)
    )
    client.request(CREATE_KEY, body={"name": "k"})
    first = _keys(rec.requests)
    assert len(first) == 3
    assert first[0] is not None and KEY_FORMAT.fullmatch(first[0])
    assert first[0] == first[1] == first[2]  # sent from the first attempt, the same each retry
    client.request(CREATE_KEY, body={"name": "k"})
    second = _keys(rec.requests[3:])
    assert second[0] is not None and second[0] != first[0]


def test_patch_gets_a_key_idempotent_methods_do_not() -> None:
    client, rec, _ = make_client(json_response(200, KEY_BODY))
    client.request(PATCH_KEY, path={"hash": "h"})
    assert _keys(rec.requests)[0] is not None
    for operation in (GET_KEY, PUT_KEY, DELETE_KEY):
        client.request(operation, path={"hash": "h"})
    assert _keys(rec.requests[1:]) == [None, None, None]
    assert GET_KEY.needs_idempotency_key is False and CREATE_KEY.needs_idempotency_key is True


def test_get_retried_without_a_key() -> None:
    client, rec, _ = make_client(json_response(503), json_response(200, KEY_BODY))
    client.request(GET_KEY, path={"hash": "h"})
    assert rec.calls == 2 and _keys(rec.requests) == [None, None]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"idempotency_key": "mine-1"},
        {"extra_headers": {"Idempotency-Key": "mine-1"}},
        {"extra_headers": {"idempotency-key": "mine-1"}},
    ],
)
def test_a_caller_supplied_key_wins_and_is_reused(kwargs: dict[str, Any]) -> None:
    client, rec, _ = make_client(json_response(500), json_response(200, KEY_BODY))
    client.request(CREATE_KEY, body={"name": "k"}, **kwargs)
    assert _keys(rec.requests) == ["mine-1", "mine-1"]


def test_the_header_parameter_value_wins() -> None:
    client, rec, _ = make_client(json_response(500), json_response(200, KEY_BODY))
    client.request(WITH_HEADER_PARAM, headers={"Idempotency-Key": "param-7"}, body={"name": "k"})
    assert _keys(rec.requests) == ["param-7", "param-7"]
    client.request(WITH_HEADER_PARAM, headers={"Idempotency-Key": None}, body={"name": "k"})
    assert KEY_FORMAT.fullmatch(_keys(rec.requests)[-1] or "")  # not given: generated


def test_the_option_beats_extra_headers_and_default_headers() -> None:
    client, rec, _ = make_client(
        json_response(200, KEY_BODY), default_headers={"Idempotency-Key": "from-defaults"}
    )
    client.request(CREATE_KEY, body={"name": "k"})
    client.request(
        CREATE_KEY,
        body={"name": "k"},
        extra_headers={"Idempotency-Key": "extra"},
        idempotency_key="option",
    )
    assert _keys(rec.requests) == ["from-defaults", "option"]


def test_extra_headers_none_sends_no_key() -> None:
    client, rec, _ = make_client(json_response(200, KEY_BODY))
    client.request(CREATE_KEY, body={"name": "k"}, extra_headers={"Idempotency-Key": None})
    assert _keys(rec.requests) == [None]


def test_a_key_with_a_line_break_is_refused() -> None:
    client, rec, _ = make_client(json_response(200, KEY_BODY))
    with pytest.raises(InvalidRequestError, match="control character"):
        client.request(CREATE_KEY, body={"name": "k"}, idempotency_key="a\r\nX-Evil: 1")
    assert rec.calls == 0


def test_the_operation_header_name_is_used() -> None:
    client, rec, _ = make_client(json_response(500), json_response(200, KEY_BODY))
    client.request(OWN_HEADER, body={"name": "k"})
    assert _keys(rec.requests) == [None, None]
    own = _keys(rec.requests, "x-op-key")
    assert own[0] is not None and own[0] == own[1]


class _CustomHeaderAPI(FakeAPI):
    _config: ClassVar[ClientConfig] = dataclasses.replace(
        FakeAPI._config, idempotency_header="X-Request-Key"
    )


class _NoKeyAPI(FakeAPI):
    _config: ClassVar[ClientConfig] = dataclasses.replace(FakeAPI._config, idempotency_header=None)


def _client_of(cls: type[FakeAPI], *replies: httpx.Response) -> tuple[FakeAPI, list[httpx.Request]]:
    seen: list[httpx.Request] = []
    answers = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        reply = answers.pop(0) if len(answers) > 1 else answers[0]
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)

    client = cls(api_key="sk-x", http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    client._sleep = lambda seconds: None  # type: ignore[method-assign]
    return client, seen


def test_the_configured_header_name_is_used_and_none_disables() -> None:
    client, seen = _client_of(_CustomHeaderAPI, json_response(500), json_response(200, KEY_BODY))
    client.request(CREATE_KEY, body={"name": "k"})
    assert _keys(seen) == [None, None]
    custom = _keys(seen, "x-request-key")
    assert custom[0] is not None and custom[0] == custom[1]
    client, seen = _client_of(_NoKeyAPI, json_response(200, KEY_BODY))
    client.request(CREATE_KEY, body={"name": "k"})
    assert _keys(seen) == [None]


def test_async_key_reused_across_retries() -> None:
    client, rec, _ = make_async_client(json_response(503), json_response(200, KEY_BODY))

    async def calls() -> None:
        await client.request(CREATE_KEY, body={"name": "k"})
        await client.request(CREATE_KEY, body={"name": "k"}, idempotency_key="a-1")

    asyncio.run(calls())
    keys = _keys(rec.requests)
    assert keys[0] is not None and keys[0] == keys[1] and keys[2] == "a-1"


# -- the local fault server ----------------------------------------------------------------------


def test_fault_server_sees_one_key_across_retries_of_a_post(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    client = FakeAPI(
        api_key="sk-fault",
        base_url=fault_server.base_url("unavailable", k),
        default_query={"times": 2},
    )
    client._sleep = lambda seconds: None  # type: ignore[method-assign]
    with client:
        client.request(CREATE_KEY, body={"name": "k"})
        keys = [r.headers.get("idempotency-key") for r in fault_server.requests(k)]
        assert len(keys) == 3 and keys[0] is not None and len(set(keys)) == 1
        client.request(GET_KEY, path={"hash": "h"})
        after = [r.headers.get("idempotency-key") for r in fault_server.requests(k)][3:]
        assert after == [None]


def test_fault_server_statuses_policy_stops_503(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    client = FakeAPI(
        api_key="sk-fault",
        base_url=fault_server.base_url("unavailable", k),
        default_query={"times": 2},
        retry=RetryPolicy(statuses=(429,)),
    )
    client._sleep = lambda seconds: None  # type: ignore[method-assign]
    with client, pytest.raises(InternalServerError):
        client.request(CREATE_KEY, body={"name": "k"})
    assert fault_server.attempts("unavailable", k) == 1


# -- retry policies -------------------------------------------------------------------------------


def test_default_policy_matches_the_old_fixed_rule() -> None:
    policy = RetryPolicy()
    assert policy.status_codes == DEFAULT_STATUSES
    for status in (408, 409, 429, 500, 503, 599):
        assert should_retry_status(status, httpx.Headers(), policy.status_codes)
    for status in (400, 401, 404, 422):
        assert not should_retry_status(status, httpx.Headers(), policy.status_codes)


def test_status_patterns() -> None:
    assert status_set((429, "5XX")) == frozenset({429, *range(500, 600)})
    assert status_set(("503", "4xx")) == frozenset({503, *range(400, 500)})
    for bad in ("6XX", "abc", 42, "5X"):
        with pytest.raises(ValueError, match="retry statuses"):
            RetryPolicy(statuses=(bad,))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"max_retries": True},
        {"initial_delay": -0.1},
        {"max_delay": float("nan")},
        {"exponent": 0.5},
        {"max_elapsed": float("inf")},
    ],
)
def test_unusable_policies_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**kwargs)


def test_backoff_with_exponent_and_cap() -> None:
    never_jitter = lambda: 0.0  # noqa: E731
    delays = [backoff_delay(n, 0.01, 1.0, never_jitter, exponent=3.0) for n in range(6)]
    assert delays == pytest.approx([0.01, 0.03, 0.09, 0.27, 0.81, 1.0])
    assert backoff_delay(10_000, 0.01, 1.0, never_jitter, exponent=100.0) == 1.0  # no overflow


def test_max_elapsed_gives_up() -> None:
    kwargs: dict[str, Any] = {
        "initial": 1.0,
        "maximum": 1.0,
        "max_retry_after": 60.0,
        "rand": lambda: 0.0,
    }
    assert retry_delay(0, 5, None, elapsed=0.5, max_elapsed=2.0, **kwargs) == 1.0
    assert retry_delay(1, 5, None, elapsed=1.5, max_elapsed=2.0, **kwargs) is None
    assert retry_delay(1, 5, None, elapsed=1.5, max_elapsed=None, **kwargs) == 1.0


def test_client_policy_statuses_and_delays() -> None:
    policy = RetryPolicy(max_retries=3, initial_delay=0.001, max_delay=0.004, statuses=("5XX",))
    client, rec, sleeps = make_client(
        json_response(500), json_response(200, KEY_BODY), retry=policy
    )
    client.request(GET_KEY, path={"hash": "h"})
    assert rec.calls == 2 and 0.00075 <= sleeps[0] <= 0.001
    client, rec, _ = make_client(json_response(429), retry=policy)
    with pytest.raises(RateLimitError):
        client.request(GET_KEY, path={"hash": "h"})
    assert rec.calls == 1  # 429 is not in this policy's statuses
    client, rec, sleeps = make_client(json_response(503), retry=policy)
    with pytest.raises(InternalServerError):
        client.request(GET_KEY, path={"hash": "h"})
    assert rec.calls == 4
    assert all(s <= 0.004 for s in sleeps) and sleeps[2] >= 0.003


def test_precedence_call_over_client_over_operation_over_config() -> None:
    spec_policy = RetryPolicy(max_retries=4, initial_delay=0.001, max_delay=0.001)
    op = dataclasses.replace(GET_KEY, operation_id="specRetried", retry=spec_policy)
    client, rec, _ = make_client(json_response(503))
    with pytest.raises(InternalServerError):
        client.request(op, path={"hash": "h"})
    assert rec.calls == 5  # the operation's policy over the config's (2)
    with pytest.raises(InternalServerError):
        client.request(op, path={"hash": "h"}, retry=1)
    assert rec.calls == 5 + 2  # an int per call replaces the number only
    with pytest.raises(InternalServerError):
        client.with_options(retry=RetryPolicy(max_retries=0)).request(op, path={"hash": "h"})
    assert rec.calls == 7 + 1  # the client's policy over the operation's
    with pytest.raises(InternalServerError):
        client.with_options(max_retries=1).request(op, path={"hash": "h"})
    assert rec.calls == 8 + 2  # max_retries on the client replaces the number
    with pytest.raises(InternalServerError):
        client.request(op, path={"hash": "h"}, retry=RetryPolicy(max_retries=3))
    assert rec.calls == 10 + 4  # a policy per call over everything


def test_with_options_retry_and_max_retries_properties() -> None:
    client, _, _ = make_client()
    assert client.retry is None and client.max_retries == 2
    copy = client.with_options(retry=RetryPolicy(max_retries=5))
    assert copy.max_retries == 5 and copy.retry == RetryPolicy(max_retries=5)
    assert client.max_retries == 2  # the original is untouched
    pinned = client.with_options(max_retries=1).with_options(retry=RetryPolicy(max_retries=5))
    assert pinned.max_retries == 1  # an explicit max_retries keeps its number
    with pytest.raises(InvalidRequestError, match="retry must be a RetryPolicy"):
        client.with_options(retry="3")  # type: ignore[arg-type]


def test_connection_errors_not_retried_when_the_policy_says_so() -> None:
    boom = httpx.ConnectError("refused")
    client, rec, _ = make_client(boom, retry=RetryPolicy(retry_connection_errors=False))
    with pytest.raises(APIConnectionError):
        client.request(GET_KEY, path={"hash": "h"})
    assert rec.calls == 1
    client, rec, _ = make_client(boom)
    with pytest.raises(APIConnectionError):
        client.request(GET_KEY, path={"hash": "h"})
    assert rec.calls == 3
