"""Values that cannot be sent safely are refused before any network call, with a typed error.

Path parameters are checked in the committed generated client against the local fault server,
which records the raw request target; headers and credentials against the same server.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.runtime import APIError, InvalidRequestError
from tests.conftest import GENERATED
from tests.fault_server import FaultServer
from tests.runtime.fake_api import FakeAPI
from tests.runtime.helpers import make_client
from tests.runtime.multi_auth import WITH_BEARER, MultiAuth, credentials

MESSAGES = [{"role": "user", "content": "hi"}]


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture(scope="module")
def openrouter() -> Iterator[Any]:
    sys.path.insert(0, str(GENERATED))
    try:
        import openrouter_client

        yield openrouter_client
    finally:
        sys.path.remove(str(GENERATED))


# -- path parameters (generated client, real sockets) -------------------------------------------


@pytest.mark.parametrize("value", ["..", ".", ""])
def test_dot_and_empty_path_parameters_are_refused(
    openrouter: Any, fault_server: FaultServer, value: str
) -> None:
    k = key()
    c = openrouter.OpenRouter(api_key="sk-x", base_url=fault_server.base_url("ok", k))
    with c, pytest.raises(openrouter.InvalidRequestError, match="'hash'") as info:
        c.keys.delete(hash=value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, openrouter.APIError)
    assert "deleteKey" in str(info.value)
    assert fault_server.requests(k) == []  # nothing was sent


def test_dot_segment_in_the_second_of_two_path_parameters(
    openrouter: Any, fault_server: FaultServer
) -> None:
    k = key()
    c = openrouter.OpenRouter(api_key="sk-x", base_url=fault_server.base_url("ok", k))
    with c, pytest.raises(openrouter.InvalidRequestError, match="'slug'"):
        c.models.endpoints.list(author="openai", slug="..")
    assert fault_server.requests(k) == []


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("a/b", "a%2Fb"),
        ("a?b=1", "a%3Fb%3D1"),
        ("a#frag", "a%23frag"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("../../admin", "..%2F..%2Fadmin"),
        ("...", "..."),
        (".hidden", ".hidden"),
        ("é ☕", "%C3%A9%20%E2%98%95"),
    ],
)
def test_path_parameter_characters_are_percent_encoded(
    openrouter: Any, fault_server: FaultServer, value: str, wire: str
) -> None:
    k = key()
    with openrouter.OpenRouter(api_key="sk-x", base_url=fault_server.base_url("ok", k)) as c:
        c.with_raw_response.keys.delete(hash=value)
    (seen,) = fault_server.requests(k)
    assert seen.method == "DELETE"
    assert seen.target == f"/ok/{k}/keys/{wire}"


# -- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b", "a\x7fb", "a\x85b", "a\x9bb"]
)
def test_control_characters_in_header_values_never_reach_the_wire(
    fault_server: FaultServer, value: str
) -> None:
    k = key()
    with FakeAPI(api_key="sk-x", base_url=fault_server.base_url("ok", k)) as c:
        with pytest.raises(InvalidRequestError, match="'X-Extra'"):
            c.chat.create(model="m", messages=MESSAGES, extra_headers={"X-Extra": value})
        with pytest.raises(InvalidRequestError, match="'X-Title'"):
            c.chat.create(model="m", messages=MESSAGES, x_title=value)
    assert fault_server.requests(k) == []


def test_control_characters_in_default_headers_are_refused_at_construction() -> None:
    with pytest.raises(InvalidRequestError, match="'X-App'"):
        FakeAPI(api_key="sk-x", default_headers={"X-App": "ok\r\nSet-Cookie: x=1"})


@pytest.mark.parametrize("name", ["Bad Name", "X-A:b", "X-\r\nInjected", "Ünïcode", ""])
def test_invalid_header_names_are_refused(name: str) -> None:
    client, recorder, _ = make_client()
    with pytest.raises(InvalidRequestError, match="not a valid header name"):
        client.chat.create(model="m", messages=MESSAGES, extra_headers={name: "v"})
    assert recorder.calls == 0


def test_non_ascii_header_parameter_is_sent_as_utf8(fault_server: FaultServer) -> None:
    k = key()
    with FakeAPI(api_key="sk-x", base_url=fault_server.base_url("ok", k)) as c:
        c.chat.create(model="m", messages=MESSAGES, x_title="Café ☕")
    (seen,) = fault_server.requests(k)
    # http.server decodes header bytes as latin-1.
    assert seen.headers["x-title"].encode("latin-1").decode("utf-8") == "Café ☕"


def test_header_value_that_is_not_unicode_text_is_a_typed_error(fault_server: FaultServer) -> None:
    # A lone surrogate (a badly decoded file name) cannot be encoded at all: it was a raw
    # UnicodeEncodeError from deep inside the request building.
    k = key()
    with FakeAPI(api_key="sk-x", base_url=fault_server.base_url("ok", k)) as c:
        with pytest.raises(InvalidRequestError, match=r"'X-Title'.*surrogate"):
            c.chat.create(model="m", messages=MESSAGES, x_title="a\ud800")
        with pytest.raises(InvalidRequestError, match="'X-Extra'"):
            c.chat.create(model="m", messages=MESSAGES, extra_headers={"X-Extra": "\udfff"})
    with pytest.raises(InvalidRequestError, match="'X-App'"):
        FakeAPI(api_key="sk-x", default_headers={"X-App": "\ud800"})
    assert fault_server.requests(k) == []


def test_a_lone_surrogate_anywhere_in_a_request_is_a_typed_error(
    openrouter: Any, fault_server: FaultServer
) -> None:
    k = key()
    c = openrouter.OpenRouter(api_key="sk-x", base_url=fault_server.base_url("ok", k))
    calls = [
        lambda: c.keys.delete(hash="a\ud800"),
        lambda: c.keys.list(extra_query={"q": "\ud800"}),
        lambda: c.keys.list(extra_body={"q": "\udfff"}),
        lambda: c.chat.completions.create(model="m\ud800", messages=MESSAGES),
    ]
    with c:
        for call in calls:
            with pytest.raises(openrouter.InvalidRequestError, match="not valid Unicode text"):
                call()
    assert fault_server.requests(k) == []


# -- credentials --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "value"),
    [
        ("header", "clé-secrète"),
        ("header", "sk-abc\r\nX-Injected: 1"),
        ("bearer", "tok\nen-secret"),
        ("bearer", "tøken-secret"),
        ("cookie", "ck-secret; admin=1"),
        ("cookie", "ck secret"),
    ],
)
def test_credentials_that_cannot_be_sent_raise_without_showing_them(
    scheme: str, value: str
) -> None:
    creds = credentials()
    creds[scheme] = value
    seen: list[httpx.Request] = []
    http = httpx.Client(
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))
    )
    client = MultiAuth(credentials=creds, base_url="http://api.test", http_client=http)
    with pytest.raises(InvalidRequestError) as info:
        client.request(WITH_BEARER)
    message = str(info.value)
    assert value not in message and "secret" not in message
    assert repr(scheme) in message
    assert seen == []


def test_query_and_basic_credentials_may_hold_any_character() -> None:
    creds = credentials()
    creds["query"] = "q é&x=1"
    creds["basic"] = ("usér", "pä ss")
    seen: list[httpx.Request] = []
    http = httpx.Client(
        transport=httpx.MockTransport(lambda r: seen.append(r) or httpx.Response(200))
    )
    client = MultiAuth(credentials=creds, base_url="http://api.test", http_client=http)
    client.request(WITH_BEARER)
    assert "api_key=q%20%C3%A9%26x%3D1" in str(seen[0].url)


def test_errors_are_api_errors() -> None:
    assert issubclass(InvalidRequestError, APIError)
    assert issubclass(InvalidRequestError, ValueError)


# -- base_url -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/\r\nX-Injected: 1",
        "http://[::1",
        "file:///etc/passwd",
        "ftp://127.0.0.1/",
        "127.0.0.1:9",
        "/relative/path",
    ],
)
def test_unusable_base_url_is_refused_at_construction(url: str) -> None:
    with pytest.raises(InvalidRequestError, match="base_url"):
        FakeAPI(api_key="sk-x", base_url=url)
    with pytest.raises(InvalidRequestError, match="base_url"):
        FakeAPI(api_key="sk-x").with_options(base_url=url)


def test_base_url_message_does_not_show_userinfo() -> None:
    with pytest.raises(InvalidRequestError) as info:
        FakeAPI(api_key="sk-x", base_url="ftp://bob:pw-secret-91@127.0.0.1/")
    assert "pw-secret-91" not in str(info.value)


# -- uploads and cookie parameters: no part header or cookie of the caller's making --------------


def sent_body(request: httpx.Request) -> bytes:
    return b"".join(request.stream)  # type: ignore[union-attr]


def test_upload_names_cannot_add_lines_to_a_part_header() -> None:
    client, recorder, _ = make_client(httpx.Response(200, json={}))
    evil = 'a"\r\nX-Evil: 1\r\n\r\nsmuggled\x00\\'
    client.files.upload(file=(evil, b"data"), purpose="p", **{'f"\r\nX-Evil: 2': "v"})
    body = sent_body(recorder.last)
    lines = body.split(b"\r\n")
    assert not any(line.startswith(b"X-Evil") for line in lines)
    assert b'filename="a%22%0D%0AX-Evil: 1%0D%0A%0D%0Asmuggled%00\\\\"' in body
    assert b'name="f%22%0D%0AX-Evil: 2"' in body


@pytest.mark.parametrize("content_type", ["text/plain\r\nX-Evil: 1", "text/plain\n", "a\x00b"])
def test_upload_content_type_with_a_control_character_is_refused(content_type: str) -> None:
    client, recorder, _ = make_client(httpx.Response(200, json={}))
    with pytest.raises(InvalidRequestError, match="content type of an upload"):
        client.files.upload(file=("a.txt", b"data", content_type), purpose="p")
    assert recorder.calls == 0


def test_cookie_parameter_name_cannot_set_another_cookie() -> None:
    from generator.runtime import Operation, Param

    op = Operation(method="GET", path="/x", operation_id="x", params=(Param("p", "cookie"),))
    client, recorder, _ = make_client(httpx.Response(200, json={}))
    client.request(op, cookies={"p; session=planted": "a; session=planted2"})
    cookie = recorder.last.headers["cookie"]
    assert "; session=" not in cookie and ";" not in cookie


# -- settings a careless caller passes: refused with a typed error, not a raw one mid-call -------


@pytest.mark.parametrize(
    "timeout", [-1, float("nan"), float("inf"), "5", httpx.Timeout(5, read=-2)]
)
def test_unusable_timeouts_are_refused(timeout: Any) -> None:
    # A negative timeout was a raw ValueError from the socket in the middle of the call.
    with pytest.raises(InvalidRequestError, match="timeout"):
        FakeAPI(api_key="sk-x", timeout=timeout)
    client, recorder, _ = make_client()
    with pytest.raises(InvalidRequestError, match="timeout"):
        client.chat.create(model="m", messages=MESSAGES, timeout=timeout)
    with pytest.raises(InvalidRequestError, match="timeout"):
        client.with_options(timeout=timeout)
    assert recorder.calls == 0


@pytest.mark.parametrize("max_retries", ["3", 2.5, -1, True])
def test_unusable_max_retries_are_refused(max_retries: Any) -> None:
    # "3" was a raw TypeError at the first retry decision.
    with pytest.raises(InvalidRequestError, match="max_retries"):
        FakeAPI(api_key="sk-x", max_retries=max_retries)
    client, _, _ = make_client()
    with pytest.raises(InvalidRequestError, match="max_retries"):
        client.with_options(max_retries=max_retries)


@pytest.mark.parametrize("headers", [{"X-A": 5}, {"X-A": b"bytes"}, {5: "x"}])
def test_header_names_and_values_must_be_text(headers: Any) -> None:
    with pytest.raises(InvalidRequestError, match="header"):
        FakeAPI(api_key="sk-x", default_headers=headers)
    client, recorder, _ = make_client()
    with pytest.raises(InvalidRequestError, match="header"):
        client.chat.create(model="m", messages=MESSAGES, extra_headers=headers)
    assert recorder.calls == 0
