"""Turning call arguments into wire format.

Parameters follow OpenAPI ``style``/``explode`` (form, spaceDelimited, pipeDelimited and
deepObject in the query; simple, label and matrix in the path; simple in headers; form in
cookies), percent-encoded as in the specification's style examples. ``None`` and ``NOT_GIVEN``
omit a query/header/cookie parameter, and so do empty arrays and objects.

Bodies: JSON (models dumped by alias with ``exclude_unset``; ``NOT_GIVEN`` fields dropped, ``None``
sent as ``null``), multipart/form-data, application/x-www-form-urlencoded (nested objects as
``key[sub]=value``, arrays as repeated keys), text, and binary.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote, urlencode
from uuid import UUID

import pydantic

from ._errors import InvalidRequestError
from ._files import FileSource, Part, UploadStream, file_source, is_file_like, multipart_body
from ._operation import Operation, Param
from ._types import NOT_GIVEN, NotGiven

__all__ = [
    "build_path",
    "encode_body",
    "encode_json",
    "serialize_cookie_param",
    "serialize_header_param",
    "serialize_path_param",
    "serialize_query_param",
    "to_jsonable",
    "to_str",
]

# allowReserved: RFC 3986 reserved characters go through as-is, except "#" (it would end the URL).
_RESERVED = "!$&'()*+,;=:/?[]@"
# Cookie values may not contain whitespace, '"', ',', ';' or '\'; everything else stays readable.
_COOKIE_SAFE = "!#$%&'()*+-./:<=>?@[]^_`{|}~"
_DELIMITERS = {"spaceDelimited": "%20", "pipeDelimited": "%7C"}


# -- values -------------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, NotGiven):
        raise _NotGivenInside
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, Decimal)):
        return str(value)  # as pydantic dumps them
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(value).decode("ascii")  # OpenAPI "format: byte"
    if isinstance(value, (set, frozenset)):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class _NotGivenInside(Exception):
    """A NOT_GIVEN nested below the top level: re-encode after stripping them."""


_encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)


def encode_json(value: object) -> bytes:
    try:
        return _encoder.encode(value).encode("utf-8")
    except _NotGivenInside:
        return _encoder.encode(_strip_not_given(value)).encode("utf-8")


def _strip_not_given(value: object) -> object:
    if isinstance(value, Mapping):
        return {k: _strip_not_given(v) for k, v in value.items() if v is not NOT_GIVEN}
    if isinstance(value, (list, tuple)):
        return [_strip_not_given(v) for v in value if v is not NOT_GIVEN]
    return value


def to_jsonable(value: object) -> object:
    """Plain JSON data (dicts, lists, str, numbers, bool, None) for any supported value."""
    return json.loads(encode_json(value))


def _normalize(value: object) -> object:
    """Models become dicts (by alias), sequences become lists; NOT_GIVEN/None members dropped."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Mapping):
        return {k: v for k, v in value.items() if v is not None and v is not NOT_GIVEN}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [v for v in value if v is not None and v is not NOT_GIVEN]
    return value


def to_str(value: object) -> str:
    """A scalar as a parameter string: booleans as true/false, enums by value, dates ISO."""
    if isinstance(value, str) and not isinstance(value, Enum):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return ""
    if isinstance(value, Enum):
        return to_str(value.value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, (Mapping, list, tuple, pydantic.BaseModel)):
        return encode_json(value).decode("utf-8")  # nested structure: no standard, use JSON
    return str(value)


# -- parameters ---------------------------------------------------------------------------------


def serialize_query_param(name: str, value: object, param: Param | None) -> list[str]:
    """Encoded ``key=value`` pieces of one query parameter (to be joined with "&")."""
    if param is None:
        style, explode, safe = "form", True, ""
    else:
        style, explode = param.resolved_style, param.resolved_explode
        safe = _RESERVED if param.allow_reserved else ""
    value = _normalize(value)
    key = quote(name, safe="")
    if isinstance(value, list):
        items = [quote(to_str(v), safe) for v in value]
        if not items:
            return []
        if explode or style == "deepObject":
            return [f"{key}={item}" for item in items]
        return [f"{key}={_DELIMITERS.get(style, ',').join(items)}"]
    if isinstance(value, dict):
        if not value:
            return []
        if style == "deepObject":
            out: list[str] = []
            _deep_object(key, value, safe, out)
            return out
        pairs = [(quote(to_str(k), safe), quote(to_str(v), safe)) for k, v in value.items()]
        if explode:
            return [f"{k}={v}" for k, v in pairs]
        sep = _DELIMITERS.get(style, ",")
        return [f"{key}=" + sep.join(f"{k}{sep}{v}" for k, v in pairs)]
    return [f"{key}={quote(to_str(value), safe)}"]


def _deep_object(prefix: str, value: Mapping[Any, Any], safe: str, out: list[str]) -> None:
    for k, v in value.items():
        v = _normalize(v)
        if v is None or v is NOT_GIVEN:
            continue
        name = f"{prefix}%5B{quote(to_str(k), safe)}%5D"
        if isinstance(v, dict):
            _deep_object(name, v, safe, out)
        elif isinstance(v, list):
            out.extend(f"{name}={quote(to_str(item), safe)}" for item in v)
        else:
            out.append(f"{name}={quote(to_str(v), safe)}")


def _path_quote(value: str) -> str:
    return quote(value, safe="")


def _no_quote(value: str) -> str:
    return value


def _simple(value: object, explode: bool, q: Any) -> str:
    if isinstance(value, list):
        return ",".join(q(to_str(v)) for v in value)
    if isinstance(value, dict):
        pair = "{}={}" if explode else "{},{}"
        return ",".join(pair.format(q(to_str(k)), q(to_str(v))) for k, v in value.items())
    return str(q(to_str(value)))


def serialize_header_param(name: str, value: object, param: Param | None) -> str | None:
    """The header value (simple style), or None to omit the header."""
    value = _normalize(value)
    if value is None or value is NOT_GIVEN or value == [] or value == {}:
        return None
    explode = param.resolved_explode if param is not None else False
    return _simple(value, explode, _no_quote)


def serialize_path_param(name: str, value: object, param: Param | None) -> str:
    """The percent-encoded path segment ("/" included) in simple, label or matrix style."""
    style = param.resolved_style if param is not None else "simple"
    explode = param.resolved_explode if param is not None else False
    value = _normalize(value)
    if style == "label":
        if isinstance(value, list):
            return "." + (".".join if explode else ",".join)(_path_quote(to_str(v)) for v in value)
        if isinstance(value, dict):
            pair = "{}={}" if explode else "{},{}"
            sep = "." if explode else ","
            items = (
                pair.format(_path_quote(to_str(k)), _path_quote(to_str(v)))
                for k, v in value.items()
            )
            return "." + sep.join(items)
        return "." + _path_quote(to_str(value))
    if style == "matrix":
        key = _path_quote(name)
        if isinstance(value, list):
            quoted = [_path_quote(to_str(v)) for v in value]
            if not quoted:
                return f";{key}"
            if explode:
                return "".join(f";{key}={item}" for item in quoted)
            return f";{key}=" + ",".join(quoted)
        if isinstance(value, dict):
            if not value:
                return f";{key}"
            pairs = [(_path_quote(to_str(k)), _path_quote(to_str(v))) for k, v in value.items()]
            if explode:
                return "".join(f";{k}={v}" for k, v in pairs)
            return f";{key}=" + ",".join(f"{k},{v}" for k, v in pairs)
        return f";{key}={_path_quote(to_str(value))}"
    return _simple(value, explode, _path_quote)


def serialize_cookie_param(name: str, value: object, param: Param | None) -> list[str]:
    """``name=value`` pieces of one cookie parameter (form style; joined with "; ")."""
    explode = param.resolved_explode if param is not None else True
    value = _normalize(value)

    def q(s: str) -> str:
        return quote(s, safe=_COOKIE_SAFE)

    name = q(name)  # "a; session=x" would set a cookie of its own

    if isinstance(value, list):
        if not value:
            return []
        if explode:
            return [f"{name}={q(to_str(v))}" for v in value]
        return [f"{name}=" + ",".join(q(to_str(v)) for v in value)]
    if isinstance(value, dict):
        if not value:
            return []
        if explode:
            return [f"{q(to_str(k))}={q(to_str(v))}" for k, v in value.items()]
        return [f"{name}=" + ",".join(f"{q(to_str(k))},{q(to_str(v))}" for k, v in value.items())]
    return [f"{name}={q(to_str(value))}"]


def build_path(operation: Operation, values: Mapping[str, object] | None) -> str:
    """The operation's path with its parameters filled in.

    A value that would make the path address another endpoint is refused: empty (``/keys/``),
    or a whole segment of ``.`` or ``..`` (clients and servers resolve those, so
    ``/profile/..`` reaches ``/``). Everything else, ``/ ? # %`` included, is percent-encoded.
    """
    parts = operation.path_parts
    if len(parts) == 1:
        return parts[0]
    out = [parts[0]]
    index = operation.param_index
    for i in range(1, len(parts), 2):
        name = parts[i]
        value = values.get(name, NOT_GIVEN) if values is not None else NOT_GIVEN
        if value is NOT_GIVEN or value is None or (isinstance(value, str) and not value):
            raise _bad_path(operation, name, f"needs a non-empty value, got {value!r}")
        segment = serialize_path_param(name, value, index.get(("path", name)))
        if segment in _BAD_SEGMENTS:
            what = "needs a non-empty value" if not segment else f"cannot be {segment!r}"
            raise _bad_path(operation, name, f"{what} (it would address another endpoint)")
        out.append(segment)
        out.append(parts[i + 1])
    path = "".join(out)
    # Values beside each other or beside literal dots ("{a}{b}", "{a}.") can still make one.
    if "/." in path and _has_dot_segment(path) and not _has_dot_segment(operation.path):
        names = ", ".join(parts[1::2])
        raise _bad_path(operation, names, f"make the path {path!r}, which has a dot segment")
    return path


_BAD_SEGMENTS = ("", ".", "..")


def _has_dot_segment(path: str) -> bool:
    return any(segment in (".", "..") for segment in path.split("/"))


def _bad_path(operation: Operation, name: str, what: str) -> InvalidRequestError:
    return InvalidRequestError(f"{operation.operation_id}: path parameter {name!r} {what}")


# -- bodies -------------------------------------------------------------------------------------

BodyContent = bytes | UploadStream | None


def encode_body(
    operation: Operation, body: object, extra_body: Mapping[str, object] | None
) -> tuple[BodyContent, str | None]:
    """(content, Content-Type) of the request body; (None, None) when there is none."""
    encoding = operation.body_encoding
    if isinstance(body, Mapping):
        fields: dict[str, object] | None = {k: v for k, v in body.items() if v is not NOT_GIVEN}
    elif body is NOT_GIVEN:
        fields = {} if extra_body else None
    elif extra_body and isinstance(body, pydantic.BaseModel):
        fields = body.model_dump(mode="json", by_alias=True, exclude_unset=True)
    else:
        fields = None
    if extra_body:
        if fields is None:
            raise TypeError("extra_body can only be merged into an object body")
        fields.update(extra_body)
    payload: object = body if fields is None else fields
    if payload is NOT_GIVEN:
        return None, None
    content_type = operation.request_content_type

    if encoding == "json":
        if isinstance(payload, (bytes, bytearray, memoryview)):
            return bytes(payload), content_type or "application/json"  # already encoded
        return encode_json(payload), content_type or "application/json"
    if encoding == "multipart":
        if not isinstance(payload, Mapping):
            payload = _normalize(payload)
            if not isinstance(payload, Mapping):
                raise TypeError("a multipart/form-data body must be an object")
        return multipart_body(*_multipart_parts(payload, operation.file_fields))
    if encoding == "form":
        if not isinstance(payload, Mapping):
            payload = _normalize(payload)
            if not isinstance(payload, Mapping):
                raise TypeError("an application/x-www-form-urlencoded body must be an object")
        return urlencode(_form_pairs(payload)).encode("ascii"), content_type
    if encoding == "text":
        if isinstance(payload, (bytes, bytearray, memoryview)):
            return bytes(payload), content_type
        return to_str(payload).encode("utf-8"), content_type
    # Binary: bytes as they are, files and paths streamed.
    if isinstance(payload, (bytes, bytearray, memoryview)):
        return bytes(payload), content_type or "application/octet-stream"
    if isinstance(payload, str):
        return payload.encode("utf-8"), content_type or "application/octet-stream"
    if is_file_like(payload):
        explicit = payload[2] if isinstance(payload, tuple) and len(payload) == 3 else None
        _name, source, guessed = file_source(payload, "upload")
        content = UploadStream.of_file(source) if isinstance(source, FileSource) else source
        return content, explicit or content_type or guessed
    return encode_json(payload), content_type or "application/json"


def _multipart_parts(
    payload: Mapping[str, object], file_fields: frozenset[str]
) -> tuple[dict[str, str], list[Part]]:
    """Plain text fields, then the parts with a content type: JSON fields and files."""
    fields: dict[str, str] = {}
    parts: list[Part] = []
    for name, value in payload.items():
        if value is None or value is NOT_GIVEN:
            continue  # multipart has no null
        if name in file_fields or is_file_like(value):
            if name in file_fields and isinstance(value, (list, tuple)) and not is_file_like(value):
                items: list[object] = list(value)
            else:
                items = [value]
            for item in items:
                if isinstance(item, str):
                    raise TypeError(
                        f"{name!r} takes a file: pass bytes, an open binary file, "
                        "or a pathlib.Path (a str is ambiguous)"
                    )
                parts.append((name, file_source(item, name)))
        elif isinstance(value, (Mapping, list, tuple, set, frozenset, pydantic.BaseModel)):
            parts.append((name, (None, encode_json(value).decode("utf-8"), "application/json")))
        else:
            fields[name] = to_str(value)
    return fields, parts


def _form_pairs(payload: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in payload.items():
        if value is None or value is NOT_GIVEN:
            continue
        name = f"{prefix}[{key}]" if prefix else str(key)
        value = _normalize(value)
        if isinstance(value, Mapping):
            pairs.extend(_form_pairs(value, name))
        elif isinstance(value, list):
            pairs.extend((name, to_str(v)) for v in value)
        else:
            pairs.append((name, to_str(value)))
    return pairs
