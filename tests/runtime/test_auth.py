from __future__ import annotations

import asyncio
import base64
from typing import Any, ClassVar

import httpx
import pytest

from generator.runtime import (
    AsyncClient,
    ClientConfig,
    MissingCredentialsError,
    Operation,
    SecurityScheme,
    SyncClient,
)
from tests.runtime.helpers import Recorder, json_response, make_async_client, make_client

SCHEMES = {
    "bearer": SecurityScheme(type="http", scheme="bearer", argument="token", env_var="T_TOKEN"),
    "basic": SecurityScheme(type="http", scheme="basic", argument="login", env_var="T_BASIC"),
    "headerKey": SecurityScheme(
        type="apiKey",
        param_name="X-Api-Key",
        location="header",
        argument="api_key",
        env_var="T_API_KEY",
    ),
    "queryKey": SecurityScheme(
        type="apiKey", param_name="key", location="query", argument="query_key"
    ),
    "cookieKey": SecurityScheme(
        type="apiKey", param_name="session", location="cookie", argument="session"
    ),
    "oauth": SecurityScheme(type="oauth2", argument="access_token"),
    "oidc": SecurityScheme(type="openIdConnect", argument="id_token"),
}


class MultiAuth(SyncClient):
    _config: ClassVar[ClientConfig] = ClientConfig(
        default_base_url="https://auth.test", security_schemes=SCHEMES
    )


class AsyncMultiAuth(AsyncClient):
    _config: ClassVar[ClientConfig] = MultiAuth._config


def op(*alternatives: tuple[str, ...]) -> Operation:
    return Operation("GET", "/thing", "get_thing", security=alternatives, response_type=dict)


def client(**credentials: Any) -> tuple[MultiAuth, Recorder]:
    recorder = Recorder(json_response(body={}))
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    return MultiAuth(credentials=credentials, http_client=http), recorder


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("T_TOKEN", "T_BASIC", "T_API_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_http_bearer() -> None:
    c, rec = client(bearer="tok-1")
    c.request(op(("bearer",)))
    assert rec.last.headers["authorization"] == "Bearer tok-1"


@pytest.mark.parametrize("credential", [("user", "pa:ss"), "user:pa:ss"])
def test_http_basic(credential: Any) -> None:
    c, rec = client(basic=credential)
    c.request(op(("basic",)))
    expected = base64.b64encode(b"user:pa:ss").decode()
    assert rec.last.headers["authorization"] == f"Basic {expected}"


def test_api_key_in_header_query_and_cookie() -> None:
    c, rec = client(headerKey="h-key", queryKey="q key", cookieKey="c-key")
    c.request(op(("headerKey", "queryKey", "cookieKey")))
    request = rec.last
    assert request.headers["x-api-key"] == "h-key"
    assert request.url.params["key"] == "q key"
    assert request.headers["cookie"] == "session=c-key"
    assert "authorization" not in request.headers


@pytest.mark.parametrize("scheme", ["oauth", "oidc"])
def test_oauth2_and_openid_connect_are_bearer_tokens(scheme: str) -> None:
    c, rec = client(**{scheme: "access"})
    c.request(op((scheme,)))
    assert rec.last.headers["authorization"] == "Bearer access"


def test_credentials_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("T_TOKEN", "from-env")
    c, rec = client()
    c.request(op(("bearer",)))
    assert rec.last.headers["authorization"] == "Bearer from-env"
    c2, rec2 = client(bearer="explicit")
    c2.request(op(("bearer",)))
    assert rec2.last.headers["authorization"] == "Bearer explicit"


def test_environment_is_read_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    c, _ = client()
    monkeypatch.setenv("T_TOKEN", "too-late")
    with pytest.raises(MissingCredentialsError):
        c.request(op(("bearer",)))


def test_missing_credentials_fail_before_any_request() -> None:
    c, rec = client()
    with pytest.raises(MissingCredentialsError) as info:
        c.request(op(("headerKey",)))
    assert rec.calls == 0
    assert str(info.value) == "get_thing needs an API key: pass api_key=... or set T_API_KEY"


def test_missing_message_for_the_generated_client() -> None:
    c, rec, _ = make_client(api_key=None)
    with pytest.raises(MissingCredentialsError) as info:
        c.keys.create(name="x")
    assert rec.calls == 0
    assert str(info.value) == "create_key needs an API key: pass api_key=... or set FAKE_API_KEY"


def test_missing_message_lists_alternatives() -> None:
    c, _ = client()
    with pytest.raises(MissingCredentialsError) as info:
        c.request(op(("bearer",), ("basic", "queryKey")))
    message = str(info.value)
    assert "pass token=... or set T_TOKEN" in message
    assert "a username and password: pass login=... or set T_BASIC" in message
    assert "pass query_key=..." in message


def test_first_satisfiable_alternative_wins() -> None:
    c, rec = client(basic=("u", "p"), headerKey="k")
    c.request(op(("bearer",), ("headerKey",), ("basic",)))
    assert rec.last.headers["x-api-key"] == "k"
    assert "authorization" not in rec.last.headers


def test_optional_auth_sends_credentials_when_available() -> None:
    c, rec = client(bearer="t")
    c.request(op((), ("bearer",)))
    assert rec.last.headers["authorization"] == "Bearer t"
    anonymous, rec2 = client()
    anonymous.request(op((), ("bearer",)))
    assert "authorization" not in rec2.last.headers


def test_operations_without_security_send_no_credentials() -> None:
    c, rec = client(bearer="t")
    c.request(Operation("GET", "/open", "open", response_type=dict))
    assert "authorization" not in rec.last.headers


def test_header_supplied_by_hand_satisfies_security() -> None:
    recorder = Recorder(json_response(body={}))
    http = httpx.Client(transport=httpx.MockTransport(recorder))
    c = MultiAuth(http_client=http, default_headers={"Authorization": "Bearer manual"})
    c.request(op(("bearer",)))
    assert recorder.last.headers["authorization"] == "Bearer manual"
    bare, rec = client()
    bare.request(op(("headerKey",)), extra_headers={"X-Api-Key": "by-hand"})
    assert rec.last.headers["x-api-key"] == "by-hand"


def test_with_options_replaces_credentials() -> None:
    c, rec = client(bearer="old")
    c.with_options(credentials={"bearer": "new"}).request(op(("bearer",)))
    assert rec.last.headers["authorization"] == "Bearer new"
    c.request(op(("bearer",)))
    assert rec.last.headers["authorization"] == "Bearer old"


def test_async_missing_credentials_before_request() -> None:
    c, rec, _ = make_async_client(api_key=None)

    async def main() -> None:
        with pytest.raises(MissingCredentialsError):
            await c.keys.create(name="x")

    asyncio.run(main())
    assert rec.calls == 0


def test_async_bearer() -> None:
    recorder = Recorder(json_response(body={}))
    http = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    c = AsyncMultiAuth(credentials={"bearer": "async-tok"}, http_client=http)
    asyncio.run(c.request(op(("bearer",))))
    assert recorder.last.headers["authorization"] == "Bearer async-tok"
