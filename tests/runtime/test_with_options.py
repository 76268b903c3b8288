"""with_options(hooks=, auth=, server=, server_variables=) against a local server: what the copy
sends, what the original keeps sending, and the constructor's errors for bad values."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
import pytest

from generator.runtime import (
    AsyncClient,
    ClientConfig,
    Hook,
    HookContext,
    Operation,
    SecurityScheme,
    SyncClient,
)
from tests.fault_server import FaultServer, Recorded

SECRET = "with-options-client-secret"
ANY = Operation(method="GET", path="/items", operation_id="list_items", response_type=object)


@dataclass(frozen=True)
class Api:
    """Client classes whose servers are paths of the local server.

    ``main`` is ``<url>/{behaviour}/{key}`` (behaviour "ok" or "token"), ``spare`` is
    ``<url>/ok/spare-{key}``. The "oauth" scheme's token URL is relative to the server, the
    "sso" scheme's is absolute (``<url>/token/sso/oauth/token``).
    """

    sync: type[SyncClient]
    async_: type[AsyncClient]
    server: FaultServer

    def targets(self, key: str) -> list[str]:
        return [r.target for r in self.server.requests(key)]


@pytest.fixture
def api(fault_server: FaultServer) -> Api:
    url = fault_server.url
    config = ClientConfig(
        default_base_url=f"{url}/ok/default",
        security_schemes={
            "oauth": SecurityScheme(
                type="oauth2",
                name="oauth",
                argument="client_credentials",
                token_url="oauth/token",
            ),
            "sso": SecurityScheme(
                type="oauth2",
                name="sso",
                argument="sso_credentials",
                token_url=f"{url}/token/sso/oauth/token",
            ),
        },
        servers=(("main", url + "/{behaviour}/{key}"), ("spare", url + "/ok/spare-{key}")),
        server_variables=(("behaviour", "ok", ("ok", "token")), ("key", "default", ())),
        logger_name="with_options_test",
    )

    class Sync(SyncClient):
        _config: ClassVar[ClientConfig] = config

    class Async(AsyncClient):
        _config: ClassVar[ClientConfig] = config

    return Api(Sync, Async, fault_server)


def secured(scheme: str) -> Operation:
    return Operation(
        method="GET", path="/items", operation_id="list_items", security=((scheme,),),
        response_type=dict[str, Any],
    )  # fmt: skip


def authorization(requests: list[Recorded]) -> list[str | None]:
    """The Authorization header of each API (GET) request, in order."""
    return [r.headers.get("authorization") for r in requests if r.method == "GET"]


def token_fetches(requests: list[Recorded]) -> int:
    return sum(r.method == "POST" and r.target.endswith("/oauth/token") for r in requests)


class Tag(Hook):
    """Adds its name to the x-hooks header and to a log."""

    def __init__(self, name: str, log: list[str]) -> None:
        self.name, self.log = name, log

    def before_request(self, request: httpx.Request, context: HookContext) -> None:
        self.log.append(self.name)
        seen = request.headers.get("x-hooks")
        request.headers["x-hooks"] = f"{seen},{self.name}" if seen else self.name


def test_a_copys_hooks_replace_the_given_ones_and_the_package_hooks_stay(api: Api) -> None:
    log: list[str] = []
    package, mine, theirs = Tag("package", log), Tag("mine", log), Tag("theirs", log)
    client = api.sync(server_variables={"key": "hooks"}, package_hooks=[package], hooks=[mine])
    copy = client.with_options(hooks=[theirs])
    copy.request(ANY)
    client.request(ANY)
    client.with_options(timeout=3).request(ANY)  # hooks not given: the original's
    client.with_options(hooks=[]).request(ANY)  # only the package's
    copy.with_options(max_retries=0).request(ANY)
    assert [r.headers["x-hooks"] for r in api.server.requests("hooks")] == [
        "package,theirs", "package,mine", "package,mine", "package", "package,theirs",
    ]  # fmt: skip
    assert log.count("theirs") == 2 and log.count("mine") == 2
    assert client._hooks.hooks == (package, mine)


def test_an_async_copys_hooks_run_and_the_originals_do_not(api: Api) -> None:
    log: list[str] = []

    class Later:
        async def before_request(self, request: httpx.Request, context: HookContext) -> None:
            await asyncio.sleep(0)
            log.append("later")

    async def main() -> None:
        async with api.async_(server_variables={"key": "ahooks"}, hooks=[Tag("a", log)]) as c:
            await c.with_options(hooks=[Later()]).request(ANY)
            await c.request(ANY)

    asyncio.run(main())
    assert log == ["later", "a"]
    assert [r.headers.get("x-hooks") for r in api.server.requests("ahooks")] == [None, "a"]


def test_a_copys_auth_is_sent_and_the_originals_is_not(api: Api) -> None:
    client = api.sync(server_variables={"key": "auth"}, auth=lambda: "original-token")
    copy = client.with_options(auth=lambda: "copy-token")
    copy.request(ANY)
    client.request(ANY)
    client.with_options(timeout=3).request(ANY)  # auth not given: the original's flow
    copy.with_options(auth=httpx.BasicAuth("user", "pw")).request(ANY)
    sent = authorization(api.server.requests("auth"))
    assert sent[:3] == ["Bearer copy-token", "Bearer original-token", "Bearer original-token"]
    assert sent[3] is not None and sent[3].startswith("Basic ")

    async def token() -> str:
        return "async-copy-token"

    async def main() -> None:
        async with api.async_(server_variables={"key": "aauth"}) as c:
            await c.with_options(auth=token).request(ANY)
            await c.request(ANY)

    asyncio.run(main())
    assert authorization(api.server.requests("aauth")) == ["Bearer async-copy-token", None]


def test_a_copy_sends_to_the_server_it_chooses(api: Api) -> None:
    url = api.server.url
    client = api.sync(server_variables={"key": "first"})
    assert client.base_url == f"{url}/ok/first"
    other = client.with_options(server_variables={"key": "second"})
    spare = client.with_options(server="spare")  # keeps the original's variables
    back = other.with_options(server_variables={"key": None})  # None: the default again
    pinned = client.with_options(base_url=f"{url}/ok/pinned", server="spare")
    for c in (other, spare, back, pinned, client):
        c.request(ANY)
    assert api.targets("second") == ["/ok/second/items"]
    assert api.targets("spare-first") == ["/ok/spare-first/items"]
    assert api.targets("default") == ["/ok/default/items"]
    assert api.targets("pinned") == ["/ok/pinned/items"]  # base_url wins, as in the constructor
    assert api.targets("first") == ["/ok/first/items"]  # the original stayed where it was

    async def main() -> None:
        async with api.async_() as c:
            await c.with_options(server="spare", server_variables={"key": "async"}).request(ANY)

    asyncio.run(main())
    assert api.targets("spare-async") == ["/ok/spare-async/items"]


@pytest.mark.parametrize(
    "options",
    [
        {"server": "staging"},
        {"server_variables": {"region": "eu"}},
        {"server_variables": {"behaviour": "mars"}},
        {"server_variables": {"key": "x@evil.test/"}},
        {"server_variables": {"key": ""}},
        {"hooks": [object()]},
        {"auth": 42},
    ],
    ids=["server", "unknown-variable", "enum", "not-plain", "empty", "hook", "auth"],
)
def test_bad_values_give_the_constructors_errors(api: Api, options: dict[str, Any]) -> None:
    with pytest.raises(Exception) as constructing:
        api.sync(**options)
    client = api.sync(hooks=[Tag("kept", [])])
    with pytest.raises(type(constructing.value)) as copying:
        client.with_options(**options)
    assert str(copying.value) == str(constructing.value)
    assert client.base_url.endswith("/ok/default") and len(client._hooks.hooks) == 1


def test_a_copy_on_another_server_fetches_its_own_token_there(api: Api) -> None:
    items = secured("oauth")
    main = {"behaviour": "token", "key": "tok-a"}
    client = api.sync(credentials={"oauth": ("app", SECRET)}, server_variables=main)
    assert client.request(items)  # token "tok-a-1" from <url>/token/tok-a/oauth/token
    moved = client.with_options(server_variables={"key": "tok-b"})
    moved.request(items)
    pinned = client.with_options(base_url=f"{api.server.url}/token/tok-c")
    pinned.request(items)
    client.with_options(timeout=3).request(items)  # same server: the same token
    client.request(items)
    assert authorization(api.server.requests("tok-a")) == ["Bearer tok-a-1"] * 3
    assert token_fetches(api.server.requests("tok-a")) == 1
    assert authorization(api.server.requests("tok-b")) == ["Bearer tok-b-1"]
    assert authorization(api.server.requests("tok-c")) == ["Bearer tok-c-1"]
    assert SECRET not in repr(moved) + repr(moved._credentials)


def test_copies_on_other_servers_share_one_token_from_an_absolute_endpoint(api: Api) -> None:
    items = secured("sso")
    client = api.sync(credentials={"sso": ("app", SECRET)}, server_variables={"key": "sso-1"})
    copy = client.with_options(server_variables={"key": "sso-2"}, hooks=[])
    results: list[object] = []

    def call(c: SyncClient) -> None:
        results.append(c.request(items))

    threads = [threading.Thread(target=call, args=(c,)) for c in (client, copy) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert token_fetches(api.server.requests("sso")) == 1  # one fetch, shared by both
    sent = authorization(api.server.requests("sso-1")) + authorization(api.server.requests("sso-2"))
    assert sent == ["Bearer sso-1"] * 8
