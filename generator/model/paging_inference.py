"""Paging inferred from shapes, when the description says nothing: a few common conventions, each
needing both a request parameter and a response field (or declared `Link` header) that name it."""

from __future__ import annotations

from typing import Any

from generator.model import ir
from generator.model.paging_shapes import (
    OperationShape,
    ResponseStructure,
    is_int,
    make_pagination,
)

INFERRED = "inferred"

# Conventions recognised without an extension (names compared case-sensitively).


_HAS_MORE_PARAMS = ("starting_after", "after")
# Cursor parameter -> the response fields that give its next value (top level or one object
# down, such as Slack's response_metadata.next_cursor or Kubernetes' metadata.continue).
_CURSOR_PAIRS: dict[str, tuple[str, ...]] = {
    "cursor": ("next_cursor", "nextCursor"),
    "start_cursor": ("next_cursor",),
    "page_token": ("next_page_token",),
    "pageToken": ("nextPageToken",),
    "continue": ("continue",),
    "marker": ("next_marker", "nextMarker"),
    "next_token": ("next_token",),
    "nextToken": ("nextToken",),
    "offset": ("next_page.offset",),  # Asana: a text token, only in its `next_page` object
}
_NEXT_URL_FIELDS = (
    "next",
    "nextLink",
    "@odata.nextLink",
    "odata.nextLink",
    "next_url",
    "nextUrl",
    "next_page_url",
    "nextPageUrl",
    "next_page_uri",
    "nextPageUri",
)
_NEXT_URL_HOLDERS = ("links", "_links", "meta", "paging", "pagination")
_OFFSET_PARAMS = ("offset", "startAt", "start_at")
_PAGE_PARAMS = ("page", "page_number", "pageNumber")
_LIMIT_PARAMS = (
    "limit",
    "per_page",
    "page_size",
    "pageSize",
    "maxResults",
    "max_results",
    "size",
    "count",
)


def infer(structure: ResponseStructure, shape: OperationShape) -> ir.Pagination | None:
    found = structure.guess_items(shape.response)
    if found is None:
        return None
    items, item = found
    query = {p.wire_name: p for p in shape.params if p.location_in == "query"}
    limit = next((name for name in _LIMIT_PARAMS if name in query), None)

    def make(strategy: str, reason: str, **values: Any) -> ir.Pagination:
        values.setdefault("limit_parameter", limit)
        return make_pagination(strategy, INFERRED, reason, item, items, **values)

    has_more = structure.field(shape.response, "has_more")
    after = next((name for name in _HAS_MORE_PARAMS if name in query), None)
    if after and has_more is not None and structure.is_bool(has_more.type):
        item_id = structure.field(item, "id")
        if item_id is not None:
            return make(
                "cursor",
                f"`has_more` with `{after}` = the last item's `id`",
                parameter=after,
                item_cursor=item_id.name,
                has_more=(has_more.name,),
            )
    for parameter, fields in _CURSOR_PAIRS.items():
        if parameter not in query or not structure.is_text(query[parameter].type):
            continue
        token = _nearby(structure, shape.response, fields)
        if token is not None:
            more = (has_more.name,) if has_more and structure.is_bool(has_more.type) else ()
            return make(
                "cursor",
                f"`{parameter}` with `{'.'.join(token[1])}`",
                parameter=parameter,
                next=token[0],
                has_more=more,
            )
    link = _next_link(structure, shape.response)
    if link is not None:
        return make("next_url", f"the link in `{'.'.join(link[1])}`", next=link[0])
    page = next((name for name in _PAGE_PARAMS if name in query), None)
    if "link" in shape.response_headers and page is not None:
        return make("link_header", f"the `Link` header with `{page}`")
    offset = next((name for name in _OFFSET_PARAMS if name in query), None)
    if offset is not None and is_int(query[offset].type):
        return make("offset", f"`{offset}` numbers", parameter=offset)
    if page is not None and limit is not None and is_int(query[page].type):
        first = query[page].default
        return make(
            "page",
            f"`{page}` numbers with `{limit}`",
            parameter=page,
            first=first if isinstance(first, int) and first in (0, 1) else 1,
        )
    return None


def _nearby(
    structure: ResponseStructure, response: ir.TypeExpr | None, names: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A text field named one of `names` at the top level or in a top-level object field:
    (attribute path, wire path)."""
    for dotted in (name for name in names if "." in name):
        wires = tuple(dotted.split("."))
        found = structure.path(response, wires)
        if found is not None and structure.is_text(found[1]):
            return found[0], wires
    model = structure.model(response)
    if model is None:
        return None
    for field in model.fields:
        if field.wire_name in names and structure.is_text(field.type):
            return (field.name,), (field.wire_name,)
    for holder in model.fields:
        inner = structure.model(holder.type)
        for field in inner.fields if inner is not None else ():
            if field.wire_name in names and structure.is_text(field.type):
                return (holder.name, field.name), (holder.wire_name, field.wire_name)
    return None


def _next_link(
    structure: ResponseStructure, response: ir.TypeExpr | None
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    model = structure.model(response)
    if model is None:
        return None
    for field in model.fields:
        if field.wire_name in _NEXT_URL_FIELDS and structure.is_text(field.type):
            return (field.name,), (field.wire_name,)
    for holder in model.fields:
        if holder.wire_name not in _NEXT_URL_HOLDERS:
            continue
        found = structure.path(holder.type, ("next",))
        if found is not None and structure.is_text(found[1]):
            return (holder.name, *found[0]), (holder.wire_name, "next")
    return None
