from __future__ import annotations

import asyncio
import logging
from typing import ClassVar

import httpx
import pytest

from generator.runtime import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BaseModel,
    ClientConfig,
    ConflictError,
    InternalServerError,
    MissingCredentialsError,
    NotFoundError,
    Operation,
    PermissionDeniedError,
    RateLimitError,
    SyncClient,
    UnprocessableEntityError,
)
from generator.runtime._errors import error_message
from tests.runtime.fake_api import Completion, GenericErrorBody, Key, NotFoundBody
from tests.runtime.helpers import Recorder, json_response, make_async_client, make_client

MESSAGES = [{"role": "user", "content": "hi"}]


def test_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, APIError)
    assert issubclass(APIResponseValidationError, APIError)
    assert issubclass(MissingCredentialsError, APIError)
    status_errors = (
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
    )
    for cls in status_errors:
        assert issubclass(cls, APIStatusError)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (402, APIStatusError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (408, APIStatusError),
        (409, ConflictError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
    ],
)
def test_status_mapping(status: int, cls: type[APIStatusError]) -> None:
    c, _, _ = make_client(json_response(status, {"message": "nope"}), max_retries=0)
    with pytest.raises(APIStatusError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    err = info.value
    assert type(err) is cls
    assert err.status_code == status
    assert err.message == "nope"
    assert isinstance(err.response, httpx.Response)
    assert err.request is not None and err.request.url.path == "/v1/chat/completions"
    assert err.headers["content-type"] == "application/json"
    assert str(err) == f"Error code: {status} - nope"


def test_typed_error_bodies_by_status_then_range_then_default() -> None:
    c, _, _ = make_client(json_response(404, {"error": {"code": 404, "message": "no key"}}))
    with pytest.raises(NotFoundError) as info:
        c.keys.get("abc")
    assert isinstance(info.value.body, NotFoundBody)
    assert info.value.body.error.message == "no key"
    assert info.value.message == "no key"

    c, _, _ = make_client(json_response(403, {"error": {"message": "forbidden", "x": 1}}))
    with pytest.raises(PermissionDeniedError) as info2:
        c.keys.get("abc")
    assert isinstance(info2.value.body, GenericErrorBody)

    # A body that does not match its declared type is kept as decoded JSON.
    c, _, _ = make_client(json_response(404, {"unexpected": True}))
    with pytest.raises(NotFoundError) as info3:
        c.keys.get("abc")
    assert info3.value.body == {"unexpected": True}
    assert info3.value.message == "Not Found"


def test_default_error_type() -> None:
    class Problem(BaseModel):
        title: str

    class Api(SyncClient):
        _config: ClassVar[ClientConfig] = ClientConfig(default_base_url="https://x.test")

    op = Operation("GET", "/p", "p", response_type=dict, error_types={"default": Problem})
    rec = Recorder(json_response(500, {"title": "broken"}))
    client = Api(http_client=httpx.Client(transport=httpx.MockTransport(rec)), max_retries=0)
    with pytest.raises(InternalServerError) as info:
        client.request(op)
    assert isinstance(info.value.body, Problem)


def test_error_message_extraction() -> None:
    assert error_message({"error": {"message": "a"}}, "fallback") == "a"
    assert error_message({"error": "b"}, "fallback") == "b"
    assert error_message({"message": "c"}, "fallback") == "c"
    assert error_message({"detail": "d"}, "fallback") == "d"
    assert error_message({"other": 1}, "fallback") == "fallback"
    assert error_message("plain text", "fallback") == "plain text"
    assert len(error_message("x" * 20_000, "fallback")) < 20_000  # cut, but after redaction
    assert error_message(None, "fallback") == "fallback"


def test_text_error_body() -> None:
    c, _, _ = make_client(httpx.Response(502, text="<html>Bad gateway</html>"), max_retries=0)
    with pytest.raises(InternalServerError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert info.value.body == "<html>Bad gateway</html>"


def test_error_inside_200_raises_typed_error() -> None:
    body = {"error": {"code": 402, "message": "Insufficient credits"}}
    c, _, _ = make_client(json_response(200, body))
    with pytest.raises(APIStatusError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    err = info.value
    assert type(err) is APIStatusError
    assert err.status_code == 402
    assert err.message == "Insufficient credits"
    assert err.response.status_code == 200

    c, _, _ = make_client(json_response(200, {"error": {"code": 429, "message": "later"}}))
    with pytest.raises(RateLimitError):
        c.chat.create(model="m", messages=MESSAGES)

    c, _, _ = make_client(json_response(200, {"error": {"code": "weird", "message": "m"}}))
    with pytest.raises(APIStatusError) as info2:
        c.chat.create(model="m", messages=MESSAGES)
    assert info2.value.status_code == 200

    c, _, _ = make_client(json_response(200, {"error": "just a string", "id": None}))
    with pytest.raises(APIStatusError, match="just a string"):
        c.chat.create(model="m", messages=MESSAGES)


def test_error_inside_200_without_a_declared_body() -> None:
    c, _, _ = make_client(json_response(200, {"error": {"code": 403, "message": "no"}}))
    op = Operation("POST", "/fire", "fire", response_type=None)
    with pytest.raises(PermissionDeniedError):
        c.request(op)
    c2, _, _ = make_client(json_response(200, {"ok": True}))
    assert c2.request(op) is None


def test_error_key_that_is_not_an_error_is_ignored() -> None:
    body = {"id": "gen-1", "choices": [], "error": None}
    c, _, _ = make_client(json_response(200, body))
    assert c.chat.create(model="m", messages=MESSAGES).id == "gen-1"
    body2 = {"id": "gen-1", "choices": [], "error": "non-fatal note"}
    c, _, _ = make_client(json_response(200, body2))
    assert c.chat.create(model="m", messages=MESSAGES).id == "gen-1"


def test_lenient_parsing_falls_back_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    body = {"id": 123, "choices": [{"index": "first", "message": {"role": "tool"}}], "new": 1}
    c, _, _ = make_client(json_response(200, body))
    with caplog.at_level(logging.DEBUG, logger="fake_api"):
        result = c.chat.create(model="m", messages=MESSAGES)
    assert isinstance(result, Completion)
    assert result.id == 123
    assert result.choices[0].index == "first"
    assert result.choices[0].message is not None and result.choices[0].message.role == "tool"
    assert result.model_extra == {"new": 1}
    assert "does not match its schema" in caplog.text


def test_strict_parsing_raises() -> None:
    body = {"id": 123, "choices": "nope"}
    c, _, _ = make_client(json_response(200, body), strict_response_validation=True)
    with pytest.raises(APIResponseValidationError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert info.value.body == body
    assert info.value.status_code == 200
    assert "does not match its schema" in info.value.message


def test_strict_mode_still_accepts_lenient_enums_and_extra_fields() -> None:
    body = {"id": "x", "choices": [{"index": 0, "message": {"role": "robot"}}], "extra": 1}
    c, _, _ = make_client(json_response(200, body), strict_response_validation=True)
    result = c.chat.create(model="m", messages=MESSAGES)
    assert result.choices[0].message is not None
    assert result.choices[0].message.role == "robot"


@pytest.mark.parametrize("strict", [False, True])
def test_malformed_json_raises(strict: bool) -> None:
    c, _, _ = make_client(
        httpx.Response(200, content=b'{"id": ', headers={"content-type": "application/json"}),
        strict_response_validation=strict,
    )
    with pytest.raises(APIResponseValidationError, match="not valid JSON") as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert info.value.body == '{"id": '


def test_response_kinds() -> None:
    text_op = Operation("GET", "/t", "t", response_type=str, response_kind="text")
    bin_op = Operation("GET", "/b", "b", response_type=bytes, response_kind="binary")
    text = httpx.Response(
        200, content="héllo".encode(), headers={"content-type": "text/plain; charset=utf-8"}
    )
    c, rec, _ = make_client(text)
    assert c.request(text_op) == "héllo"
    assert rec.last.headers["accept"] == "*/*"
    c, _, _ = make_client(httpx.Response(200, content=b"\x00\xff"))
    assert c.request(bin_op) == b"\x00\xff"
    c, _, _ = make_client(httpx.Response(204))
    assert c.keys.delete("abc") is None
    c, _, _ = make_client(httpx.Response(200, content=b""))
    assert c.keys.create(name="x") is None


def test_list_responses_and_non_model_types() -> None:
    c, _, _ = make_client(json_response(200, [{"hash": "a", "name": "n", "limit": 1}]))
    keys = c.keys.list()
    assert keys == [Key(hash="a", name="n", limit=1)]
    c, _, _ = make_client(json_response(200, {"data": [1, 2]}))
    assert c.models() == {"data": [1, 2]}


def test_async_errors_and_parsing() -> None:
    c, _, _ = make_async_client(json_response(200, {"error": {"code": 502, "message": "upstream"}}))
    with pytest.raises(InternalServerError, match="upstream"):
        asyncio.run(c.chat.create(model="m", messages=MESSAGES))
    c2, _, _ = make_async_client(json_response(409, {"error": {"message": "dup"}}), max_retries=0)
    with pytest.raises(ConflictError):
        asyncio.run(c2.keys.create(name="x"))


def test_unknown_errors_wrap_transport_failures() -> None:
    c, _, _ = make_client(httpx.RemoteProtocolError("bad framing"), max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert isinstance(info.value.__cause__, httpx.RemoteProtocolError)
    c2, _, _ = make_client(httpx.TooManyRedirects("loop"))
    with pytest.raises(APIConnectionError):
        c2.chat.create(model="m", messages=MESSAGES)


def test_error_repr_and_request_id() -> None:
    c, _, _ = make_client(
        json_response(400, {"error": {"message": "bad"}}, **{"x-request-id": "r1"})
    )
    with pytest.raises(BadRequestError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert repr(info.value) == "BadRequestError(status_code=400, message='bad')"
    assert info.value.request_id == "r1"


def test_status_error_constructor() -> None:
    response = httpx.Response(418, request=httpx.Request("GET", "https://x.test"))
    err = APIStatusError("teapot", response=response, body={"a": 1}, status_code=418)
    assert err.status_code == 418 and err.body == {"a": 1}
    orphan = APIStatusError("no request", response=httpx.Response(500))
    assert orphan.request is None
