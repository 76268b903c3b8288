"""OAuth2 client credentials, auth= (token functions and httpx.Auth), and server selection."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from typing import Any, ClassVar
from urllib.parse import parse_qs

import httpx
import pytest

from generator.runtime import (
    AsyncClient,
    AuthenticationError,
    ClientConfig,
    ClientCredentials,
    InvalidRequestError,
    MissingCredentialsError,
    Operation,
    SecurityScheme,
    SyncClient,
)

SECRET = "s3cr3t-client-secret"
CONFIG = ClientConfig(
    default_base_url="https://api.example.test/v2",
    security_schemes={
        "oauth": SecurityScheme(
            type="oauth2",
            name="oauth",
            argument="client_credentials",
            token_url="oauth/token",  # relative: resolved against the server URL (RFC 3986)
            scopes=("read", "write"),
            client_id_env="CC_TEST_CLIENT_ID",
            client_secret_env="CC_TEST_CLIENT_SECRET",
        )
    },
    servers=(
        ("production", "https://{region}.api.example.test/{version}"),
        ("sandbox", "https://sandbox.example.test/{version}"),
    ),
    server_variables=(("region", "eu", ("eu", "us")), ("version", "v2", ())),
    logger_name="cc_test",
    log_env="CC_TEST_LOG",
)
ITEMS = Operation(
    method="GET", path="/items", operation_id="list_items", security=(("oauth",),),
    response_type=dict[str, Any], call_path="items.list", resource="items",
)  # fmt: skip
PUBLIC = Operation(method="GET", path="/health", operation_id="health", response_type=object)


class Sync(SyncClient):
    _config: ClassVar[ClientConfig] = CONFIG


class Async(AsyncClient):
    _config: ClassVar[ClientConfig] = CONFIG


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TokenServer:
    """Issues tok-1, tok-2, ...; the API accepts only the newest token (unless told to refuse)."""

    def __init__(self, expires_in: int | None = 3600, delay: float = 0.0) -> None:
        self.expires_in = expires_in
        self.delay = delay
        self.issued = 0
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.refuse_next = 0
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/oauth/token":
            with self.lock:
                self.token_requests.append(request)
                self.issued += 1
                token = f"tok-{self.issued}"
            if self.delay:
                threading.Event().wait(self.delay)  # lets concurrent callers pile up
            body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            return httpx.Response(200, json=body)
        self.api_requests.append(request)
        if self.refuse_next:
            self.refuse_next -= 1
            return httpx.Response(401, json={"error": "expired"})
        return httpx.Response(
            200, json={"auth": request.headers.get("authorization")},
            headers={"x-request-id": "req-42"},
        )  # fmt: skip


def sync_client(server: TokenServer, clock: Clock | None = None, **kwargs: Any) -> Sync:
    client = Sync(
        credentials={"oauth": ("my-client", SECRET)},
        base_url="https://api.example.test/v2",
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        **kwargs,
    )
    if clock is not None:
        client._credentials["oauth"]._clock = clock  # type: ignore[union-attr]
    return client


def test_token_fetched_once_for_many_calls_then_refreshed_before_expiry() -> None:
    server, clock = TokenServer(expires_in=600), Clock()
    client = sync_client(server, clock)
    for _ in range(5):
        assert client.request(ITEMS) == {"auth": "Bearer tok-1"}
    assert len(server.token_requests) == 1
    token = server.token_requests[0]
    form = parse_qs(token.content.decode())
    assert str(token.url) == "https://api.example.test/v2/oauth/token"
    assert form == {
        "grant_type": ["client_credentials"], "scope": ["read write"],
        "client_id": ["my-client"], "client_secret": [SECRET],
    }  # fmt: skip
    clock.now += 600 - 31  # still valid for more than the 30 s margin
    assert client.request(ITEMS) == {"auth": "Bearer tok-1"}
    clock.now += 2  # within the margin: refreshed before it ends
    assert client.request(ITEMS) == {"auth": "Bearer tok-2"}
    assert len(server.token_requests) == 2


def test_client_secret_basic() -> None:
    server = TokenServer()
    client = sync_client(server)
    flow = client._credentials["oauth"]
    assert isinstance(flow, ClientCredentials)
    flow.method = "client_secret_basic"
    client.request(ITEMS)
    token = server.token_requests[0]
    assert "client_secret" not in token.content.decode()
    scheme, encoded = token.headers["authorization"].split()
    assert scheme == "Basic"
    assert base64.b64decode(encoded).decode() == f"my-client:{SECRET}"


def test_a_401_refreshes_once_and_retries_once() -> None:
    server = TokenServer()
    client = sync_client(server, max_retries=0)
    client.request(ITEMS)
    server.refuse_next = 1
    assert client.request(ITEMS) == {"auth": "Bearer tok-2"}
    assert len(server.token_requests) == 2
    server.refuse_next = 5  # refused again with the new token: no loop, the 401 is raised
    with pytest.raises(AuthenticationError):
        client.request(ITEMS)
    assert len(server.token_requests) == 3
    assert len(server.api_requests) == 1 + 2 + 2


def test_concurrent_threads_cause_one_token_request() -> None:
    server = TokenServer(delay=0.05)
    client = sync_client(server)
    results: list[object] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.request(ITEMS))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [{"auth": "Bearer tok-1"}] * 8
    assert len(server.token_requests) == 1


def test_concurrent_tasks_cause_one_token_request() -> None:
    server = TokenServer(delay=0.05)

    async def main() -> list[object]:
        async with Async(
            credentials={"oauth": ("my-client", SECRET)},
            base_url="https://api.example.test/v2",
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
        ) as client:
            first = await asyncio.gather(*(client.request(ITEMS) for _ in range(8)))
            server.refuse_next = 1
            after_401 = await client.request(ITEMS)
            return [*first, after_401]

    results = asyncio.run(main())
    assert results == [{"auth": "Bearer tok-1"}] * 8 + [{"auth": "Bearer tok-2"}]
    assert len(server.token_requests) == 2


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC_TEST_CLIENT_ID", "env-id")
    monkeypatch.setenv("CC_TEST_CLIENT_SECRET", SECRET)
    server = TokenServer()
    client = Sync(
        base_url="https://api.example.test/v2",
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
    )
    client.request(ITEMS)
    assert parse_qs(server.token_requests[0].content.decode())["client_id"] == ["env-id"]


def test_missing_client_credentials_say_what_to_set() -> None:
    client = Sync(http_client=httpx.Client(transport=httpx.MockTransport(TokenServer())))
    with pytest.raises(MissingCredentialsError, match="CC_TEST_CLIENT_ID and CC_TEST_CLIENT_SEC"):
        client.request(ITEMS)
    assert client.request(PUBLIC) is not None  # operations without security still work


def test_token_errors_and_secrets_stay_out_of_logs_and_reprs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refusing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": f"bad client {SECRET}"})

    client = Sync(
        credentials={"oauth": ("my-client", SECRET)},
        base_url="https://api.example.test/v2",
        http_client=httpx.Client(transport=httpx.MockTransport(refusing)),
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AuthenticationError) as info:
        client.request(ITEMS)
    assert SECRET not in str(info.value)
    server = TokenServer()
    ok = sync_client(server)
    ok.request(ITEMS)
    for text in (repr(client), repr(ok), repr(ok._credentials), caplog.text, str(info.value)):
        assert SECRET not in text
        assert "tok-1" not in text


def test_auth_accepts_a_token_function_and_an_httpx_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    tokens = iter(["t1", "t2"])
    client = Sync(
        auth=lambda: next(tokens), http_client=httpx.Client(transport=httpx.MockTransport(handler))
    )
    client.request(ITEMS)
    client.request(ITEMS)
    assert [r.headers["authorization"] for r in seen] == ["Bearer t1", "Bearer t2"]

    client = Sync(
        auth=httpx.BasicAuth("u", "p"),
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    client.request(ITEMS)
    assert seen[-1].headers["authorization"].startswith("Basic ")

    async def token() -> str:
        return "async-token"

    async def main() -> None:
        async with Async(
            auth=token, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
        ) as c:
            await c.request(ITEMS)

    asyncio.run(main())
    assert seen[-1].headers["authorization"] == "Bearer async-token"
    with pytest.raises(InvalidRequestError, match="async function"):
        Sync(auth=token, http_client=httpx.Client(transport=httpx.MockTransport(handler))).request(
            ITEMS
        )


def test_server_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Sync().base_url == "https://eu.api.example.test/v2"
    assert Sync(server_variables={"region": "us"}).base_url == "https://us.api.example.test/v2"
    assert Sync(server="sandbox", server_variables={"version": "v3"}).base_url == (
        "https://sandbox.example.test/v3"
    )
    with pytest.raises(InvalidRequestError, match="one of"):
        Sync(server_variables={"region": "mars"})
    with pytest.raises(InvalidRequestError, match="plain name"):
        Sync(server_variables={"version": "x@evil.test/"})
    with pytest.raises(InvalidRequestError, match="server must be one of"):
        Sync(server="staging")
    assert Sync(base_url="https://other.test").base_url == "https://other.test"


def test_token_url_follows_the_chosen_server() -> None:
    server = TokenServer()
    client = Sync(
        credentials={"oauth": ("id", SECRET)},
        server_variables={"region": "us"},
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
    )
    flow = client._credentials["oauth"]
    assert isinstance(flow, ClientCredentials)
    assert flow.token_url == "https://us.api.example.test/v2/oauth/token"
    assert json.dumps(repr(flow)).count(SECRET) == 0


def test_with_options_shares_the_token_or_resolves_new_credentials_on_its_base_url() -> None:
    server = TokenServer()
    client = sync_client(server)
    client.request(ITEMS)
    copy = client.with_options(timeout=5)
    copy.request(ITEMS)
    assert len(server.token_requests) == 1  # the copy uses the same token
    other = client.with_options(credentials={"oauth": ("other", SECRET)})
    flow = other._credentials["oauth"]
    assert isinstance(flow, ClientCredentials)
    assert flow.token_url == "https://api.example.test/v2/oauth/token"
    assert other.request(ITEMS) == {"auth": "Bearer tok-2"}
