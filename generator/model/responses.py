"""An operation's responses: the first success read as JSON, text, bytes or an event stream; error
bodies typed by status; and the runtime exception each status raises."""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import ir
from generator.model.bodies import is_json
from generator.model.drafts import OpDraft
from generator.model.resolve import Resolver
from generator.model.schemas import SchemaBuilder


def read_responses(
    draft: OpDraft,
    responses: Any,
    where: Location,
    base: str,
    *,
    resolver: Resolver,
    schemas: SchemaBuilder,
    diagnostics: Diagnostics,
) -> None:
    if not isinstance(responses, dict):
        diagnostics.warning(
            "W406", f"{draft.operation_id} declares no responses; it returns None", where
        )
        return
    success = sorted(
        (str(code) for code in responses if str(code).startswith("2")),
        key=lambda code: code.replace("X", "9"),
    )
    for code in success[:1]:
        _success(draft, responses[code], where.child(code), base, resolver, schemas)
    for code, response in responses.items():
        code = str(code)
        if not (code.startswith(("4", "5")) or code == "default"):
            continue
        resolved = resolver.deref(response, where.child(code))
        if resolved is None or not isinstance(resolved[0], dict):
            continue
        response, response_where = resolved
        content = response.get("content")
        if not isinstance(content, dict):
            continue
        json_type = next((ct for ct in content if is_json(ct)), None)
        if json_type is None or not isinstance(content[json_type], dict):
            continue
        schema = content[json_type].get("schema")
        if schema is None:
            continue
        error_type = schemas.type_of(
            schema,
            response_where.child("content", json_type, "schema"),
            f"{base}Error{code.upper()}",
        )
        draft.errors.append((code.upper(), error_type))
    if not success:
        draft.response_kind = "none"


def _success(
    draft: OpDraft,
    response: Any,
    where: Location,
    base: str,
    resolver: Resolver,
    schemas: SchemaBuilder,
) -> None:
    resolved = resolver.deref(response, where)
    if resolved is None or not isinstance(resolved[0], dict):
        return
    response, where = resolved
    headers = response.get("headers")
    if isinstance(headers, dict):
        draft.response_headers = frozenset(str(name).lower() for name in headers)
    content = response.get("content")
    if not isinstance(content, dict) or not content:
        draft.response_kind = "none"
        return
    for content_type, media in content.items():
        media = media if isinstance(media, dict) else {}
        schema = media.get("schema")
        schema_where = where.child("content", str(content_type), "schema")
        if str(content_type).startswith("text/event-stream"):
            draft.stream = (
                schemas.type_of(schema, schema_where, base + "StreamEvent")
                if schema is not None
                else ir.Prim("any")
            )
        elif draft.response is None and is_json(str(content_type)):
            draft.response = (
                schemas.type_of(schema, schema_where, base + "Response")
                if schema is not None
                else ir.Prim("any")
            )
            draft.response_kind = "json"
    if draft.response is None and draft.stream is None:
        first = str(next(iter(content)))
        draft.response_kind = "text" if first.startswith("text/") else "binary"
        draft.response = ir.Prim("str" if draft.response_kind == "text" else "bytes")


# The exception the runtime raises for each status (`_runtime/_errors.py`, `status_error_class`);
# a test keeps the two in step.
_ERROR_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def error_class(status: str) -> str:
    """The runtime's exception for a declared error response: by status for a number, any
    `APIStatusError` for a range or `default` (`5XX` is always `InternalServerError`)."""
    if status.isdigit():
        code = int(status)
        return "InternalServerError" if code >= 500 else _ERROR_CLASSES.get(code, "APIStatusError")
    return "InternalServerError" if status == "5XX" else "APIStatusError"
