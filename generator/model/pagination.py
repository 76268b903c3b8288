"""Pagination: decide how a list operation pages, as data (`ir.Pagination`).

What the description says comes first: `x-oagen-pagination` (ours, see docs/pagination.md), then
`x-speakeasy-pagination`, `x-ms-pageable` and `x-fern-pagination`. Without any, a few common
conventions are recognised from the parameters and the response schema, conservatively: a list
that pages wrongly is worse than one that does not page, so every inference needs both a request
parameter and a response field (or declared `Link` header) that name the same convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import ir

OURS = "x-oagen-pagination"
SPEAKEASY = "x-speakeasy-pagination"
AZURE = "x-ms-pageable"
FERN = "x-fern-pagination"
INFERRED = "inferred"

STRATEGIES = ("cursor", "offset", "page", "next_url", "link_header")


@dataclass(frozen=True, slots=True)
class ParamShape:
    wire_name: str
    location_in: str  # query, header, path, cookie, body
    type: ir.TypeExpr
    default: object  # the schema's default, None if none


@dataclass(frozen=True, slots=True)
class OperationShape:
    """What detection reads of an operation (the builder's draft, without its printing)."""

    http_method: str
    params: tuple[ParamShape, ...]  # query parameters and exploded body properties
    response: ir.TypeExpr | None  # None unless the success body is JSON and not only a stream
    response_headers: frozenset[str]  # lower-case names the success response declares


# --- conventions recognised without an extension (names compared case-sensitively) ---------

_ITEM_FIELDS = ("data", "items", "results", "value", "values", "entries", "records", "elements")
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


class PaginationBuilder:
    def __init__(self, definitions: dict[str, ir.Definition], diagnostics: Diagnostics) -> None:
        self.definitions = definitions
        self.diagnostics = diagnostics

    def detect(
        self, operation: dict[str, Any], shape: OperationShape, where: Location
    ) -> ir.Pagination | None:
        for key, read in (
            (OURS, self._ours),
            (SPEAKEASY, self._speakeasy),
            (AZURE, self._azure),
            (FERN, self._fern),
        ):
            if key in operation:
                value = operation[key]
                if value is False or value is None:
                    return None  # the description says this list does not page
                return read(value, shape, where.child(key))
        if shape.http_method != "GET":
            return None
        return self._infer(shape)

    # --- the response's structure ------------------------------------------------------

    def _model(self, expr: ir.TypeExpr | None) -> ir.Model | None:
        for _ in range(8):  # through aliases and nullability
            if isinstance(expr, ir.Nullable):
                expr = expr.inner
            elif isinstance(expr, ir.Ref):
                found = self.definitions.get(expr.name)
                if isinstance(found, ir.Model):
                    return found
                expr = found.type if isinstance(found, ir.Alias) else None
            else:
                return None
        return None

    def _array_item(self, expr: ir.TypeExpr | None) -> ir.TypeExpr | None:
        for _ in range(8):
            if isinstance(expr, ir.Nullable):
                expr = expr.inner
            elif isinstance(expr, ir.Ref):
                found = self.definitions.get(expr.name)
                expr = found.type if isinstance(found, ir.Alias) else None
            elif isinstance(expr, ir.Array):
                return expr.item
            else:
                return None
        return None

    def _field(self, expr: ir.TypeExpr | None, wire: str) -> ir.Field | None:
        model = self._model(expr)
        if model is None:
            return None
        return next((f for f in model.fields if f.wire_name == wire), None)

    def _path(
        self, expr: ir.TypeExpr | None, wires: tuple[str, ...]
    ) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
        """The attribute path and type of a wire-name path into the response."""
        attributes: list[str] = []
        for wire in wires:
            found = self._field(expr, wire)
            if found is None:
                return None
            attributes.append(found.name)
            expr = found.type
        assert expr is not None
        return tuple(attributes), expr

    def _items(
        self, response: ir.TypeExpr | None, wires: tuple[str, ...]
    ) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
        if not wires:
            item = self._array_item(response)
            return ((), item) if item is not None else None
        found = self._path(response, wires)
        if found is None:
            return None
        item = self._array_item(found[1])
        return (found[0], item) if item is not None else None

    def _guess_items(
        self, response: ir.TypeExpr | None
    ) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
        """The body when it is a list, else its one list field, else a conventional one."""
        item = self._array_item(response)
        if item is not None:
            return (), item
        model = self._model(response)
        if model is None:
            return None
        lists = [f for f in model.fields if self._array_item(f.type) is not None]
        if len(lists) != 1:
            lists = [f for f in lists if f.wire_name in _ITEM_FIELDS]
        if len(lists) != 1:
            return None
        found = self._array_item(lists[0].type)
        assert found is not None
        return (lists[0].name,), found

    def _is_text(self, expr: ir.TypeExpr | None) -> bool:
        while isinstance(expr, ir.Nullable):
            expr = expr.inner
        if isinstance(expr, ir.Ref):
            found = self.definitions.get(expr.name)
            return isinstance(found, ir.Alias) and self._is_text(found.type)
        return expr == ir.Prim("str")

    def _is_bool(self, expr: ir.TypeExpr | None) -> bool:
        while isinstance(expr, ir.Nullable):
            expr = expr.inner
        return expr == ir.Prim("bool")

    # --- inference ---------------------------------------------------------------------

    def _infer(self, shape: OperationShape) -> ir.Pagination | None:
        found = self._guess_items(shape.response)
        if found is None:
            return None
        items, item = found
        query = {p.wire_name: p for p in shape.params if p.location_in == "query"}
        limit = next((name for name in _LIMIT_PARAMS if name in query), None)

        def make(strategy: str, reason: str, **values: Any) -> ir.Pagination:
            values.setdefault("limit_parameter", limit)
            return _pagination(strategy, INFERRED, reason, item, items, **values)

        has_more = self._field(shape.response, "has_more")
        after = next((name for name in _HAS_MORE_PARAMS if name in query), None)
        if after and has_more is not None and self._is_bool(has_more.type):
            item_id = self._field(item, "id")
            if item_id is not None:
                return make(
                    "cursor",
                    f"`has_more` with `{after}` = the last item's `id`",
                    parameter=after,
                    item_cursor=item_id.name,
                    has_more=(has_more.name,),
                )
        for parameter, fields in _CURSOR_PAIRS.items():
            if parameter not in query or not self._is_text(query[parameter].type):
                continue
            token = self._nearby(shape.response, fields)
            if token is not None:
                more = (has_more.name,) if has_more and self._is_bool(has_more.type) else ()
                return make(
                    "cursor",
                    f"`{parameter}` with `{'.'.join(token[1])}`",
                    parameter=parameter,
                    next=token[0],
                    has_more=more,
                )
        link = self._next_link(shape.response)
        if link is not None:
            return make("next_url", f"the link in `{'.'.join(link[1])}`", next=link[0])
        page = next((name for name in _PAGE_PARAMS if name in query), None)
        if "link" in shape.response_headers and page is not None:
            return make("link_header", f"the `Link` header with `{page}`")
        offset = next((name for name in _OFFSET_PARAMS if name in query), None)
        if offset is not None and _is_int(query[offset].type):
            return make("offset", f"`{offset}` numbers", parameter=offset)
        if page is not None and limit is not None and _is_int(query[page].type):
            first = query[page].default
            return make(
                "page",
                f"`{page}` numbers with `{limit}`",
                parameter=page,
                first=first if isinstance(first, int) and first in (0, 1) else 1,
            )
        return None

    def _nearby(
        self, response: ir.TypeExpr | None, names: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """A text field named one of `names` at the top level or in a top-level object field:
        (attribute path, wire path)."""
        for dotted in (name for name in names if "." in name):
            wires = tuple(dotted.split("."))
            found = self._path(response, wires)
            if found is not None and self._is_text(found[1]):
                return found[0], wires
        model = self._model(response)
        if model is None:
            return None
        for field in model.fields:
            if field.wire_name in names and self._is_text(field.type):
                return (field.name,), (field.wire_name,)
        for holder in model.fields:
            inner = self._model(holder.type)
            for field in inner.fields if inner is not None else ():
                if field.wire_name in names and self._is_text(field.type):
                    return (holder.name, field.name), (holder.wire_name, field.wire_name)
        return None

    def _next_link(
        self, response: ir.TypeExpr | None
    ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        model = self._model(response)
        if model is None:
            return None
        for field in model.fields:
            if field.wire_name in _NEXT_URL_FIELDS and self._is_text(field.type):
                return (field.name,), (field.wire_name,)
        for holder in model.fields:
            if holder.wire_name not in _NEXT_URL_HOLDERS:
                continue
            found = self._path(holder.type, ("next",))
            if found is not None and self._is_text(found[1]):
                return (holder.name, *found[0]), (holder.wire_name, "next")
        return None

    # --- extensions ----------------------------------------------------------------------

    def _bad(self, key: str, message: str, where: Location) -> None:
        self.diagnostics.warning("W430", f"{key}: {message}; the operation does not page", where)

    def _ours(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(OURS, "must be a mapping or false", where)
            return None
        strategy = value.get("strategy")
        if strategy not in STRATEGIES:
            self._bad(OURS, f"`strategy` must be one of {', '.join(STRATEGIES)}", where)
            return None
        spec = _Spec(
            strategy=str(strategy),
            items=_dotted(value.get("items")),
            parameter=_name(value.get("parameter")),
            limit=_name(value.get("limit")),
            next=_dotted(value.get("next")),
            item_cursor=_name(value.get("item_cursor")),
            has_more=_dotted(value.get("has_more")),
            first=first if isinstance(first := value.get("first"), int) else 1,
        )
        return self._from_spec(OURS, spec, shape, where)

    def _speakeasy(
        self, value: Any, shape: OperationShape, where: Location
    ) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(SPEAKEASY, "must be a mapping", where)
            return None
        kind = value.get("type")
        inputs = value.get("inputs")
        inputs = inputs if isinstance(inputs, list) else []
        outputs = value.get("outputs")
        outputs = outputs if isinstance(outputs, dict) else {}
        by_type: dict[str, str] = {}
        for entry in inputs:
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                by_type.setdefault(str(entry.get("type")), entry["name"])
        items = _json_path(outputs.get("results"))
        if kind == "offsetLimit":
            if "page" in by_type:
                spec = _Spec("page", items, by_type["page"], by_type.get("limit"))
            elif "offset" in by_type:
                spec = _Spec("offset", items, by_type["offset"], by_type.get("limit"))
            else:
                self._bad(SPEAKEASY, "offsetLimit needs an `offset` or `page` input", where)
                return None
        elif kind == "cursor":
            spec = _Spec(
                "cursor",
                items,
                by_type.get("cursor"),
                by_type.get("limit"),
                next=_json_path(outputs.get("nextCursor")),
            )
        elif kind == "url":
            spec = _Spec("next_url", items, next=_json_path(outputs.get("nextUrl")))
        else:
            self._bad(SPEAKEASY, f"unknown type {kind!r}", where)
            return None
        return self._from_spec(SPEAKEASY, spec, shape, where)

    def _azure(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(AZURE, "must be a mapping", where)
            return None
        next_name = value.get("nextLinkName")
        if next_name is None:
            return None  # AutoRest: one page holds every item
        item_name = value.get("itemName", "value")
        spec = _Spec("next_url", (str(item_name),), next=(str(next_name),))
        return self._from_spec(AZURE, spec, shape, where)

    def _fern(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(FERN, "must be a mapping", where)
            return None
        items = _fern_path(value.get("results"), "$response.")
        if "cursor" in value:
            cursor = _fern_path(value.get("cursor"), "$request.")
            spec = _Spec(
                "cursor",
                items,
                cursor[-1] if cursor else None,
                next=_fern_path(value.get("next_cursor"), "$response."),
            )
        elif "offset" in value:
            offset = _fern_path(value.get("offset"), "$request.")
            step = _fern_path(value.get("step"), "$request.")
            # Fern adds one to `offset` unless a `step` parameter says by how many items.
            spec = _Spec(
                "offset" if step else "page",
                items,
                offset[-1] if offset else None,
                step[-1] if step else None,
                has_more=_fern_path(value.get("has_next_page"), "$response."),
            )
        elif "next_uri" in value:
            spec = _Spec("next_url", items, next=_fern_path(value.get("next_uri"), "$response."))
        else:
            self._bad(FERN, "needs `cursor`, `offset` or `next_uri`", where)
            return None
        return self._from_spec(FERN, spec, shape, where)

    def _from_spec(
        self, source: str, spec: _Spec, shape: OperationShape, where: Location
    ) -> ir.Pagination | None:
        """Check the names an extension gives against the operation and its response."""
        found = self._items(shape.response, spec.items)
        if found is None:
            self._bad(source, f"no list at `{'.'.join(spec.items) or '(body)'}`", where)
            return None
        parameters = {p.wire_name: p for p in shape.params}
        needs_parameter = spec.strategy in ("cursor", "offset", "page")
        for name in (spec.parameter, spec.limit):
            if name is not None and name not in parameters:
                self._bad(source, f"the operation has no parameter {name!r}", where)
                return None
        if needs_parameter and spec.parameter is None:
            self._bad(source, f"a {spec.strategy} strategy needs its request parameter", where)
            return None
        paths: dict[str, tuple[str, ...]] = {}
        for label, wires in (("next", spec.next), ("has_more", spec.has_more)):
            if not wires:
                paths[label] = ()
                continue
            located = self._path(shape.response, wires)
            if located is None:
                self._bad(source, f"the response has no field `{'.'.join(wires)}`", where)
                return None
            paths[label] = located[0]
        item_cursor = None
        if spec.item_cursor is not None:
            field = self._field(found[1], spec.item_cursor)
            if field is None:
                self._bad(source, f"the items have no field {spec.item_cursor!r}", where)
                return None
            item_cursor = field.name
        if spec.strategy in ("cursor", "next_url") and not paths["next"] and not item_cursor:
            self._bad(source, "it does not say where the next cursor or link is", where)
            return None
        parameter_in = "query"
        if spec.parameter is not None:
            parameter_in = "body" if parameters[spec.parameter].location_in == "body" else "query"
            if parameters[spec.parameter].location_in not in ("query", "body"):
                self._bad(source, f"{spec.parameter!r} is neither a query nor a body field", where)
                return None
        return _pagination(
            spec.strategy,
            source,
            source,
            found[1],
            found[0],
            parameter=spec.parameter,
            parameter_in=parameter_in,
            limit_parameter=spec.limit,
            next=paths["next"],
            item_cursor=item_cursor,
            has_more=paths["has_more"],
            first=spec.first,
        )


@dataclass(frozen=True, slots=True)
class _Spec:
    """An extension's answer in wire names, before it is checked."""

    strategy: str
    items: tuple[str, ...]
    parameter: str | None = None
    limit: str | None = None
    next: tuple[str, ...] = ()
    item_cursor: str | None = None
    has_more: tuple[str, ...] = ()
    first: int = 1


def _pagination(
    strategy: str,
    source: str,
    reason: str,
    item: ir.TypeExpr,
    items: tuple[str, ...],
    *,
    parameter: str | None = None,
    parameter_in: str = "query",
    limit_parameter: str | None = None,
    next: tuple[str, ...] = (),
    item_cursor: str | None = None,
    has_more: tuple[str, ...] = (),
    first: int = 1,
) -> ir.Pagination:
    return ir.Pagination(
        strategy=strategy,
        source=source,
        reason=reason,
        item=item,
        items=items,
        parameter=parameter,
        parameter_in=parameter_in,
        limit_parameter=limit_parameter,
        next=next,
        item_cursor=item_cursor,
        has_more=has_more,
        first=first,
    )


def _is_int(expr: ir.TypeExpr) -> bool:
    """An integer, or a number (descriptions often type an offset as `number`)."""
    while isinstance(expr, ir.Nullable):
        expr = expr.inner
    return expr in (ir.Prim("int"), ir.Prim("float"))


def _name(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dotted(value: Any) -> tuple[str, ...]:
    return tuple(part for part in value.split(".") if part) if isinstance(value, str) else ()


def _json_path(value: Any) -> tuple[str, ...]:
    """`$.data` or `$.meta.next` (the JSONPath subset Speakeasy uses) as wire names."""
    if not isinstance(value, str) or not value.startswith("$"):
        return ()
    return _dotted(value[1:])


def _fern_path(value: Any, prefix: str) -> tuple[str, ...]:
    """`$response.data.items` as wire names (`$request.cursor` for a request field)."""
    if not isinstance(value, str) or not value.startswith(prefix):
        return ()
    return _dotted(value[len(prefix) :])
