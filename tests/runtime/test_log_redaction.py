"""Credentials never reach a log record (httpx's and httpcore's included) or a repr.

Real requests to the local fault server with every logger at DEBUG; every captured record's
message, msg and args are searched for every secret.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import uuid

import pytest

from generator.runtime import APIStatusError
from generator.runtime import _logging as runtime_logging
from tests.fault_server import FaultServer
from tests.runtime.multi_auth import (
    SECRETS,
    WITH_BASIC,
    WITH_BEARER,
    AsyncMultiAuth,
    MultiAuth,
    credentials,
)


def key() -> str:
    return uuid.uuid4().hex


def leaks(records: list[logging.LogRecord], secrets: tuple[str, ...]) -> list[str]:
    found = []
    for record in records:
        text = f"{record.getMessage()} {record.msg!r} {record.args!r}"
        found.extend(f"{record.name}: {secret}" for secret in secrets if secret in text)
    return found


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)  # root: httpx, httpcore and the client's logger
    return caplog


def test_no_secret_in_any_log_record_sync(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    k = key()
    with MultiAuth(credentials=credentials(), base_url=fault_server.base_url("ok", k)) as c:
        c.request(WITH_BEARER)
        c.request(WITH_BASIC, body={"name": "x"})
    names = {r.name for r in debug_logs.records}
    assert "httpx" in names and "multi_auth" in names  # the test saw the lines it is about
    httpx_lines = [r.getMessage() for r in debug_logs.records if r.name == "httpx"]
    assert any("api_key=***" in line for line in httpx_lines), httpx_lines
    assert leaks(debug_logs.records, SECRETS) == []


def test_no_secret_in_any_log_record_async(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    k = key()

    async def run() -> None:
        base = fault_server.base_url("ok", k)
        async with AsyncMultiAuth(credentials=credentials(), base_url=base) as c:
            await c.request(WITH_BEARER)
            await c.request(WITH_BASIC, body={"name": "x"})

    asyncio.run(run())
    assert any(r.name == "httpx" for r in debug_logs.records)
    assert leaks(debug_logs.records, SECRETS) == []


def test_no_secret_in_logs_of_retries_and_errors(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    k = key()
    client = MultiAuth(
        credentials=credentials(),
        base_url=fault_server.base_url("unavailable", k),
        max_retries=1,
    )
    client._sleep = lambda seconds: None  # type: ignore[method-assign]
    with client:
        client.request(WITH_BEARER)  # 503, retried, then 200
    assert fault_server.attempts("unavailable", k) == 2
    assert any("Retrying" in r.getMessage() for r in debug_logs.records)
    assert leaks(debug_logs.records, SECRETS) == []


def test_userinfo_in_base_url_is_masked_in_logs_and_repr(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    k = key()
    secret = "userinfo-pw-secret-5e1"
    base = fault_server.base_url("ok", k).replace("http://", f"http://bob:{secret}@")
    with MultiAuth(credentials=credentials(), base_url=base) as c:
        assert secret not in repr(c)
        assert "***@" in repr(c)
        c.request(WITH_BEARER)
    (seen,) = fault_server.requests(k)
    # httpx turns userinfo into Basic auth (over the scheme's header), on this origin only.
    assert seen.headers["authorization"].startswith("Basic ")
    encoded = base64.b64encode(f"bob:{secret}".encode()).decode()
    assert leaks(debug_logs.records, (*SECRETS, secret, encoded)) == []


def test_repr_shows_no_credential() -> None:
    c = MultiAuth(credentials=credentials(), base_url="http://api.test")
    text = repr(c) + repr(c.with_options(max_retries=1))
    for secret in SECRETS:
        assert secret not in text
    assert "credentials=['basic', 'bearer', 'cookie', 'header', 'query']" in repr(c)


def test_filter_is_installed_once_per_logger() -> None:
    for _ in range(3):
        MultiAuth(credentials=credentials(), base_url="http://api.test")
    for name in ("httpx", "httpcore.http11", "multi_auth"):
        filters = logging.getLogger(name).filters
        assert len(filters) == len({id(f) for f in filters})
        # This runtime's filter once; a generated package imported by another test in the same
        # process carries its own copy of the runtime, whose filter is rightly there too.
        assert sum(f is runtime_logging._FILTER for f in filters) == 1


# -- what a server writes cannot act on the terminal through a log line ---------------------------

UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def test_control_characters_a_server_sends_are_escaped_in_log_records(
    fault_server: FaultServer, debug_logs: pytest.LogCaptureFixture
) -> None:
    k = key()
    # h11 accepts ESC in a reason phrase; httpx's INFO line and the client's show it.
    fault_server.canned(
        k, b"HTTP/1.1 500 \x1b[2J\x1b[31mboom\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    base_url = fault_server.base_url("canned", k)
    client = MultiAuth(credentials=credentials(), base_url=base_url, max_retries=0)
    with client, pytest.raises(APIStatusError):
        client.request(WITH_BEARER)
    lines = [r.getMessage() for r in debug_logs.records if r.name in ("httpx", "multi_auth")]
    assert any("\\x1b[31mboom" in line for line in lines), lines
    assert [line for line in lines if UNPRINTABLE.search(line)] == []


def test_headers_named_like_credentials_are_masked_as_a_redirect_strips_them() -> None:
    # A header the caller adds by hand (default_headers) is not known to the client: its name
    # decides, by the rule that drops it on a redirect to another origin.
    from generator.runtime._logging import Redactor

    shown = Redactor().headers(
        {"X-Vendor-Token": "t0k3n", "Session-Id": "s3ss", "Accept": "application/json"}
    )
    assert shown == {"X-Vendor-Token": "***", "Session-Id": "***", "Accept": "application/json"}
