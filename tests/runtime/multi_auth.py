"""A stand-in client with one security scheme of every kind, for credential-safety tests."""

from __future__ import annotations

from typing import Any, ClassVar

from generator.runtime import (
    AsyncClient,
    ClientConfig,
    Operation,
    SecurityScheme,
    SyncClient,
)

HEADER_KEY = "hdr-secret-7f3a9c"
QUERY_KEY = "qry-secret-51b2e8"
COOKIE_KEY = "ck-secret-0d4e62"
BEARER_TOKEN = "bearer-secret-93ac1f"
BASIC = ("alice", "basic-pw-secret-2b7d")

CONFIG = ClientConfig(
    default_base_url="http://127.0.0.1:9",
    security_schemes={
        "header": SecurityScheme(
            type="apiKey", location="header", param_name="X-Custom-Token", name="header"
        ),
        "query": SecurityScheme(
            type="apiKey", location="query", param_name="api_key", name="query"
        ),
        "cookie": SecurityScheme(
            type="apiKey", location="cookie", param_name="session", name="cookie"
        ),
        "bearer": SecurityScheme(type="http", scheme="bearer", name="bearer"),
        "basic": SecurityScheme(type="http", scheme="basic", name="basic"),
    },
    logger_name="multi_auth",
)

# Every apiKey scheme plus bearer on one operation; basic on another (both use Authorization).
WITH_BEARER = Operation(
    method="GET",
    path="/things",
    operation_id="list_things",
    security=(("header", "query", "cookie", "bearer"),),
    response_type=None,
)
WITH_BASIC = Operation(
    method="POST",
    path="/things",
    operation_id="create_thing",
    security=(("header", "query", "cookie", "basic"),),
    request_content_type="application/json",
    response_type=None,
)
SECRETS = (HEADER_KEY, QUERY_KEY, COOKIE_KEY, BEARER_TOKEN, BASIC[1])


def credentials() -> dict[str, Any]:
    return {
        "header": HEADER_KEY,
        "query": QUERY_KEY,
        "cookie": COOKIE_KEY,
        "bearer": BEARER_TOKEN,
        "basic": BASIC,
    }


class MultiAuth(SyncClient):
    _config: ClassVar[ClientConfig] = CONFIG


class AsyncMultiAuth(AsyncClient):
    _config: ClassVar[ClientConfig] = CONFIG
