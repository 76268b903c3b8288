"""An API description whose list operations copy the paging of real APIs, one per convention.

Each operation keeps the real API's path, parameter and field names (Stripe, Slack, Kubernetes,
Google, Spotify, Azure, GitHub, Jira, Twilio, Asana), trimmed to what paging reads; only the
Azure one says how it pages (`x-ms-pageable`), the rest are recognised by inference.
"""

from __future__ import annotations

from typing import Any


def _obj(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _query(name: str, kind: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": kind}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _list(
    operation_id: str, parameters: list[dict[str, Any]], body: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": "A page.",
        "content": {"application/json": {"schema": body}},
    }
    if "headers" in extra:
        response["headers"] = extra.pop("headers")
    return {
        "get": {
            "operationId": operation_id,
            "tags": ["lists"],
            "parameters": parameters,
            "responses": {"200": response},
            **extra,
        }
    }


ITEM = {"$ref": "#/components/schemas/Item"}
ITEMS = {"type": "array", "items": ITEM}

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Paging", "version": "1.0.0"},
    "servers": [{"url": "https://api.example.test"}],
    "paths": {
        # Stripe: has_more with starting_after = the last item's id.
        "/v1/customers": _list(
            "ListCustomers",
            [_query("limit", "integer"), _query("starting_after")],
            _obj(
                {"object": {"type": "string"}, "data": ITEMS, "has_more": {"type": "boolean"}},
                ["data", "has_more"],
            ),
        ),
        # Slack: cursor with response_metadata.next_cursor.
        "/conversations.list": _list(
            "conversations_list",
            [_query("cursor"), _query("limit", "integer")],
            _obj(
                {
                    "ok": {"type": "boolean"},
                    "channels": ITEMS,
                    "response_metadata": _obj({"next_cursor": {"type": "string"}}),
                }
            ),
        ),
        # Kubernetes: continue with metadata.continue.
        "/api/v1/namespaces/{namespace}/pods": _list(
            "listCoreV1NamespacedPod",
            [_path("namespace"), _query("continue"), _query("limit", "integer")],
            _obj(
                {
                    "kind": {"type": "string"},
                    "items": ITEMS,
                    "metadata": _obj({"continue": {"type": "string"}}),
                },
                ["items"],
            ),
        ),
        # Google: pageToken with nextPageToken.
        "/v1/projects/{project}/topics": _list(
            "ListTopics",
            [_path("project"), _query("pageSize", "integer"), _query("pageToken")],
            _obj({"topics": ITEMS, "nextPageToken": {"type": "string"}}),
        ),
        # Spotify: the link in `next` (absolute), with offset/limit beside it.
        "/v1/me/albums": _list(
            "get-users-saved-albums",
            [_query("limit", "integer"), _query("offset", "integer")],
            _obj(
                {
                    "href": {"type": "string"},
                    "items": ITEMS,
                    "next": {"type": "string", "nullable": True},
                    "total": {"type": "integer"},
                }
            ),
        ),
        # Twilio: a host-relative link in `next_page_uri`.
        "/2010-04-01/Accounts/{AccountSid}/Calls.json": _list(
            "ListCall",
            [_path("AccountSid"), _query("PageSize", "integer"), _query("Page", "integer")],
            _obj({"calls": ITEMS, "next_page_uri": {"type": "string", "nullable": True}}),
        ),
        # Azure: x-ms-pageable with nextLink.
        "/subscriptions/{subscriptionId}/resourcegroups": _list(
            "ResourceGroups_List",
            [_path("subscriptionId")],
            _obj({"value": ITEMS, "nextLink": {"type": "string"}}),
            **{"x-ms-pageable": {"nextLinkName": "nextLink"}},
        ),
        # GitHub: a JSON array with the Link header, page/per_page.
        "/repos/{owner}/{repo}/issues": _list(
            "issues/list-for-repo",
            [
                _path("owner"),
                _path("repo"),
                _query("per_page", "integer"),
                _query("page", "integer"),
            ],
            ITEMS,
            headers={"Link": {"schema": {"type": "string"}}},
        ),
        # Jira: startAt/maxResults numbers, the last page is short.
        "/rest/api/3/project/search": _list(
            "searchProjects",
            [_query("startAt", "integer"), _query("maxResults", "integer")],
            _obj(
                {
                    "values": ITEMS,
                    "startAt": {"type": "integer"},
                    "total": {"type": "integer"},
                    "isLast": {"type": "boolean"},
                }
            ),
        ),
        # GitHub search: page numbers without a Link header, the last page is short.
        "/search/code": _list(
            "search/code",
            [_query("q"), _query("per_page", "integer"), _query("page", "integer")],
            _obj({"total_count": {"type": "integer"}, "items": ITEMS}),
        ),
        # Asana: a text offset token in next_page.offset.
        "/projects": _list(
            "getProjects",
            [_query("limit", "integer"), _query("offset")],
            _obj(
                {
                    "data": ITEMS,
                    "next_page": _obj(
                        {"offset": {"type": "string"}, "uri": {"type": "string"}},
                    ),
                }
            ),
        ),
        # Notion: a POST whose body carries start_cursor, described with x-oagen-pagination.
        "/v1/databases/{database_id}/query": {
            "post": {
                "operationId": "query-a-database",
                "tags": ["lists"],
                "parameters": [_path("database_id")],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": _obj(
                                {
                                    "start_cursor": {"type": "string"},
                                    "page_size": {"type": "integer"},
                                }
                            )
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "A page.",
                        "content": {
                            "application/json": {
                                "schema": _obj(
                                    {
                                        "object": {"type": "string"},
                                        "results": ITEMS,
                                        "next_cursor": {"type": "string", "nullable": True},
                                        "has_more": {"type": "boolean"},
                                    }
                                )
                            }
                        },
                    }
                },
                "x-oagen-pagination": {
                    "strategy": "cursor",
                    "items": "results",
                    "parameter": "start_cursor",
                    "next": "next_cursor",
                    "has_more": "has_more",
                    "limit": "page_size",
                },
            }
        },
        # Not lists that page: no cursor parameter beside the link, no has_more beside `after`,
        # a size without a position, a `next` that is not text.
        "/v1/events": _list(
            "ListEvents",
            [_query("after"), _query("limit", "integer")],
            _obj({"data": ITEMS}),
        ),
        "/guilds/{guild_id}/members": _list(
            "list_guild_members",
            [_path("guild_id"), _query("limit", "integer"), _query("after")],
            ITEMS,
        ),
        "/v1/things": _list(
            "ListThings",
            [_query("limit", "integer")],
            _obj({"data": ITEMS, "next": _obj({"href": {"type": "string"}})}),
        ),
        "/v1/pages": _list(
            "ListPagesWithoutSize",
            [_query("page", "integer")],
            _obj({"items": ITEMS}),
        ),
        "/v1/two-lists": _list(
            "TwoLists",
            [_query("offset", "integer")],
            _obj({"left": ITEMS, "right": ITEMS}),
        ),
    },
    "components": {
        "schemas": {
            "Item": _obj({"id": {"type": "string"}, "name": {"type": "string"}}, ["id"]),
        }
    },
}

# operationId -> (strategy, source): what the generator must decide.
EXPECTED = {
    "ListCustomers": ("cursor", "inferred"),
    "conversations_list": ("cursor", "inferred"),
    "listCoreV1NamespacedPod": ("cursor", "inferred"),
    "ListTopics": ("cursor", "inferred"),
    "get-users-saved-albums": ("next_url", "inferred"),
    "ListCall": ("next_url", "inferred"),
    "ResourceGroups_List": ("next_url", "x-ms-pageable"),
    "issues/list-for-repo": ("link_header", "inferred"),
    "searchProjects": ("offset", "inferred"),
    "search/code": ("page", "inferred"),
    "getProjects": ("cursor", "inferred"),
    "query-a-database": ("cursor", "x-oagen-pagination"),
}
NOT_PAGED = ("ListEvents", "list_guild_members", "ListThings", "ListPagesWithoutSize", "TwoLists")
