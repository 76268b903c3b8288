"""Paging as the description states it: `x-oagen-pagination` (ours, see docs/pagination.md),
`x-speakeasy-pagination`, `x-ms-pageable` and `x-fern-pagination`, each read into wire names and
checked against the operation and its response."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import ir
from generator.model.paging_shapes import OperationShape, ResponseStructure, make_pagination

OURS = "x-oagen-pagination"
SPEAKEASY = "x-speakeasy-pagination"
AZURE = "x-ms-pageable"
FERN = "x-fern-pagination"

STRATEGIES = ("cursor", "offset", "page", "next_url", "link_header")


@dataclass(frozen=True, slots=True)
class Spec:
    """An extension's answer in wire names, before it is checked."""

    strategy: str
    items: tuple[str, ...]
    parameter: str | None = None
    limit: str | None = None
    next: tuple[str, ...] = ()
    item_cursor: str | None = None
    has_more: tuple[str, ...] = ()
    first: int = 1


class ExtensionReader:
    """Reads one operation's paging extension; a malformed one is a W430 and no paging."""

    def __init__(self, structure: ResponseStructure, diagnostics: Diagnostics) -> None:
        self.structure = structure
        self.diagnostics = diagnostics

    def _bad(self, key: str, message: str, where: Location) -> None:
        self.diagnostics.warning("W430", f"{key}: {message}; the operation does not page", where)

    def ours(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(OURS, "must be a mapping or false", where)
            return None
        strategy = value.get("strategy")
        if strategy not in STRATEGIES:
            self._bad(OURS, f"`strategy` must be one of {', '.join(STRATEGIES)}", where)
            return None
        spec = Spec(
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

    def speakeasy(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
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
                spec = Spec("page", items, by_type["page"], by_type.get("limit"))
            elif "offset" in by_type:
                spec = Spec("offset", items, by_type["offset"], by_type.get("limit"))
            else:
                self._bad(SPEAKEASY, "offsetLimit needs an `offset` or `page` input", where)
                return None
        elif kind == "cursor":
            spec = Spec(
                "cursor",
                items,
                by_type.get("cursor"),
                by_type.get("limit"),
                next=_json_path(outputs.get("nextCursor")),
            )
        elif kind == "url":
            spec = Spec("next_url", items, next=_json_path(outputs.get("nextUrl")))
        else:
            self._bad(SPEAKEASY, f"unknown type {kind!r}", where)
            return None
        return self._from_spec(SPEAKEASY, spec, shape, where)

    def azure(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(AZURE, "must be a mapping", where)
            return None
        next_name = value.get("nextLinkName")
        if next_name is None:
            return None  # AutoRest: one page holds every item
        item_name = value.get("itemName", "value")
        spec = Spec("next_url", (str(item_name),), next=(str(next_name),))
        return self._from_spec(AZURE, spec, shape, where)

    def fern(self, value: Any, shape: OperationShape, where: Location) -> ir.Pagination | None:
        if not isinstance(value, dict):
            self._bad(FERN, "must be a mapping", where)
            return None
        items = _fern_path(value.get("results"), "$response.")
        if "cursor" in value:
            cursor = _fern_path(value.get("cursor"), "$request.")
            spec = Spec(
                "cursor",
                items,
                cursor[-1] if cursor else None,
                next=_fern_path(value.get("next_cursor"), "$response."),
            )
        elif "offset" in value:
            offset = _fern_path(value.get("offset"), "$request.")
            step = _fern_path(value.get("step"), "$request.")
            # Fern adds one to `offset` unless a `step` parameter says by how many items.
            spec = Spec(
                "offset" if step else "page",
                items,
                offset[-1] if offset else None,
                step[-1] if step else None,
                has_more=_fern_path(value.get("has_next_page"), "$response."),
            )
        elif "next_uri" in value:
            spec = Spec("next_url", items, next=_fern_path(value.get("next_uri"), "$response."))
        else:
            self._bad(FERN, "needs `cursor`, `offset` or `next_uri`", where)
            return None
        return self._from_spec(FERN, spec, shape, where)

    def _from_spec(
        self, source: str, spec: Spec, shape: OperationShape, where: Location
    ) -> ir.Pagination | None:
        """Check the names an extension gives against the operation and its response."""
        found = self.structure.items(shape.response, spec.items)
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
            located = self.structure.path(shape.response, wires)
            if located is None:
                self._bad(source, f"the response has no field `{'.'.join(wires)}`", where)
                return None
            paths[label] = located[0]
        item_cursor = None
        if spec.item_cursor is not None:
            field = self.structure.field(found[1], spec.item_cursor)
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
        return make_pagination(
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
