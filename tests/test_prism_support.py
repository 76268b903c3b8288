"""Tests for tests/support/prism.py: Prism starts, validates requests, mocks, and stops."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jsonschema  # type: ignore[import-untyped, unused-ignore]
import pytest

from tests.support.prism import (
    PrismError,
    PrismServer,
    prism_binary,
    problem_violations,
    violations,
)

pytestmark = pytest.mark.skipif(
    prism_binary() is None,
    reason="Prism not installed: run `make test` / npm ci",
)

ITEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "name", "tags"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "minLength": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
}
CLOSED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}
PROBLEM_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"error": {"type": "string"}}}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "prism support test", "version": "1.0.0"},
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "parameters": [
                    {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": ITEM_SCHEMA}},
                    }
                },
            },
            "post": {
                "operationId": "createItem",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {"name": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {
                            "application/json": {
                                "schema": ITEM_SCHEMA,
                                "example": {"id": 7, "name": "seven", "tags": ["x"]},
                            }
                        },
                    }
                },
            },
        },
        "/closed": {
            "get": {
                "operationId": "getClosed",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": CLOSED_SCHEMA}},
                    }
                },
            }
        },
        # Declares its own 400: Prism mocks it and adds the sl-violations header.
        "/strict": {
            "get": {
                "operationId": "getStrict",
                "parameters": [
                    {
                        "name": "n",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {"application/json": {"schema": CLOSED_SCHEMA}},
                    },
                    "400": {
                        "description": "Bad request",
                        "content": {
                            "application/json": {
                                "schema": PROBLEM_SCHEMA,
                                "example": {"error": "bad"},
                            }
                        },
                    },
                },
            }
        },
        # The example contradicts the schema: a response violation.
        "/bad-example": {
            "get": {
                "operationId": "getBadExample",
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": CLOSED_SCHEMA,
                                "example": {"id": "not-an-int", "name": "x"},
                            }
                        },
                    }
                },
            }
        },
        # Several status codes and media types.
        "/stream": {
            "get": {
                "operationId": "getStream",
                "responses": {
                    "202": {
                        "description": "Accepted",
                        "content": {"application/json": {"schema": PROBLEM_SCHEMA}},
                    },
                    "200": {
                        "description": "OK",
                        "content": {
                            "text/event-stream": {
                                "schema": {"type": "string"},
                                "example": "data: hello\n\n",
                            },
                            "application/json": {
                                "schema": CLOSED_SCHEMA,
                                "example": {"id": 1, "name": "json"},
                            },
                        },
                    },
                    "404": {
                        "description": "Not found",
                        "content": {
                            "application/json": {
                                "schema": PROBLEM_SCHEMA,
                                "example": {"error": "missing"},
                            }
                        },
                    },
                },
            }
        },
    },
}


def write_spec(directory: Path, spec: dict[str, Any] = SPEC) -> Path:
    path = directory / "openapi.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return path


def assert_valid(instance: object, schema: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(schema).validate(instance)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def spec_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_spec(tmp_path_factory.mktemp("prism-spec"))


@pytest.fixture(scope="module")
def static(spec_path: Path) -> Iterator[httpx.Client]:
    with PrismServer(spec_path) as prism, httpx.Client(base_url=prism.base_url) as client:
        yield client


@pytest.fixture(scope="module")
def dynamic(spec_path: Path) -> Iterator[httpx.Client]:
    with (
        PrismServer(spec_path, dynamic=True) as prism,
        httpx.Client(base_url=prism.base_url) as client,
    ):
        yield client


# -- requests that follow the spec ------------------------------------------------------


def test_valid_get_returns_200_and_a_schema_valid_body(static: httpx.Client) -> None:
    response = static.get("/items", params={"q": "x"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert violations(response.headers) == []
    body = response.json()
    assert_valid(body, ITEM_SCHEMA)
    # Static mode without an example: a value built from the schema, the same every time.
    assert body == static.get("/items", params={"q": "y"}).json()


def test_valid_post_returns_the_example(static: httpx.Client) -> None:
    response = static.post("/items", json={"name": "seven"})
    assert response.status_code == 201
    assert response.json() == {"id": 7, "name": "seven", "tags": ["x"]}
    assert violations(response.headers) == []


# -- requests that violate the spec -----------------------------------------------------


def test_missing_required_query_parameter_is_a_422_problem(static: httpx.Client) -> None:
    response = static.get("/items")
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY"
    assert problem_violations(body) == ["query: Request query must have required property 'q'"]
    # Prism generated this 422 itself, so there is no sl-violations header.
    assert violations(response.headers) == []


def test_body_missing_required_field_is_a_422_problem(static: httpx.Client) -> None:
    response = static.post("/items", json={"tags": []})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert problem_violations(response.json()) == [
        "body: Request body must have required property 'name'"
    ]
    assert violations(response.headers) == []


def test_wrong_type_with_a_declared_400_mocks_it_and_sets_the_header(
    static: httpx.Client,
) -> None:
    response = static.get("/strict", params={"n": "abc"})
    assert response.status_code == 400
    assert response.json() == {"error": "bad"}
    assert violations(response.headers) == [
        "request.query.n: Request query parameter n must be integer"
    ]
    assert static.get("/strict", params={"n": "3"}).status_code == 200


def test_response_violating_the_spec_is_reported_in_the_header(static: httpx.Client) -> None:
    response = static.get("/bad-example")
    assert response.status_code == 200
    assert violations(response.headers) == [
        "response.body.id: Response body property id must be integer"
    ]


# -- choosing status code and media type ------------------------------------------------


def test_lowest_2xx_and_first_media_type_for_accept_any(static: httpx.Client) -> None:
    response = static.get("/stream")  # httpx sends Accept: */*
    assert response.request.headers["accept"] == "*/*"
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text == "data: hello\n\n"


def test_accept_header_selects_the_media_type(static: httpx.Client) -> None:
    as_json = static.get("/stream", headers={"Accept": "application/json"})
    assert as_json.status_code == 200
    assert as_json.headers["content-type"] == "application/json"
    assert as_json.json() == {"id": 1, "name": "json"}
    unavailable = static.get("/stream", headers={"Accept": "text/html"})
    assert unavailable.status_code == 406


def test_prefer_header_forces_a_status_code(static: httpx.Client) -> None:
    not_found = static.get("/stream", headers={"Prefer": "code=404"})
    assert not_found.status_code == 404
    assert not_found.json() == {"error": "missing"}
    accepted = static.get("/stream", headers={"Prefer": "code=202"})
    assert accepted.status_code == 202
    undeclared = static.get("/stream", headers={"Prefer": "code=500"})
    assert undeclared.status_code == 404
    assert "500 is not defined" in undeclared.json()["detail"]


def test_prefer_dynamic_on_a_static_server(static: httpx.Client) -> None:
    bodies = [
        static.get("/closed", headers={"Prefer": f"dynamic=true, seed=s{i}"}).json()
        for i in range(3)
    ]
    for body in bodies:
        assert_valid(body, CLOSED_SCHEMA)
    assert len({json.dumps(body, sort_keys=True) for body in bodies}) == 3


# -- dynamic mode -----------------------------------------------------------------------


def test_dynamic_bodies_are_schema_valid(dynamic: httpx.Client) -> None:
    extra_keys: set[str] = set()
    for i in range(10):
        headers = {"Prefer": f"seed=seed-{i}"}
        item = dynamic.get("/items", params={"q": "x"}, headers=headers)
        assert item.status_code == 200
        assert violations(item.headers) == []
        assert_valid(item.json(), ITEM_SCHEMA)
        extra_keys |= item.json().keys() - ITEM_SCHEMA["properties"].keys()

        closed = dynamic.get("/closed", headers=headers)
        assert closed.status_code == 200
        assert_valid(closed.json(), CLOSED_SCHEMA)
        assert closed.json().keys() == {"id", "name"}
    # json-schema-faker's fillProperties: open objects get random extra properties.
    assert extra_keys


def test_dynamic_seed_is_deterministic(dynamic: httpx.Client) -> None:
    def fetch() -> Any:
        headers = {"Prefer": "seed=fixed"}
        return dynamic.get("/items", params={"q": "x"}, headers=headers).json()

    assert fetch() == fetch()


# -- lifecycle --------------------------------------------------------------------------


def test_errors_flag_and_process_group_cleanup(spec_path: Path) -> None:
    with PrismServer(spec_path, errors=True) as prism:
        pgid = prism.pid
        port = prism.port
        assert prism.base_url == f"http://127.0.0.1:{port}"
        assert os.getpgid(pgid) == pgid
        assert "Prism is listening on" in prism.output()
        response = httpx.get(f"{prism.base_url}/bad-example")
        # --errors turns a response violation into a 500 problem.
        assert response.status_code == 500
        assert response.json()["type"] == "https://stoplight.io/prism/errors#VIOLATIONS"
        assert problem_violations(response.json()) == [
            "response.body.id: Response body property id must be integer"
        ]
        assert violations(response.headers) == problem_violations(response.json())
        # Invalid requests are still a 422, as without --errors.
        assert httpx.get(f"{prism.base_url}/items").status_code == 422
    assert not group_alive(pgid)
    assert not port_open(port)
    assert prism.output() == ""  # the log file is gone too
    with pytest.raises(PrismError, match="not running"):
        _ = prism.base_url


def test_start_failure_reports_prism_output(tmp_path: Path) -> None:
    spec = write_spec(tmp_path, {**SPEC, "paths": {}})
    server = PrismServer(spec)
    with pytest.raises(PrismError) as info:
        server.start()
    message = str(info.value)
    assert "exited with code 1 before listening" in message
    assert "No operations found in the current file." in message


def test_start_timeout_kills_the_server(spec_path: Path) -> None:
    server = PrismServer(spec_path, start_timeout=0.01)
    with pytest.raises(PrismError, match=r"did not start listening within 0.01 s"):
        server.start()
    with pytest.raises(PrismError, match="not running"):
        _ = server.pid


def test_busy_port_is_reported(spec_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PrismError, match="EADDRINUSE"):
            PrismServer(spec_path, port=port).start()


def test_violations_helper_parses_the_header() -> None:
    header = json.dumps(
        [
            {"location": ["request", "query", "q"], "severity": "Error", "message": "bad q"},
            {"location": ["response", "headers"], "severity": "Warning", "message": "hm"},
        ]
    )
    assert violations({"SL-Violations": header}) == [
        "request.query.q: bad q",
        "response.headers: hm [Warning]",
    ]
    assert violations(httpx.Headers({"sl-violations": header}))[0] == "request.query.q: bad q"
    assert violations({"content-type": "application/json"}) == []
    assert violations({"sl-violations": "Too many violations! [..."}) == [
        "Too many violations! [..."
    ]
