"""Redirects: credentials stay on their origin, for every auth scheme (real sockets).

Two fault servers on 127.0.0.1 listen on different ports: different origins. Server A answers
with a redirect; whatever reaches server B is checked for every credential the client holds.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from generator.runtime import Operation, RedirectError
from tests.fault_server import FaultServer, Recorded
from tests.runtime.multi_auth import (
    BASIC,
    BEARER_TOKEN,
    COOKIE_KEY,
    HEADER_KEY,
    QUERY_KEY,
    SECRETS,
    WITH_BASIC,
    WITH_BEARER,
    AsyncMultiAuth,
    MultiAuth,
    credentials,
)


@pytest.fixture(scope="module")
def other_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


def key() -> str:
    return uuid.uuid4().hex


def only(records: list[Recorded]) -> Recorded:
    assert len(records) == 1, records
    return records[0]


def assert_no_credentials(seen: Recorded) -> None:
    assert "x-custom-token" not in seen.headers
    assert "authorization" not in seen.headers
    assert "cookie" not in seen.headers
    assert "api_key" not in seen.target
    everything = seen.target + repr(seen.headers)
    for secret in SECRETS:
        assert secret not in everything


def assert_all_credentials(seen: Recorded, authorization: str) -> None:
    assert seen.headers["x-custom-token"] == HEADER_KEY
    assert seen.headers["authorization"] == authorization
    assert f"session={COOKIE_KEY}" in seen.headers["cookie"]
    assert f"api_key={QUERY_KEY}" in seen.target


BEARER = f"Bearer {BEARER_TOKEN}"


def client_for(server: FaultServer, k: str, **kwargs: Any) -> MultiAuth:
    return MultiAuth(credentials=credentials(), base_url=server.base_url("redirect", k), **kwargs)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_carries_no_credential(
    fault_server: FaultServer, other_server: FaultServer, status: int
) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, status, f"{other_server.url}/ok/{k2}/landing")
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    assert_all_credentials(only(fault_server.requests(k)), BEARER)  # A did get them
    landed = only(other_server.requests(k2))
    assert landed.target == f"/ok/{k2}/landing"
    assert_no_credentials(landed)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_cross_origin_redirect_of_a_post_with_basic_auth(
    fault_server: FaultServer, other_server: FaultServer, status: int
) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, status, f"{other_server.url}/ok/{k2}")
    with client_for(fault_server, k) as client:
        client.request(WITH_BASIC, body={"name": "x"})
    sent = only(fault_server.requests(k))
    assert sent.headers["authorization"].startswith("Basic ")
    landed = only(other_server.requests(k2))
    assert_no_credentials(landed)
    # 307/308 keep the method and body; 301/302/303 turn a POST into a GET without one.
    assert landed.method == ("POST" if status in (307, 308) else "GET")
    assert ("content-length" in landed.headers) == (status in (307, 308))


def test_same_origin_redirect_keeps_every_credential(fault_server: FaultServer) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, 307, f"/ok/{k2}/moved")  # relative: same origin
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    landed = only(fault_server.requests(k2))
    assert landed.target.startswith(f"/ok/{k2}/moved?")
    assert_all_credentials(landed, BEARER)
    assert landed.target.count("api_key=") == 1


def test_same_origin_redirect_replaces_a_query_credential_the_server_rewrote(
    fault_server: FaultServer,
) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, 302, f"{fault_server.url}/ok/{k2}?api_key=planted&page=2")
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    landed = only(fault_server.requests(k2))
    assert "page=2" in landed.target
    assert "planted" not in landed.target
    assert landed.target.count("api_key=") == 1 and f"api_key={QUERY_KEY}" in landed.target


def test_query_credential_echoed_into_a_cross_origin_location_is_removed(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/ok/{k2}?api_key={QUERY_KEY}&keep=1")
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    landed = only(other_server.requests(k2))
    assert landed.target == f"/ok/{k2}?keep=1"
    assert_no_credentials(landed)


def test_auth_of_an_injected_http_client_is_not_sent_to_another_origin(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/ok/{k2}")
    http = httpx.Client(auth=("proxyuser", BASIC[1]))
    with http, MultiAuth(base_url=fault_server.base_url("redirect", k), http_client=http) as c:
        c.request(Operation(method="GET", path="/x", operation_id="x"))
    assert only(fault_server.requests(k)).headers["authorization"].startswith("Basic ")
    assert_no_credentials(only(other_server.requests(k2)))


def test_async_cross_origin_redirect_carries_no_credential(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2 = key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/ok/{k2}")

    async def run() -> None:
        client = AsyncMultiAuth(
            credentials=credentials(),
            base_url=fault_server.base_url("redirect", k),
        )
        async with client:
            await client.request(WITH_BEARER)

    asyncio.run(run())
    assert_all_credentials(only(fault_server.requests(k)), BEARER)
    assert_no_credentials(only(other_server.requests(k2)))


@pytest.mark.parametrize(
    "location",
    ["file:///etc/passwd", "ftp://127.0.0.1/x", "data:text/plain,hello", "gopher://127.0.0.1/"],
)
def test_redirect_to_a_non_http_scheme_is_refused(fault_server: FaultServer, location: str) -> None:
    k = key()
    fault_server.redirect(k, 302, location)
    with client_for(fault_server, k) as client, pytest.raises(RedirectError) as info:
        client.request(WITH_BEARER)
    assert "redirected to" in str(info.value)
    for secret in SECRETS:
        assert secret not in str(info.value)
    assert fault_server.attempts("redirect", k) == 1  # refused, not retried


def test_redirect_loop_stops_at_the_http_clients_limit(fault_server: FaultServer) -> None:
    k = key()
    fault_server.redirect(k, 302, f"/redirect/{k}/again")
    http = httpx.Client(max_redirects=5)
    client = client_for(fault_server, k, http_client=http)
    with http, client, pytest.raises(RedirectError, match="5 redirects"):
        client.request(WITH_BEARER)
    assert fault_server.attempts("redirect", k) == 6


# -- scheme changes on the same host (no local TLS server: a scripted transport) -------------


def scripted(location: str) -> tuple[MultiAuth, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(307, headers={"location": location})
        return httpx.Response(200, json={})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = MultiAuth(credentials=credentials(), base_url="https://api.test", http_client=http)
    return client, seen


def test_https_to_http_downgrade_drops_every_credential() -> None:
    client, seen = scripted("http://api.test/things")
    client.request(WITH_BEARER)
    assert [str(r.url.scheme) for r in seen] == ["https", "http"]
    second = seen[1]
    assert "authorization" not in second.headers
    assert "x-custom-token" not in second.headers
    assert "cookie" not in second.headers
    assert "api_key" not in str(second.url)


@pytest.mark.parametrize(
    "location", ["//other.test/things", "https://other.test/", "https://api.test.other.test/"]
)
def test_protocol_relative_and_look_alike_hosts_are_other_origins(location: str) -> None:
    client, seen = scripted(location)
    client.request(WITH_BEARER)
    assert "authorization" not in seen[1].headers
    assert "x-custom-token" not in seen[1].headers


def test_encoded_name_of_a_query_credential_is_removed_too() -> None:
    client, seen = scripted(f"https://other.test/x?api%5Fkey={QUERY_KEY}&a=1")
    client.request(WITH_BEARER)
    assert str(seen[1].url) == "https://other.test/x?a=1"


def test_same_origin_with_explicit_default_port_keeps_credentials() -> None:
    client, seen = scripted("https://API.test:443/moved")
    client.request(WITH_BEARER)
    assert seen[1].headers["authorization"] == BEARER
    assert f"api_key={QUERY_KEY}" in str(seen[1].url)


def test_other_port_on_the_same_host_is_another_origin() -> None:
    client, seen = scripted("https://api.test:8443/things")
    client.request(WITH_BEARER)
    assert "authorization" not in seen[1].headers
    assert seen[1].headers["host"] == "api.test:8443"


def test_http_to_https_upgrade_on_the_same_host_keeps_credentials() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            return httpx.Response(301, headers={"location": "https://api.test/things"})
        return httpx.Response(200, json={})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = MultiAuth(credentials=credentials(), base_url="http://api.test", http_client=http)
    client.request(WITH_BEARER)
    assert seen[1].headers["authorization"] == BEARER
    assert seen[1].headers["x-custom-token"] == HEADER_KEY


# -- chains of redirects: once off the origin, credentials never come back ---------------------


def test_second_hop_inside_another_origin_gets_no_credential(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2, k3 = key(), key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/redirect/{k2}")
    other_server.redirect(k2, 307, f"/ok/{k3}")  # B to B: same origin as the hop, not as A
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    assert_no_credentials(only(other_server.requests(k2)))
    assert_no_credentials(only(other_server.requests(k3)))


def test_auth_of_an_injected_http_client_stays_off_a_second_hop(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2, k3 = key(), key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/redirect/{k2}")
    other_server.redirect(k2, 307, f"/ok/{k3}")
    http = httpx.Client(auth=("proxyuser", BASIC[1]))
    with http, MultiAuth(base_url=fault_server.base_url("redirect", k), http_client=http) as c:
        c.request(Operation(method="GET", path="/x", operation_id="x"))
    assert_no_credentials(only(other_server.requests(k3)))


def test_async_second_hop_inside_another_origin_gets_no_credential(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2, k3 = key(), key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/redirect/{k2}")
    other_server.redirect(k2, 307, f"/ok/{k3}")

    async def run() -> None:
        base_url = fault_server.base_url("redirect", k)
        async with AsyncMultiAuth(credentials=credentials(), base_url=base_url) as client:
            await client.request(WITH_BEARER)

    asyncio.run(run())
    assert_no_credentials(only(other_server.requests(k3)))


def test_coming_back_to_the_origin_after_another_does_not_restore_credentials(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2, k3 = key(), key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/redirect/{k2}")
    other_server.redirect(k2, 307, f"{fault_server.url}/redirect/{k3}")
    fault_server.redirect(k3, 307, f"/ok/{k3}")
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    back = fault_server.requests(k3)
    assert len(back) == 2
    for seen in back:
        assert_no_credentials(seen)


def test_userinfo_a_server_writes_into_a_location_is_not_sent(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    k, k2 = key(), key()
    same = fault_server.url.replace("http://", "http://planted:pw@")
    fault_server.redirect(k, 307, f"{same}/ok/{k2}")
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    # Same origin: the caller's credentials, not a Basic header made of the server's userinfo.
    assert_all_credentials(only(fault_server.requests(k2)), BEARER)

    k, k2 = key(), key()
    other = other_server.url.replace("http://", "http://planted:pw@")
    fault_server.redirect(k, 307, f"{other}/ok/{k2}")
    with client_for(fault_server, k) as client:
        client.request(WITH_BEARER)
    assert_no_credentials(only(other_server.requests(k2)))


def test_headers_named_like_credentials_that_the_caller_added_stay_on_the_origin(
    fault_server: FaultServer, other_server: FaultServer
) -> None:
    # Not a security scheme of the spec: a key the caller sends by hand.
    hand_made = {"X-Vendor-Token": "vt-secret", "Session-Id": "sid-secret", "X-Plain": "kept"}
    k, k2 = key(), key()
    fault_server.redirect(k, 307, f"{other_server.url}/ok/{k2}")
    client = client_for(fault_server, k, default_headers=hand_made)
    with client:
        client.request(WITH_BEARER, extra_headers={"X-Request-Signature": "sig-secret"})
    sent = only(fault_server.requests(k)).headers
    assert sent["x-vendor-token"] == "vt-secret" and sent["x-request-signature"] == "sig-secret"
    landed = only(other_server.requests(k2))
    assert_no_credentials(landed)
    assert "secret" not in repr(landed.headers)
    assert landed.headers["x-plain"] == "kept"

    k, k2 = key(), key()
    fault_server.redirect(k, 307, f"/ok/{k2}")  # same origin: every header kept
    with client_for(fault_server, k, default_headers=hand_made) as client:
        client.request(WITH_BEARER)
    assert only(fault_server.requests(k2)).headers["session-id"] == "sid-secret"
