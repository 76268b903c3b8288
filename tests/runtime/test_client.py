from __future__ import annotations

import asyncio
import io
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest

from generator.runtime import (
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    APIResponse,
    APIStatusError,
    AsyncAPIResponse,
    AsyncStream,
    ClientConfig,
    InternalServerError,
    NotFoundError,
    Operation,
    SecurityScheme,
    Stream,
    SyncClient,
)
from generator.runtime._files import UploadStream
from tests.runtime.fake_api import Completion, FakeAPI
from tests.runtime.helpers import Recorder, json_response, make_async_client, make_client

MESSAGES = [{"role": "user", "content": "hi"}]
SECRET = "sk-test-secret-123"


# -- requests -------------------------------------------------------------------------------------


def test_request_shape() -> None:
    c, rec, _ = make_client()
    c.chat.create(model="m", messages=MESSAGES, max_tokens=None, x_title="My App")
    request = rec.last
    assert request.method == "POST"
    assert str(request.url) == "https://api.example.test/v1/chat/completions"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"] == "fake-api-python/1.0"
    assert request.headers["x-title"] == "My App"
    assert request.headers["authorization"] == f"Bearer {SECRET}"
    # NOT_GIVEN fields are absent, explicit None is sent as null.
    assert json.loads(request.content) == {"model": "m", "messages": MESSAGES, "max_tokens": None}


def test_non_ascii_header_values_are_sent_as_utf8() -> None:
    c, rec, _ = make_client()
    c.chat.create(model="m", messages=MESSAGES, x_title="Tést ✓")
    assert dict(rec.last.headers.raw)[b"x-title"] == "Tést ✓".encode()


def test_path_and_query_parameters() -> None:
    c, rec, _ = make_client(json_response(200, {"hash": "a/b", "name": "n"}))
    c.keys.get("a/b", include=["usage", "limits"])
    assert rec.last.url.raw_path == b"/v1/keys/a%2Fb?include=usage,limits"
    c.keys.list(offset=NOT_GIVEN)
    assert rec.last.url.query == b""
    c.keys.list(offset=5, filter={"name": "x"})
    assert rec.last.url.query == b"offset=5&filter%5Bname%5D=x"


def test_default_headers_query_and_extras() -> None:
    c, rec, _ = make_client(
        default_headers={"X-Team": "core", "User-Agent": "custom/2"},
        default_query={"tenant": "t1", "v": 1},
    )
    c.chat.create(
        model="m",
        messages=MESSAGES,
        extra_headers={"X-Extra": "1", "X-Team": "override"},
        extra_query={"debug": True, "v": 2},
        extra_body={"provider": {"order": ["a"]}},
    )
    request = rec.last
    assert request.headers["x-team"] == "override"
    assert request.headers["x-extra"] == "1"
    assert request.headers["user-agent"] == "custom/2"
    assert request.url.params.multi_items() == [("tenant", "t1"), ("v", "2"), ("debug", "true")]
    assert json.loads(request.content)["provider"] == {"order": ["a"]}


def test_extra_headers_can_remove_a_header() -> None:
    c, rec, _ = make_client()
    c.chat.create(model="m", messages=MESSAGES, extra_headers={"User-Agent": None})
    assert "user-agent" not in rec.last.headers


def test_timeouts_default_client_and_per_call() -> None:
    c, rec, _ = make_client()
    c.chat.create(model="m", messages=MESSAGES)
    assert rec.last.extensions["timeout"] == DEFAULT_TIMEOUT.as_dict()
    assert httpx.Timeout(600.0, connect=5.0) == DEFAULT_TIMEOUT
    c.chat.create(model="m", messages=MESSAGES, timeout=3.0)
    assert rec.last.extensions["timeout"] == httpx.Timeout(3.0).as_dict()
    c.chat.create(model="m", messages=MESSAGES, timeout=httpx.Timeout(9.0, connect=1.0))
    assert rec.last.extensions["timeout"] == httpx.Timeout(9.0, connect=1.0).as_dict()
    c.chat.create(model="m", messages=MESSAGES, timeout=None)
    assert rec.last.extensions["timeout"] == httpx.Timeout(None).as_dict()
    c2, rec2, _ = make_client(timeout=20.0)
    c2.chat.create(model="m", messages=MESSAGES)
    assert rec2.last.extensions["timeout"] == httpx.Timeout(20.0).as_dict()
    assert c2.timeout == httpx.Timeout(20.0)


def test_base_url_argument_env_and_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert FakeAPI(api_key="k").base_url == "https://api.example.test/v1"
    monkeypatch.setenv("FAKE_BASE_URL", "http://env.test/api/")
    assert FakeAPI(api_key="k").base_url == "http://env.test/api"
    c, rec, _ = make_client(base_url="http://arg.test/root/")
    c.chat.create(model="m", messages=MESSAGES)
    assert str(rec.last.url) == "http://arg.test/root/chat/completions"


def test_with_options_shares_the_pool_and_overrides() -> None:
    c, rec, _ = make_client()
    chat_before = c.chat
    copy = c.with_options(
        base_url="https://other.test/v2",
        timeout=7.0,
        max_retries=0,
        default_headers={"X-Copy": "yes"},
        default_query={"q": 1},
    )
    assert copy._http is c._http
    assert copy.chat is not chat_before and copy.chat._client is copy
    copy.chat.create(model="m", messages=MESSAGES)
    request = rec.last
    assert str(request.url) == "https://other.test/v2/chat/completions?q=1"
    assert request.headers["x-copy"] == "yes"
    assert request.extensions["timeout"] == httpx.Timeout(7.0).as_dict()
    assert copy.max_retries == 0
    # The original is untouched.
    c.chat.create(model="m", messages=MESSAGES)
    assert str(rec.last.url) == "https://api.example.test/v1/chat/completions"
    assert "x-copy" not in rec.last.headers
    assert c.max_retries == 2


def test_close_semantics() -> None:
    owned = FakeAPI(api_key="k")
    copy = owned.with_options(timeout=1.0)
    copy.close()
    assert not owned.is_closed  # a copy does not own the pool
    with owned:
        pass
    assert owned.is_closed

    injected = httpx.Client()
    with FakeAPI(api_key="k", http_client=injected):
        pass
    assert not injected.is_closed  # the caller's client stays open
    injected.close()


def test_async_close_semantics() -> None:
    from tests.runtime.fake_api import AsyncFakeAPI

    async def main() -> None:
        async with AsyncFakeAPI(api_key="k") as owned:
            pass
        assert owned.is_closed
        injected = httpx.AsyncClient()
        client = AsyncFakeAPI(api_key="k", http_client=injected)
        await client.aclose()
        assert not injected.is_closed
        await injected.aclose()

    asyncio.run(main())


def test_connection_reuse() -> None:
    # One pool per client: connections are reused across calls (counted via the transport).
    opened: list[int] = []

    class CountingTransport(httpx.MockTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            opened.append(id(self))
            return super().handle_request(request)

    transport = CountingTransport(Recorder())
    c = FakeAPI(api_key="k", http_client=httpx.Client(transport=transport))
    for _ in range(3):
        c.chat.create(model="m", messages=MESSAGES)
    c.with_options(timeout=2).chat.create(model="m", messages=MESSAGES)
    assert opened == [id(transport)] * 4


# -- raw responses --------------------------------------------------------------------------------


def test_raw_response_wrapper() -> None:
    c, _, _ = make_client(json_response(503, {}), json_response(200, None, **{"x-request-id": "r"}))
    raw = c.chat.with_raw_response.create(model="m", messages=MESSAGES)
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-request-id"] == "r"
    assert raw.retries_taken == 1
    assert raw.elapsed.total_seconds() >= 0
    assert raw.http_response.status_code == 200
    assert raw.json()["id"] == "gen-1"
    assert json.loads(raw.text)["id"] == "gen-1"
    assert raw.content.startswith(b"{")
    parsed = raw.parse()
    assert isinstance(parsed, Completion)
    assert raw.parse() is parsed
    # The flag does not leak into later plain calls.
    assert isinstance(c.chat.create(model="m", messages=MESSAGES), Completion)


def test_raw_response_still_raises_status_errors() -> None:
    c, _, _ = make_client(json_response(404, {"error": {"message": "gone"}}))
    with pytest.raises(NotFoundError):
        c.chat.with_raw_response.create(model="m", messages=MESSAGES)


def test_raw_response_with_stream() -> None:
    sse = b'data: {"id":"1","choices":[]}\n\ndata: [DONE]\n\n'
    c, _, _ = make_client(
        httpx.Response(200, headers={"content-type": "text/event-stream"}, content=sse)
    )
    raw = c.chat.with_raw_response.create(model="m", messages=MESSAGES, stream=True)
    assert raw.headers["content-type"] == "text/event-stream"
    stream = raw.parse()
    assert isinstance(stream, Stream)
    assert [ch.id for ch in stream] == ["1"]


def test_async_raw_response() -> None:
    async def main() -> None:
        c, _, _ = make_async_client()
        raw = await c.chat.with_raw_response.create(model="m", messages=MESSAGES)
        assert isinstance(raw, AsyncAPIResponse)
        assert isinstance(raw.parse(), Completion)
        sse = b'data: {"id":"1","choices":[]}\n\ndata: [DONE]\n\n'
        c2, _, _ = make_async_client(httpx.Response(200, content=sse))
        raw2 = await c2.chat.with_raw_response.create(model="m", messages=MESSAGES, stream=True)
        stream = raw2.parse()
        assert isinstance(stream, AsyncStream)
        assert [ch.id async for ch in stream] == ["1"]

    asyncio.run(main())


# -- secrets and logging --------------------------------------------------------------------------


class QueryKeyAPI(SyncClient):
    _config: ClassVar[ClientConfig] = ClientConfig(
        default_base_url="https://q.test",
        security_schemes={
            "key": SecurityScheme(type="apiKey", param_name="api_key", location="query"),
            "hdr": SecurityScheme(type="apiKey", param_name="X-Secret-Token", location="header"),
            "cookie": SecurityScheme(type="apiKey", param_name="sid", location="cookie"),
        },
        log_env="QK_LOG",
        logger_name="qk",
    )


QK_OP = Operation(
    "GET", "/items", "list_items", security=(("key", "hdr", "cookie"),), response_type=dict
)


def test_secrets_never_in_logs_or_reprs(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("QK_LOG", "debug")
    rec = Recorder(json_response(503, {"error": {"message": f"bad token {SECRET}"}}))
    client = QueryKeyAPI(
        credentials={"key": SECRET, "hdr": "hdr-secret-456", "cookie": "cookie-secret-789"},
        http_client=httpx.Client(transport=httpx.MockTransport(rec)),
    )
    client._sleep = lambda s: None  # type: ignore[method-assign]
    with caplog.at_level(logging.DEBUG, logger="qk"), pytest.raises(InternalServerError) as info:
        client.request(QK_OP)
    assert rec.last.url.params["api_key"] == SECRET  # it was sent...
    secrets = (SECRET, "hdr-secret-456", "cookie-secret-789")
    texts = [caplog.text, repr(client), repr(info.value), str(info.value), info.value.message]
    for text in texts:  # ...but shows up nowhere
        for secret in secrets:
            assert secret not in text
    assert "Retrying GET" in caplog.text
    assert "api_key=***" in caplog.text
    assert "HTTP Request: GET" in caplog.text
    assert client.__dict__.get("_credentials")  # kept, just never printed


def test_bearer_token_not_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("FAKE_LOG", "debug")
    c, _, _ = make_client()
    with caplog.at_level(logging.DEBUG, logger="fake_api"):
        c.chat.create(model="m", messages=MESSAGES)
    assert "HTTP Request: POST https://api.example.test/v1/chat/completions" in caplog.text
    assert "'authorization': '***'" in caplog.text
    assert SECRET not in caplog.text
    assert SECRET not in repr(c)
    assert "bearerAuth" in repr(c)


def test_connection_error_message_is_redacted() -> None:
    c, _, _ = make_client(httpx.ConnectError(f"failed for key {SECRET}"), max_retries=0)
    from generator.runtime import APIConnectionError

    with pytest.raises(APIConnectionError) as info:
        c.chat.create(model="m", messages=MESSAGES)
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value)


def test_logging_is_off_by_default(caplog: pytest.LogCaptureFixture) -> None:
    c, _, _ = make_client()
    with caplog.at_level(logging.WARNING):
        c.chat.create(model="m", messages=MESSAGES)
    assert "HTTP Request" not in caplog.text


def test_log_env_enables_a_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_LOG", "info")
    logger = logging.getLogger("fake_api")
    before = list(logger.handlers)
    try:
        make_client()
        make_client()
        added = [h for h in logger.handlers if h not in before]
        assert len(added) <= 1  # one handler, however many clients
        assert logger.level == logging.INFO
    finally:
        for h in logger.handlers[:]:
            if h not in before:
                logger.removeHandler(h)
        logger.setLevel(logging.NOTSET)


def test_status_error_is_not_api_error_for_success() -> None:
    c, _, _ = make_client(json_response(200))
    assert isinstance(c.chat.create(model="m", messages=MESSAGES), Completion)
    assert not issubclass(Completion, APIStatusError)


# -- import hygiene -------------------------------------------------------------------------------


def test_import_does_not_pull_in_asyncio_or_typing_extensions() -> None:
    root = Path(__file__).resolve().parents[2]
    code = (
        "import sys; import generator.runtime; "
        "print(sorted(m for m in ('asyncio', 'typing_extensions', 'email.utils', 'mimetypes') "
        "if m in sys.modules and m not in before))"
    )
    # typing_extensions comes with pydantic itself; only count what the runtime adds.
    prelude = "import sys; import httpx, pydantic; before = set(sys.modules); "
    out = subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- uploads through the client ----------------------------------------------------------------


def _form_parts(request: httpx.Request) -> dict[str, tuple[str | None, bytes]]:
    from email.parser import BytesParser
    from email.policy import HTTP

    head = b"Content-Type: " + request.headers["content-type"].encode() + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    return {
        str(p.get_param("name", header="content-disposition")): (
            p.get_filename(),
            p.get_payload(decode=True),
        )
        for p in message.iter_parts()
    }


def test_multipart_upload_is_resent_on_retry(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    c, rec, sleeps = make_client(json_response(503, {}), json_response(200, {"id": "file-1"}))
    result = c.files.upload(file=path, purpose="batch", attachments=[b"one", ("two.txt", b"2")])
    assert result == {"id": "file-1"}
    assert rec.calls == 2 and len(sleeps) == 1
    first, second = (_form_parts(r) for r in rec.requests)
    assert first == second
    assert first["file"] == ("data.jsonl", b'{"a": 1}\n')
    assert first["purpose"] == (None, b"batch")
    assert int(rec.last.headers["content-length"]) == len(rec.last.content)


def test_multipart_file_is_resent_from_where_it_stood_at_call_time() -> None:
    f = io.BytesIO(b"skip:payload")
    f.seek(5)
    c, rec, _ = make_client(json_response(503, {}), json_response(200, {"id": "file-1"}))
    c.files.upload(file=("p.bin", f), purpose="batch")
    first, second = (_form_parts(r) for r in rec.requests)
    assert first["file"] == second["file"] == ("p.bin", b"payload")
    assert not f.closed  # the caller's file stays the caller's


def test_multipart_path_is_opened_only_while_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    from generator.runtime._serialize import encode_body
    from tests.runtime.fake_api import UPLOAD

    opened: list[Any] = []
    real_open = builtins.open

    def spy_open(*args: Any, **kwargs: Any) -> Any:
        opened.append(real_open(*args, **kwargs))
        return opened[-1]

    path = tmp_path / "a.txt"
    path.write_bytes(b"abc" * 50_000)
    monkeypatch.setattr(builtins, "open", spy_open)
    stream, _ = encode_body(UPLOAD, {"file": path, "purpose": "x"}, None)
    assert isinstance(stream, UploadStream)
    assert opened == []
    for _attempt in range(2):  # a retry reads it again, from the start
        body = b"".join(stream)
        assert b"abc" * 50_000 in body
        assert opened and all(f.closed for f in opened)  # closed at its end
    assert len(opened) == 2


def test_async_multipart_upload() -> None:
    from tests.runtime.fake_api import UPLOAD

    async def main() -> dict[str, tuple[str | None, bytes]]:
        c, rec, _ = make_async_client(json_response(200, {"id": "f"}))
        await c.request(UPLOAD, body={"file": ("a.bin", b"\x00\x01"), "purpose": "x"})
        return _form_parts(rec.last)

    parts = asyncio.run(main())
    assert parts["file"] == ("a.bin", b"\x00\x01")


def test_models_with_model_prefixed_fields_define_without_warnings() -> None:
    import warnings

    from generator.runtime import BaseModel

    with warnings.catch_warnings():
        warnings.simplefilter("error")

        class Entry(BaseModel):
            model_id: str
            model_name: str | None = None

    assert Entry(model_id="x").model_id == "x"
