"""An operation's parameters: the path item's and the operation's merged, typed, named as
arguments; the idempotency-key header found; undeclared path placeholders added as `str`."""

from __future__ import annotations

import re
from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import ir, retries
from generator.model.deprecation import note as deprecation_note
from generator.model.drafts import METHOD, OpDraft, ParamDraft, example_of, text
from generator.model.naming import Namer, pascal_case, snake_identifier
from generator.model.resolve import Resolver
from generator.model.schemas import SchemaBuilder


def read_parameters(
    draft: OpDraft,
    operation: dict[str, Any],
    where: Location,
    shared: list[Any],
    item_where: Location,
    base: str,
    arguments: Namer,
    *,
    resolver: Resolver,
    schemas: SchemaBuilder,
    diagnostics: Diagnostics,
    idempotency_header: str | None,
) -> None:
    merged: dict[tuple[str, str], tuple[dict[str, Any], Location]] = {}
    sources = [
        (shared, item_where.child("parameters")),
        (operation.get("parameters") or [], where.child("parameters")),
    ]
    for params, params_where in sources:
        if not isinstance(params, list):
            continue
        for index, raw in enumerate(params):
            resolved = resolver.deref(raw, params_where.child(index))
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            param, param_where = resolved
            name, location_in = param.get("name"), param.get("in")
            if not isinstance(name, str) or location_in not in (
                "path",
                "query",
                "header",
                "cookie",
            ):
                diagnostics.warning(
                    "W402", "parameter without a usable `name`/`in` is ignored", param_where
                )
                continue
            merged[(location_in, name)] = (param, param_where)
    for (location_in, wire), (param, param_where) in merged.items():
        if location_in == "header" and wire.lower() in (
            "accept",
            "content-type",
            "authorization",
        ):
            continue  # set by the client itself (OpenAPI says these are ignored)
        schema = param.get("schema")
        schema_where = param_where.child("schema")
        if schema is None and isinstance(param.get("content"), dict) and param["content"]:
            media_type = next(iter(param["content"]))
            schema = param["content"][media_type].get("schema")
            schema_where = param_where.child("content", media_type, "schema")
        param_type = (
            schemas.type_of(schema, schema_where, base + pascal_case(wire))
            if schema is not None
            else ir.Prim("str")
        )
        required = bool(param.get("required")) or location_in == "path"
        key_param = (
            location_in == "header"
            and idempotency_header is not None
            and draft.http_method not in retries.IDEMPOTENT_METHODS
            and draft.idempotency_argument is None
            and retries.is_idempotency_header(wire, idempotency_header)
        )
        if location_in == "path" and not param.get("required"):
            diagnostics.warning(
                "W403",
                f"path parameter {wire!r} must be required; it is treated as required",
                param_where,
            )
        name = arguments.take("idempotency_key" if key_param else snake_identifier(wire, "param"))
        if key_param:
            draft.idempotency_argument = name
            if wire.lower() != (idempotency_header or "").lower():
                draft.idempotency_header = wire
        draft.params.append(
            ParamDraft(
                name=name,
                wire_name=wire,
                location_in=location_in,
                type=param_type,
                required=required,
                description=text(param.get("description")),
                style=param.get("style") if isinstance(param.get("style"), str) else None,
                explode=param.get("explode") if isinstance(param.get("explode"), bool) else None,
                deprecated=bool(param.get("deprecated")),
                location=param_where,
                example=example_of(param, schema),
                default=schema.get("default") if isinstance(schema, dict) else None,
                deprecation=deprecation_note(param, f"The `{name}` argument of {METHOD}"),
            )
        )
    declared = {p.wire_name for p in draft.params if p.location_in == "path"}
    for placeholder in _placeholders(draft.path):
        if placeholder not in declared:
            diagnostics.warning(
                "W404",
                f"path parameter {{{placeholder}}} of "
                f"{draft.path} is not declared; it is typed as str",
                where,
            )
            draft.params.append(
                ParamDraft(
                    arguments.take(snake_identifier(placeholder, "param")),
                    placeholder,
                    "path",
                    ir.Prim("str"),
                    True,
                    None,
                    None,
                    None,
                    False,
                    where,
                )
            )


def _placeholders(path: str) -> list[str]:
    return re.findall(r"\{([^}/]+)\}", path)
