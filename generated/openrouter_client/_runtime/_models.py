"""The model base class, forward-compatible enums, and body validation.

Validation is lax and forgiving by default: unknown fields are kept, unknown enum values are
accepted where a field is ``Lenient``, and a body that still does not match its schema is built
without validation (with a logged warning) rather than failing the call. Strict mode raises.
"""

from __future__ import annotations

import json
import logging
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeAlias, TypeVar, cast, get_args, get_origin

import pydantic
from pydantic_core import core_schema

__all__ = ["BaseModel", "Lenient", "construct_type", "get_adapter", "validate_json"]

_T = TypeVar("_T")


class BaseModel(pydantic.BaseModel):
    """Base of every generated model: extra fields kept, population by name or alias."""

    # populate_by_name is the pre-2.11 spelling of validate_by_name; both keep older pydantic
    # versions working. serialize_by_alias makes dumps use wire names.
    model_config = pydantic.ConfigDict(
        extra="allow",
        populate_by_name=True,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
        protected_namespaces=(),
    )


class _LenientMarker:
    """Widens an enum/Literal schema to also accept any string or integer."""

    __slots__ = ()

    def __get_pydantic_core_schema__(
        self, source: Any, handler: pydantic.GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.union_schema(
            [handler(source), core_schema.str_schema(), core_schema.int_schema()],
            mode="left_to_right",
            # Dump whatever is held as-is: no "unexpected value" warnings for unknown members.
            serialization=core_schema.simple_ser_schema("any"),
        )

    def __repr__(self) -> str:
        return "Lenient"


# Type checkers see `Lenient[X]` as plain `X`; pydantic sees the widened union.
Lenient: TypeAlias = Annotated[_T, _LenientMarker()]


def tagged_by(property_name: str, tags: Mapping[str, str]) -> pydantic.Discriminator:
    """The discriminator of a tagged union whose options are `Annotated[Model, Tag("Model")]`.

    `tags` maps each wire value of `property_name` to the option's tag. A callable discriminator
    works whatever type the option models give the property (a plain `str` included), and a
    model instance is tagged by its class, so serialising needs no lookup.
    """

    def tag(value: Any) -> str | None:
        if isinstance(value, dict):
            found = value.get(property_name)
            return tags.get(found) if isinstance(found, str) else None
        return type(value).__name__

    return pydantic.Discriminator(tag)


_adapters: dict[object, pydantic.TypeAdapter[Any]] = {}
_warned: set[str] = set()


def get_adapter(tp: object) -> pydantic.TypeAdapter[Any]:
    """A TypeAdapter per type object, built once (building one is expensive)."""
    try:
        return _adapters[tp]
    except KeyError:
        adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(cast(Any, tp))
        _adapters[tp] = adapter
        return adapter
    except TypeError:  # unhashable annotation: no caching
        return pydantic.TypeAdapter(cast(Any, tp))


def is_json_error(exc: pydantic.ValidationError) -> bool:
    """True when validation failed because the input was not JSON at all."""
    return any(e["type"] == "json_invalid" for e in exc.errors(include_url=False))


class SchemaMismatch(Exception):
    """Validation failed; carries what fallback construction produced, if anything."""

    def __init__(self, error: pydantic.ValidationError, data: object) -> None:
        super().__init__(str(error))
        self.error = error
        self.data = data


def validate_json(
    tp: object,
    model: type[pydantic.BaseModel] | None,
    content: bytes | str,
    *,
    strict: bool,
    logger: logging.Logger | None = None,
    label: str = "response",
) -> Any:
    """Validate a JSON document against ``tp`` (``model`` is ``tp`` when it is a model class).

    Raises ``pydantic.ValidationError`` for malformed JSON, and ``SchemaMismatch`` for a schema
    mismatch in strict mode. In lenient mode a mismatch is built without validation and a
    warning is logged.
    """
    try:
        if model is not None:
            return model.model_validate_json(content)
        return get_adapter(tp).validate_json(content)
    except pydantic.ValidationError as exc:
        if is_json_error(exc):
            raise
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            raise exc from None  # pydantic read it but json cannot: report it as unreadable
        if strict:
            raise SchemaMismatch(exc, data) from exc
        if logger is not None:
            first = exc.errors(include_url=False, include_input=False)[0]
            # Once per operation at WARNING (a stream could repeat it per event), then DEBUG.
            level = logging.DEBUG if label in _warned else logging.WARNING
            _warned.add(label)
            logger.log(
                level,
                "%s: the response does not match its schema (%d errors; first at %s: %s); "
                "returning it unvalidated",
                label,
                exc.error_count(),
                ".".join(str(p) for p in first["loc"]) or "(root)",
                first["msg"],
            )
        return construct_type(tp, data)


def construct_type(tp: object, value: object) -> Any:
    """Build ``value`` as ``tp`` without failing: validate what validates, keep the rest raw."""
    origin = get_origin(tp)
    if origin is Annotated:
        return construct_type(get_args(tp)[0], value)
    if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
        return _construct_model(tp, value) if isinstance(value, dict) else value
    args = get_args(tp)
    if origin in (list, Sequence, tuple, set, frozenset) and isinstance(value, list):
        item = args[0] if args else Any
        return [construct_type(item, v) for v in value]
    if origin in (dict, Mapping) and isinstance(value, dict):
        item = args[1] if len(args) == 2 else Any
        return {k: construct_type(item, v) for k, v in value.items()}
    if origin is typing.Union or origin is types.UnionType:
        return _construct_union(args, value)
    if tp is Any or tp is object or tp is None:
        return value
    try:
        return get_adapter(tp).validate_python(value)
    except (pydantic.ValidationError, pydantic.PydanticSchemaGenerationError, TypeError):
        return value


def _construct_union(args: tuple[Any, ...], value: object) -> Any:
    for arg in args:
        try:
            return get_adapter(arg).validate_python(value)
        except (pydantic.ValidationError, pydantic.PydanticSchemaGenerationError, TypeError):
            continue
    if isinstance(value, dict):
        # No member validates: build the model member sharing the most keys with the data.
        models = [a for a in args if isinstance(a, type) and issubclass(a, pydantic.BaseModel)]
        if models:
            best = max(models, key=lambda m: len(_wire_names(m) & value.keys()))
            return _construct_model(best, value)
    return value


def _wire_names(model: type[pydantic.BaseModel]) -> set[str]:
    return {f.alias or name for name, f in model.model_fields.items()}


def _construct_model(model: type[pydantic.BaseModel], data: dict[str, Any]) -> Any:
    values: dict[str, Any] = {}
    present: set[str] = set()
    used: set[str] = set()
    for name, info in model.model_fields.items():
        key = info.alias if info.alias is not None and info.alias in data else name
        if key in data:
            values[name] = construct_type(info.annotation, data[key])
            present.add(name)
            used.add(key)
        elif info.is_required():
            values[name] = None  # friendlier than an AttributeError on access
    extra = {k: v for k, v in data.items() if k not in used and k not in model.model_fields}
    return model.model_construct(_fields_set=present, **values, **extra)
