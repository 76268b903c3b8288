"""A hostile server against the client (real sockets): every failure is a typed, printable error.

The fault server's ``/canned/<key>`` behaviour writes a whole raw response, so these tests choose
the status line, headers and body byte for byte.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import uuid
from typing import Any

import pytest

from generator.runtime import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    BadRequestError,
    InternalServerError,
    RedirectError,
)
from generator.runtime._errors import MAX_MESSAGE, printable
from tests.fault_server import FaultServer
from tests.runtime.fake_api import AsyncFakeAPI, FakeAPI

MESSAGES = [{"role": "user", "content": "hi"}]
SECRET = "sk-hostile-secret-4d1f"
DEEP = b"[" * 100_000 + b"]" * 100_000  # deeper than Python's json module recurses
# What a terminal would act on: C0/C1 controls, DEL, separators, bidi overrides.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def response(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status} Whatever\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def canned(server: FaultServer, data: bytes, **kwargs: Any) -> FakeAPI:
    k = uuid.uuid4().hex
    server.canned(k, data)
    return FakeAPI(api_key=SECRET, base_url=server.base_url("canned", k), max_retries=0, **kwargs)


def failure(client: FakeAPI, call: str = "chat") -> APIError:
    with client, pytest.raises(APIError) as info:
        if call == "chat":
            client.chat.create(model="m", messages=MESSAGES)
        elif call == "stream":
            list(client.chat.create(model="m", messages=MESSAGES, stream=True))
        else:
            client.keys.get("k")
    return info.value


# -- JSON the json module cannot read -------------------------------------------------------------


@pytest.mark.parametrize("status", [400, 500])
def test_error_body_nested_too_deep_is_kept_as_text(fault_server: FaultServer, status: int) -> None:
    error = failure(canned(fault_server, response(status, DEEP)))
    assert isinstance(error, APIStatusError) and error.status_code == status
    assert isinstance(error.body, str) and len(error.body) == len(DEEP)
    assert len(str(error)) < MAX_MESSAGE + 100


def test_2xx_body_with_error_key_nested_too_deep(fault_server: FaultServer) -> None:
    body = b'{"error": ' + DEEP + b"}"
    error = failure(canned(fault_server, response(200, body)))
    assert isinstance(error, APIResponseValidationError)


def test_json_answer_to_a_stream_nested_too_deep(fault_server: FaultServer) -> None:
    body = b'{"error": ' + DEEP + b"}"
    with canned(fault_server, response(200, body)) as client:
        # Not an error object the client can read, and not events either: an empty stream.
        assert list(client.chat.create(model="m", messages=MESSAGES, stream=True)) == []


def test_event_with_error_key_nested_too_deep(fault_server: FaultServer) -> None:
    event = b'data: {"error": ' + DEEP + b"}\n\n"
    error = failure(canned(fault_server, response(200, event, "text/event-stream")), "stream")
    assert isinstance(error, APIResponseValidationError)


def test_integer_too_long_for_python_in_a_body(fault_server: FaultServer) -> None:
    body = b'{"id": 1, "n": ' + b"9" * 100_000 + b"}"  # over int's 4300-digit default
    error = failure(canned(fault_server, response(200, body)))
    assert isinstance(error, APIResponseValidationError)
    error = failure(canned(fault_server, response(500, body)))
    assert isinstance(error, InternalServerError) and isinstance(error.body, str)


def test_async_error_body_nested_too_deep(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    fault_server.canned(k, response(502, DEEP))

    async def run() -> APIError:
        base_url = fault_server.base_url("canned", k)
        async with AsyncFakeAPI(api_key=SECRET, base_url=base_url, max_retries=0) as client:
            with pytest.raises(APIError) as info:
                await client.chat.create(model="m", messages=MESSAGES)
        return info.value

    assert isinstance(asyncio.run(run()), InternalServerError)


# -- messages are safe to print -------------------------------------------------------------------

ANSI = "\x1b[2J\x1b]0;pwned\x07 \x9b31m red\r\nFAKE: second line\u202eevil\u2028"


def test_control_characters_of_a_json_message_are_escaped(fault_server: FaultServer) -> None:
    body = json.dumps({"error": {"message": ANSI}}).encode()
    error = failure(canned(fault_server, response(400, body)))
    assert isinstance(error, BadRequestError)
    for text in (str(error), repr(error), error.message):
        assert UNPRINTABLE.search(text) is None, text
    assert "\\x1b[2J" in str(error) and "\\r\\nFAKE" in str(error) and "\\u202e" in str(error)
    assert error.response.json() == {"error": {"message": ANSI}}  # the data is untouched


def test_control_characters_of_an_html_error_page_are_escaped(fault_server: FaultServer) -> None:
    page = "<html>\x1b[31mRED\x1b[0m\x07\x08 \x85 down</html>".encode()
    error = failure(canned(fault_server, response(503, page, "text/html")))
    assert UNPRINTABLE.search(str(error)) is None
    assert "\\x1b[31mRED" in str(error) and "\\x85" in str(error)


def test_long_error_message_is_cut(fault_server: FaultServer) -> None:
    long = "A" * 10_000_000
    error = failure(canned(fault_server, response(400, json.dumps({"message": long}).encode())))
    assert len(error.message) <= MAX_MESSAGE + 3 and error.message.endswith("...")
    assert error.body == {"message": long}


def test_credential_cut_at_the_end_of_a_long_message_does_not_show(
    fault_server: FaultServer,
) -> None:
    # The server echoes the key across a cut: no prefix of it may remain in the message. Cuts
    # were made at 500 characters before redaction; the message is now cut at MAX_MESSAGE.
    for at in [*range(480, 501, 5), *range(MAX_MESSAGE - len(SECRET), MAX_MESSAGE + 1, 5)]:
        page = ("." * at + SECRET + "." * 50).encode()
        error = failure(canned(fault_server, response(500, page, "text/plain")))
        assert SECRET[:6] not in str(error), at


def test_printable_leaves_ordinary_text_alone() -> None:
    text = "Rate limit: 10 requests/min — réessayez 稍后 (tab-free)"
    assert printable(text) is text
    assert printable("a\tb\nc") == "a\\tb\\nc"


def test_every_api_error_message_is_printable() -> None:
    assert str(APIError("bad \x1b[1m thing\x00")) == "bad \\x1b[1m thing\\x00"


# -- cookies a server sets --------------------------------------------------------------------


def with_cookies(count: int) -> bytes:
    cookies = "".join(f"Set-Cookie: c{i}=v; Path=/; Max-Age=99999\r\n" for i in range(count))
    body = b'{"id": "gen-1", "choices": []}'
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{cookies}\r\n"
    )
    return head.encode("ascii") + body


def test_cookies_a_server_sets_are_neither_kept_nor_sent(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    fault_server.canned(k, with_cookies(50))
    with FakeAPI(api_key=SECRET, base_url=fault_server.base_url("canned", k)) as client:
        client.chat.create(model="m", messages=MESSAGES)
        client.chat.create(model="m", messages=MESSAGES)
        assert len(client._http.cookies.jar) == 0  # nothing piles up over the client's life
    assert all("cookie" not in seen.headers for seen in fault_server.requests(k))


def test_async_client_keeps_no_cookie_either(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    fault_server.canned(k, with_cookies(50))

    async def run() -> int:
        base_url = fault_server.base_url("canned", k)
        async with AsyncFakeAPI(api_key=SECRET, base_url=base_url) as client:
            await client.chat.create(model="m", messages=MESSAGES)
            return len(client._http.cookies.jar)

    assert asyncio.run(run()) == 0


# -- an upload that can be read once ----------------------------------------------------------


def pipe(data: bytes) -> Any:
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)
    return os.fdopen(read, "rb")


def test_upload_from_a_pipe_is_not_retried(fault_server: FaultServer) -> None:
    # Retrying would need the bytes again: it was a raw RuntimeError from inside httpx.
    k = uuid.uuid4().hex
    base_url = fault_server.base_url("unavailable", k)
    client = FakeAPI(api_key=SECRET, base_url=base_url, max_retries=2)
    with client, pipe(b"x") as f, pytest.raises(InternalServerError):
        client.files.upload(file=f, purpose="p")
    assert fault_server.attempts("unavailable", k) == 1


def test_redirect_that_resends_an_upload_from_a_pipe_is_refused(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    fault_server.redirect(k, 307, f"/ok/{k}")
    base_url = fault_server.base_url("redirect", k)
    client = FakeAPI(api_key=SECRET, base_url=base_url, max_retries=2)
    with client, pipe(b"x") as f, pytest.raises(RedirectError, match="cannot seek"):
        client.files.upload(file=f, purpose="p")
    assert fault_server.attempts("redirect", k) == 1
    assert fault_server.attempts("ok", k) == 0


def test_upload_from_a_seekable_file_is_still_retried(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    base_url = fault_server.base_url("unavailable", k)
    with FakeAPI(api_key=SECRET, base_url=base_url, max_retries=2) as client:
        client._sleep = lambda seconds: None  # type: ignore[method-assign]
        client.files.upload(file=io.BytesIO(b"x"), purpose="p")
    assert fault_server.attempts("unavailable", k) == 2


# -- a compressed stream that does not decompress ------------------------------------------------

CORRUPT_GZIP_EVENTS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n"
    b"Connection: close\r\n\r\nthis is not gzip"
)


def test_stream_that_does_not_decompress_is_a_connection_error(fault_server: FaultServer) -> None:
    # httpx.DecodingError is not a TransportError: it escaped the stream raw.
    error = failure(canned(fault_server, CORRUPT_GZIP_EVENTS), "stream")
    assert type(error) is APIConnectionError and "DecodingError" in str(error)


def test_async_stream_that_does_not_decompress(fault_server: FaultServer) -> None:
    k = uuid.uuid4().hex
    fault_server.canned(k, CORRUPT_GZIP_EVENTS)

    async def run() -> None:
        base_url = fault_server.base_url("canned", k)
        async with AsyncFakeAPI(api_key=SECRET, base_url=base_url, max_retries=0) as client:
            stream = await client.chat.create(model="m", messages=MESSAGES, stream=True)
            async for _ in stream:
                pass

    with pytest.raises(APIConnectionError, match="DecodingError"):
        asyncio.run(run())


# -- Retry-After values a server may send -------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "attempts"),
    [
        ("1000000000", 1),  # too long to wait: give up at once, the error says so
        ("9" * 5000, 1),
        ("Fri, 31 Dec 9999 23:59:59 GMT", 1),
        ("-5", 3),  # nonsense: ignored, exponential backoff instead
        ("nan", 3),
        ("soon", 3),
        ("Thu, 01 Jan 1970 00:00:00 GMT", 3),  # in the past: no wait
    ],
)
def test_retry_after_values_keep_waits_bounded(
    fault_server: FaultServer, retry_after: str, attempts: int
) -> None:
    k = uuid.uuid4().hex
    head = f"HTTP/1.1 429 Too Many\r\nRetry-After: {retry_after}\r\nContent-Length: 2\r\n"
    fault_server.canned(k, head.encode() + b"Connection: close\r\n\r\n{}")
    sleeps: list[float] = []
    base_url = fault_server.base_url("canned", k)
    with FakeAPI(api_key=SECRET, base_url=base_url, max_retries=2) as client:
        client._sleep = sleeps.append  # type: ignore[method-assign]
        with pytest.raises(APIStatusError) as info:
            client.chat.create(model="m", messages=MESSAGES)
    assert info.value.status_code == 429
    assert fault_server.attempts("canned", k) == attempts
    assert len(sleeps) == attempts - 1 and all(0 <= s <= 8 for s in sleeps)


def test_direction_marks_and_lone_surrogates_of_a_message_are_escaped(
    fault_server: FaultServer,
) -> None:
    # json.loads turns "\ud800" into a lone surrogate, which a UTF-8 terminal cannot print.
    body = b'{"error": {"message": "a\\u200fb \\ud800 c"}}'
    error = failure(canned(fault_server, response(400, body)))
    assert "a\\u200fb \\ud800 c" in str(error)
    str(error).encode("utf-8")  # printable on a UTF-8 stream
