"""Auto-pagination of list operations copied from real APIs, one convention each.

A generated client pages through three pages served by `httpx.MockTransport`; each test counts
the requests to check paging is lazy (one request per page, only when iteration reaches it) and
that each next request carries the cursor, offset, page number or link the convention says.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.config import Config
from generator.pipeline import Run, analyse

from .conventions import EXPECTED, NOT_PAGED, SPEC

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "paging_conventions_client"
BASE = "https://api.example.test"
PAGES = [["1", "2"], ["3", "4"], ["5"]]  # item ids per page


def _items(index: int) -> list[dict[str, str]]:
    return [{"id": ident, "name": f"item {ident}"} for ident in PAGES[index]]


@dataclass
class Case:
    operation_id: str
    arguments: dict[str, Any]
    # The page a request asks for (None: a request this convention never makes).
    page_of: Callable[[httpx.Request], int | None]
    # The response for page `index`: body and headers.
    answer: Callable[[int], tuple[Any, dict[str, str]]]
    requests: list[httpx.Request] = field(default_factory=list)

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = self.page_of(request)
        if index is None or not 0 <= index < len(PAGES):
            return httpx.Response(400, json={"error": f"unexpected request {request.url}"})
        body, headers = self.answer(index)
        return httpx.Response(200, json=body, headers=headers)


def _param(name: str, values: dict[str | None, int]) -> Callable[[httpx.Request], int | None]:
    return lambda request: values.get(request.url.params.get(name))


def _last(index: int) -> bool:
    return index == len(PAGES) - 1


def _cases() -> list[Case]:
    return [
        Case(
            "ListCustomers",
            {"limit": 2},
            _param("starting_after", {None: 0, "2": 1, "4": 2}),
            lambda i: ({"object": "list", "data": _items(i), "has_more": not _last(i)}, {}),
        ),
        Case(
            "conversations_list",
            {"limit": 2},
            _param("cursor", {None: 0, "dXNlcjoz": 1, "dXNlcjo1": 2}),
            lambda i: (
                {
                    "ok": True,
                    "channels": _items(i),
                    "response_metadata": {"next_cursor": ["dXNlcjoz", "dXNlcjo1", ""][i]},
                },
                {},
            ),
        ),
        Case(
            "listCoreV1NamespacedPod",
            {"namespace": "default", "limit": 2},
            _param("continue", {None: 0, "eyJ2IjoxfQ": 1, "eyJ2IjoyfQ": 2}),
            lambda i: (
                {
                    "kind": "PodList",
                    "items": _items(i),
                    "metadata": {"continue": ["eyJ2IjoxfQ", "eyJ2IjoyfQ", ""][i]},
                },
                {},
            ),
        ),
        Case(
            "ListTopics",
            {"project": "p", "page_size": 2},
            _param("pageToken", {None: 0, "t2": 1, "t3": 2}),
            lambda i: (
                {"topics": _items(i), **({} if _last(i) else {"nextPageToken": f"t{i + 2}"})},
                {},
            ),
        ),
        Case(
            "get-users-saved-albums",
            {"limit": 2},
            _param("offset", {None: 0, "2": 1, "4": 2}),
            lambda i: (
                {
                    "href": f"{BASE}/v1/me/albums?offset={2 * i}&limit=2",
                    "items": _items(i),
                    "next": None if _last(i) else f"{BASE}/v1/me/albums?offset={2 * i + 2}&limit=2",
                    "total": 5,
                },
                {},
            ),
        ),
        Case(
            "ListCall",
            {"account_sid": "AC1", "page_size": 2},
            _param("PageToken", {None: 0, "PA2": 1, "PA4": 2}),
            lambda i: (
                {
                    "calls": _items(i),
                    "next_page_uri": None
                    if _last(i)
                    else f"/2010-04-01/Accounts/AC1/Calls.json?Page={i + 1}&PageSize=2"
                    f"&PageToken=PA{2 * i + 2}",
                },
                {},
            ),
        ),
        Case(
            "ResourceGroups_List",
            {"subscription_id": "s1"},
            _param("$skiptoken", {None: 0, "a": 1, "b": 2}),
            lambda i: (
                {
                    "value": _items(i),
                    **(
                        {}
                        if _last(i)
                        else {
                            "nextLink": f"{BASE}/subscriptions/s1/resourcegroups"
                            f"?api-version=2021-04-01&%24skiptoken={'ab'[i]}"
                        }
                    ),
                },
                {},
            ),
        ),
        Case(
            "issues/list-for-repo",
            {"owner": "o", "repo": "r", "per_page": 2},
            _param("page", {None: 0, "2": 1, "3": 2}),
            lambda i: (
                _items(i),
                {}
                if _last(i)
                else {
                    "Link": f'<{BASE}/repositories/1/issues?per_page=2&page={i + 2}>; rel="next", '
                    f'<{BASE}/repositories/1/issues?per_page=2&page=3>; rel="last"'
                },
            ),
        ),
        Case(
            "searchProjects",
            {"max_results": 2},
            _param("startAt", {None: 0, "2": 1, "4": 2}),
            lambda i: ({"values": _items(i), "startAt": 2 * i, "total": 5}, {}),
        ),
        Case(
            "search/code",
            {"q": "paging", "per_page": 2},
            _param("page", {None: 0, "2": 1, "3": 2}),
            lambda i: ({"total_count": 5, "items": _items(i)}, {}),
        ),
        Case(
            "getProjects",
            {"limit": 2},
            _param("offset", {None: 0, "eyJ0IjoxfQ": 1, "eyJ0IjoyfQ": 2}),
            lambda i: (
                {
                    "data": _items(i),
                    "next_page": None
                    if _last(i)
                    else {"offset": ["eyJ0IjoxfQ", "eyJ0IjoyfQ"][i], "uri": "unused"},
                },
                {},
            ),
        ),
        Case(
            "query-a-database",
            {"database_id": "d", "page_size": 2},
            lambda request: {None: 0, "c2": 1, "c3": 2}.get(
                json.loads(request.content).get("start_cursor")
            ),
            lambda i: (
                {
                    "object": "list",
                    "results": _items(i),
                    "next_cursor": None if _last(i) else f"c{i + 2}",
                    "has_more": not _last(i),
                },
                {},
            ),
        ),
    ]


CASE_IDS = [case.operation_id for case in _cases()]


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("paging_spec") / "paging.json"
    path.write_text(json.dumps(SPEC), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def call_paths(spec_path: Path) -> dict[str, tuple[str, str]]:
    """operationId -> (resource attribute, method name), from the IR, whatever the naming."""
    api = analyse(Run(Config()), spec_path, validate=False)
    assert api is not None
    return {
        op.operation_id: (resource.path, op.method_name)
        for resource in api.resources
        for op in resource.operations
    }


@pytest.fixture(scope="module")
def package(spec_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    root = tmp_path_factory.mktemp("paging_client")
    config = root / "empty.toml"
    config.write_text("", encoding="utf-8")
    out = root / "out"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "generator", "generate", str(spec_path), "-o", str(out)),
            *("--package", PACKAGE, "-q", "--config", str(config)),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"generation failed:\n{result.stdout}\n{result.stderr}"
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_each_convention_is_recognised_and_nothing_else(spec_path: Path) -> None:
    api = analyse(Run(Config()), spec_path, validate=False)
    assert api is not None
    decided = {
        op.operation_id: (op.pagination.strategy, op.pagination.source) if op.pagination else None
        for resource in api.resources
        for op in resource.operations
    }
    assert {k: v for k, v in decided.items() if v is not None} == EXPECTED
    assert all(decided[name] is None for name in NOT_PAGED)


def _method(client: Any, call_paths: dict[str, tuple[str, str]], operation_id: str) -> Any:
    resource, method = call_paths[operation_id]
    return getattr(_reach(client, resource), method)


@pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
def test_sync_pages_lazily(
    package: ModuleType, call_paths: dict[str, tuple[str, str]], index: int
) -> None:
    case = _cases()[index]
    http = httpx.Client(transport=httpx.MockTransport(case.handler))
    client = package.Paging(base_url=BASE, http_client=http, max_retries=0)
    page = _method(client, call_paths, case.operation_id)(**case.arguments)
    assert len(case.requests) == 1  # the first page only
    assert type(page).__name__ == "SyncPage"
    assert [item.id for item in page.items] == PAGES[0]
    assert page.has_next_page()
    assert page.response.status_code == 200
    items = iter(page)
    assert [next(items).id for _ in range(2)] == PAGES[0]
    assert len(case.requests) == 1  # nothing fetched before iteration needs it
    assert next(items).id == "3"
    assert len(case.requests) == 2
    assert [item.id for item in items] == ["4", "5"]
    assert len(case.requests) == 3  # no request after the last page
    pages = list(page.iter_pages())
    assert [[item.id for item in p.items] for p in pages] == PAGES
    assert not pages[-1].has_next_page()
    with pytest.raises(RuntimeError, match="last page"):
        pages[-1].get_next_page()
    # Each next request is the first one with only the position changed.
    assert {request.method for request in case.requests} == {
        "POST" if case.operation_id == "query-a-database" else "GET"
    }


@pytest.mark.parametrize("index", range(len(CASE_IDS)), ids=CASE_IDS)
def test_async_pages_lazily(
    package: ModuleType, call_paths: dict[str, tuple[str, str]], index: int
) -> None:
    case = _cases()[index]

    async def run() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(case.handler))
        client = package.AsyncPaging(base_url=BASE, http_client=http, max_retries=0)
        method = _method(client, call_paths, case.operation_id)
        paginator = method(**case.arguments)
        assert case.requests == []  # nothing until awaited or iterated
        seen = []
        async for item in paginator:
            seen.append(item.id)
            if item.id == "2":
                assert len(case.requests) == 1
        assert seen == ["1", "2", "3", "4", "5"]
        assert len(case.requests) == 3
        first = await method(**case.arguments)
        assert type(first).__name__ == "AsyncPage"
        assert [item.id for item in first.items] == PAGES[0]
        second = await first.get_next_page()
        assert [item.id for item in second.items] == PAGES[1]
        pages = [page async for page in first.iter_pages()]
        assert len(pages) == 3 and not pages[-1].has_next_page()
        await http.aclose()

    asyncio.run(run())


def _stripe_like() -> Case:
    return next(case for case in _cases() if case.operation_id == "ListCustomers")


def test_raw_response_of_a_list_is_the_first_page(
    package: ModuleType, call_paths: dict[str, tuple[str, str]]
) -> None:
    case = _stripe_like()
    http = httpx.Client(transport=httpx.MockTransport(case.handler))
    client = package.Paging(base_url=BASE, http_client=http, max_retries=0)
    resource, method = call_paths[case.operation_id]
    raw = getattr(_reach(client.with_raw_response, resource), method)(limit=2)
    assert raw.status_code == 200 and len(case.requests) == 1
    page = raw.parse()
    assert type(page).__name__ == "SyncPage"
    assert [item.id for item in page] == ["1", "2", "3", "4", "5"]
    assert len(case.requests) == 3

    async def run() -> None:
        async_case = _stripe_like()
        ahttp = httpx.AsyncClient(transport=httpx.MockTransport(async_case.handler))
        aclient = package.AsyncPaging(base_url=BASE, http_client=ahttp, max_retries=0)
        araw = await getattr(_reach(aclient.with_raw_response, resource), method)(limit=2)
        assert araw.status_code == 200
        apage = araw.parse()
        assert type(apage).__name__ == "AsyncPage"
        assert [item.id async for item in apage] == ["1", "2", "3", "4", "5"]
        assert len(async_case.requests) == 3
        await ahttp.aclose()

    asyncio.run(run())


def test_each_page_request_is_retried_and_timed_like_any_call(
    package: ModuleType, call_paths: dict[str, tuple[str, str]]
) -> None:
    case = _stripe_like()
    failures = {"2": 1}  # the second page fails once with a retryable status

    def flaky(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("starting_after")
        if failures.get(cursor):
            failures[cursor] -= 1
            case.requests.append(request)
            return httpx.Response(503, headers={"Retry-After": "0"}, json={})
        return case.handler(request)

    http = httpx.Client(transport=httpx.MockTransport(flaky))
    client = package.Paging(base_url=BASE, http_client=http, max_retries=1)
    method = _method(client, call_paths, case.operation_id)
    assert [item.id for item in method(limit=2, timeout=7.0)] == ["1", "2", "3", "4", "5"]
    assert len(case.requests) == 4  # three pages, one retried
    assert {r.extensions["timeout"]["read"] for r in case.requests} == {7.0}

    failures["2"] = 5
    case.requests.clear()
    page = method(limit=2, retry=0)
    with pytest.raises(package.APIStatusError):
        list(page)
    assert len(case.requests) == 2  # the first page, then the failing second without retry


def test_a_link_to_another_origin_is_not_followed(
    package: ModuleType, call_paths: dict[str, tuple[str, str]]
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        body = {"value": _items(0), "nextLink": "https://elsewhere.test/steal?page=2"}
        return httpx.Response(200, json=body)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = package.Paging(base_url=BASE, http_client=http, max_retries=0)
    page = _method(client, call_paths, "ResourceGroups_List")(subscription_id="s1")
    assert [item.id for item in page.items] == PAGES[0]  # the first page is still there
    with pytest.raises(package.APIError, match="another origin"):
        list(page)
    assert len(requests) == 1


def test_a_server_repeating_its_cursor_ends_the_paging(
    package: ModuleType, call_paths: dict[str, tuple[str, str]]
) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        body = {"topics": _items(0), "nextPageToken": "same"}
        return httpx.Response(200, json=body)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = package.Paging(base_url=BASE, http_client=http, max_retries=0)
    items = list(_method(client, call_paths, "ListTopics")(project="p"))
    assert len(items) == 4 and len(requests) == 2


def _reach(owner: Any, call_path: str) -> Any:
    """The resource at `call_path` ("chat.completions") from a client or its raw variant."""
    for attribute in call_path.split("."):
        owner = getattr(owner, attribute)
    return owner
