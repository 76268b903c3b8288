"""What paging reads: the operation's parameters and answer (`OperationShape`), and the structure
of the answer's types (`ResponseStructure`: models through aliases, list items, field paths)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import ir

# The conventional names of a response's list, when it has several (names compared as written).
ITEM_FIELDS = ("data", "items", "results", "value", "values", "entries", "records", "elements")


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


class ResponseStructure:
    """Walks the answer's types by wire name, through aliases and nullability."""

    def __init__(self, definitions: dict[str, ir.Definition]) -> None:
        self.definitions = definitions

    def model(self, expr: ir.TypeExpr | None) -> ir.Model | None:
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

    def array_item(self, expr: ir.TypeExpr | None) -> ir.TypeExpr | None:
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

    def field(self, expr: ir.TypeExpr | None, wire: str) -> ir.Field | None:
        model = self.model(expr)
        if model is None:
            return None
        return next((f for f in model.fields if f.wire_name == wire), None)

    def path(
        self, expr: ir.TypeExpr | None, wires: tuple[str, ...]
    ) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
        """The attribute path and type of a wire-name path into the response."""
        attributes: list[str] = []
        for wire in wires:
            found = self.field(expr, wire)
            if found is None:
                return None
            attributes.append(found.name)
            expr = found.type
        assert expr is not None
        return tuple(attributes), expr

    def items(
        self, response: ir.TypeExpr | None, wires: tuple[str, ...]
    ) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
        if not wires:
            item = self.array_item(response)
            return ((), item) if item is not None else None
        found = self.path(response, wires)
        if found is None:
            return None
        item = self.array_item(found[1])
        return (found[0], item) if item is not None else None

    def guess_items(
        self, response: ir.TypeExpr | None
    ) -> tuple[tuple[str, ...], ir.TypeExpr] | None:
        """The body when it is a list, else its one list field, else a conventional one."""
        item = self.array_item(response)
        if item is not None:
            return (), item
        model = self.model(response)
        if model is None:
            return None
        lists = [f for f in model.fields if self.array_item(f.type) is not None]
        if len(lists) != 1:
            lists = [f for f in lists if f.wire_name in ITEM_FIELDS]
        if len(lists) != 1:
            return None
        found = self.array_item(lists[0].type)
        assert found is not None
        return (lists[0].name,), found

    def is_text(self, expr: ir.TypeExpr | None) -> bool:
        while isinstance(expr, ir.Nullable):
            expr = expr.inner
        if isinstance(expr, ir.Ref):
            found = self.definitions.get(expr.name)
            return isinstance(found, ir.Alias) and self.is_text(found.type)
        return expr == ir.Prim("str")

    def is_bool(self, expr: ir.TypeExpr | None) -> bool:
        while isinstance(expr, ir.Nullable):
            expr = expr.inner
        return expr == ir.Prim("bool")


def make_pagination(
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


def is_int(expr: ir.TypeExpr) -> bool:
    """An integer, or a number (descriptions often type an offset as `number`)."""
    while isinstance(expr, ir.Nullable):
        expr = expr.inner
    return expr in (ir.Prim("int"), ir.Prim("float"))
