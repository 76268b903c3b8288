"""Operations as they are read, before every definition is known: the drafts `finish` turns into
`ir.Operation`s, and the small readers the parameter, body and response steps share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Location
from generator.model import ir
from generator.model.bounded import is_small


@dataclass(slots=True)
class ParamDraft:
    name: str
    wire_name: str
    location_in: str
    type: ir.TypeExpr
    required: bool
    description: str | None
    style: str | None
    explode: bool | None
    deprecated: bool
    location: Location
    example: tuple[Any, ...] = ()  # (value,) when the spec gives one
    default: object = None  # the schema's default, when it gives one
    deprecation: str | None = None


@dataclass(slots=True)
class BodyFieldDraft:
    name: str
    wire_name: str
    type: ir.TypeExpr
    required: bool
    description: str | None
    is_file: bool
    is_stream_flag: bool
    deprecation: str | None = None


@dataclass(slots=True)
class OpDraft:
    operation_id: str
    spec_id: str | None  # the operationId as written
    tag: str | None
    extensions: dict[str, Any]  # the operation's `x-` keys, for naming
    http_method: str
    path: str
    summary: str | None
    description: str | None
    deprecated: bool
    location: Location
    params: list[ParamDraft] = field(default_factory=list)
    body_content_type: str | None = None
    body_required: bool = False
    body_fields: list[BodyFieldDraft] | None = None
    body_whole: ir.TypeExpr | None = None
    body_description: str | None = None
    body_location: Location | None = None
    response: ir.TypeExpr | None = None
    response_kind: str = "none"
    stream: ir.TypeExpr | None = None
    stream_mode: str | None = None
    stream_argument: str | None = None
    errors: list[tuple[str, ir.TypeExpr]] = field(default_factory=list)
    method_name: str = ""  # decided for all operations at once, in `finish`
    resource: tuple[str, ...] = ()
    security: tuple[tuple[str, ...], ...] = ()
    body_example: tuple[Any, ...] = ()  # (value,) when the spec gives one
    body_argument: str | None = None  # the argument taking a body that is not exploded
    retry: ir.RetrySettings | None = None
    idempotency_header: str | None = None  # the operation's own header, when it declares one
    idempotency_argument: str | None = None
    idempotency_option: bool = False
    response_headers: frozenset[str] = frozenset()  # lower-case names, success response
    pagination: ir.Pagination | None = None
    deprecation: str | None = None


# Deprecation notes name the method, which is decided once every operation is read (`finish`):
# they are written with this mark in its place, and `_named` puts the name in.
METHOD = "\x00method"


def named(note: str | None, method_name: str) -> str | None:
    return None if note is None else note.replace(METHOD, f"`{method_name}`", 1)


def example_of(holder: dict[str, Any], schema: Any) -> tuple[Any, ...]:
    """The first example the spec gives for a parameter or a media type, as `(value,)`; none
    when it is too large, deep or long-numbered to print (see bounded.py)."""
    found = _first_example(holder, schema)
    return found if found and is_small(found[0]) else ()


def _first_example(holder: dict[str, Any], schema: Any) -> tuple[Any, ...]:
    if "example" in holder:
        return (holder["example"],)
    examples = holder.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return (example["value"],)
    if isinstance(schema, dict):
        if "example" in schema:
            return (schema["example"],)
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return (schema["examples"][0],)
    return ()


def text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
