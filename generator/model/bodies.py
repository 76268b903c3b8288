"""An operation's request body: the content type chosen, exploded into arguments for a form-like
object, else one argument; and how a caller chooses between the JSON answer and the stream."""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Location
from generator.model import ir
from generator.model.drafts import METHOD, BodyFieldDraft, OpDraft, example_of, text
from generator.model.naming import Namer
from generator.model.resolve import Resolver
from generator.model.schemas import SchemaBuilder

_BODY_PREFERENCE = (
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
)


def read_request_body(
    draft: OpDraft,
    body: Any,
    where: Location,
    base: str,
    arguments: Namer,
    *,
    resolver: Resolver,
    schemas: SchemaBuilder,
) -> None:
    if body is None:
        return
    resolved = resolver.deref(body, where)
    if resolved is None or not isinstance(resolved[0], dict):
        return
    body, where = resolved
    content = body.get("content")
    if not isinstance(content, dict) or not content:
        return
    content_type = pick_content_type(list(content))
    media = content.get(content_type) or {}
    schema = media.get("schema") if isinstance(media, dict) else None
    schema_where = where.child("content", content_type, "schema")
    draft.body_content_type = content_type
    draft.body_required = bool(body.get("required"))
    draft.body_description = text(body.get("description"))
    draft.body_location = where
    draft.body_example = example_of(media, schema) if isinstance(media, dict) else ()
    if schema is None:
        draft.body_whole = ir.Prim("bytes") if not is_json(content_type) else ir.Prim("any")
    else:
        body_type = schemas.type_of(schema, schema_where, base + "Request")
        model = _model_of(body_type, schemas.definitions)
        if model is not None and model.fields and form_like(content_type):
            draft.body_fields = [
                BodyFieldDraft(
                    name=arguments.take(f.name),
                    wire_name=f.wire_name,
                    type=f.type,
                    required=f.required,
                    description=f.description,
                    is_file=content_type == "multipart/form-data" and is_file(f.type),
                    is_stream_flag=False,
                    deprecation=f"The `{f.name}` argument of {METHOD} is deprecated."
                    if f.deprecated
                    else None,
                )
                for f in model.fields
                if not f.read_only
            ]
        else:
            draft.body_whole = body_type


def decide_streaming(draft: OpDraft, arguments: Namer, stream_flag: str) -> None:
    """How a caller chooses between the JSON answer and the event stream."""
    if draft.stream is None:
        return
    if draft.response is None:
        draft.stream_mode = "always"
        return
    for body_field in draft.body_fields or []:
        if body_field.wire_name == stream_flag and is_bool(body_field.type):
            body_field.is_stream_flag = True
            draft.stream_mode = "flag"
            draft.stream_argument = body_field.name
            return
    # No body property chooses: the client asks with `Accept: text/event-stream`.
    draft.stream_mode = "accept"
    draft.stream_argument = arguments.take("stream")


def _model_of(expr: ir.TypeExpr, definitions: dict[str, ir.Definition]) -> ir.Model | None:
    if isinstance(expr, ir.Ref):
        definition = definitions.get(expr.name)
        if isinstance(definition, ir.Model):
            return definition
    return None


def pick_content_type(types: list[str]) -> str:
    for preferred in _BODY_PREFERENCE:
        for content_type in types:
            if content_type.split(";")[0].strip().lower() == preferred:
                return content_type
    for content_type in types:
        if is_json(content_type):
            return content_type
    return types[0]


def is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base in ("application/json", "*/*") or base.endswith("+json")


def form_like(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return is_json(base) or base in ("multipart/form-data", "application/x-www-form-urlencoded")


def is_file(expr: ir.TypeExpr) -> bool:
    if isinstance(expr, ir.Nullable):
        return is_file(expr.inner)
    return expr == ir.Prim("bytes")


def is_bool(expr: ir.TypeExpr) -> bool:
    if isinstance(expr, ir.Nullable):
        return is_bool(expr.inner)
    return expr == ir.Prim("bool")
