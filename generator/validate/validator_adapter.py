"""openapi-spec-validator through its extension points only, with three changes oagen needs.

The validator is a `SpecValidator` subclass whose `keyword_validators` map (a public class
attribute, the library's documented way to customise a check) holds subclasses of the stock
keyword validators. Each subclass keeps the stock behaviour and adds:

- **the place of every finding**: a keyword validator is called with the `SchemaPath` it checks;
  a finding it yields is placed at that path's `parts` (plus the finding's own relative path),
  so no location is guessed from message text;
- **linear registries**: the operation and schema validators remember what they have seen in
  lists searched with `in` at every step (quadratic: 50,000 operations took over a minute);
  `_Registry` is a list whose `in` is a set lookup;
- **Schema Object meta-checks on jsonschema-rs** for the OAS 3.0 and 3.1 dialects: the same
  meta-schemas, a fraction of the time (the 3.1 dialect's `$dynamicRef`s are slow in pure
  Python). The check is done before the stock `__call__`, which is then told `meta_checked`.

`tests/test_validator_adapter.py` pins every assumption made about the installed versions: an
upgrade that changes one fails there, loudly, rather than silently slowing or misplacing.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from importlib.resources import files
from typing import Any, ClassVar, NamedTuple

# What the error's place is made of: keys and list indexes from the document's root.
Parts = tuple[str | int, ...]


class Finding(NamedTuple):
    error: Any  # a jsonschema ValidationError
    parts: Parts | None  # from the document's root; None: the error's own absolute_path


class _Registry(list[Any]):
    """A list whose `in` is a set lookup. The stock keyword validators only append to their
    registries and ask `in`. An unhashable item (an operationId that is an object, in an
    invalid spec) is kept aside and searched as before."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()
        self._unhashable: list[Any] = []

    def append(self, item: Any) -> None:
        super().append(item)
        try:
            self._members.add(item)
        except TypeError:
            self._unhashable.append(item)

    def __contains__(self, item: object) -> bool:
        try:
            return item in self._members
        except TypeError:
            return item in self._unhashable


# Keyword -> the registry attributes its stock validator sets to an empty list in __init__.
REGISTRIES: dict[str, tuple[str, ...]] = {
    "schema": ("visited_schema_ids", "meta_checked_schema_ids"),
    "operation": ("operation_ids_registry",),
}

OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
OAS31_VOCABULARY = "https://spec.openapis.org/oas/3.1/meta/base"
# openapi-schema-validator's package data: the 3.1 vocabulary the dialect refers to.
VOCABULARY_RESOURCE = "schemas/oas3.1/vocabularies/base"


def preload() -> None:
    """Import what validating will use (about a fifth of a second), ahead of the document."""
    import openapi_schema_validator  # noqa: F401
    import openapi_spec_validator  # noqa: F401
    from jsonschema_path import SchemaPath  # noqa: F401
    from openapi_spec_validator.validation import exceptions  # noqa: F401

    with contextlib.suppress(ImportError):
        import jsonschema_rs  # noqa: F401


def findings(
    document: Any, version: str, base_uri: str, handlers: Mapping[str, Callable[[str], Any]]
) -> Iterator[Finding]:
    """The validator's errors for `document` (`version` '2.0' ... '3.2'), `$ref`s resolved
    through `handlers` only, each with its place when a keyword validator found it."""
    placed: dict[int, tuple[Any, Parts]] = {}
    validator = spec_validator_class(version, handlers, document, placed)
    for error in validator(document, base_uri=base_uri).iter_errors():
        where = placed.get(id(error))
        yield Finding(error, where[1] if where is not None else None)


def spec_validator_class(
    version: str,
    handlers: Mapping[str, Callable[[str], Any]],
    document: Any,
    placed: dict[int, tuple[Any, Parts]],
) -> Any:
    """The stock validator class for `version` with the adapted keyword validators, recording
    each error's place in `placed` (by the error's id; the error is kept there too)."""
    import openapi_spec_validator as osv

    stock: Any = {
        "2.0": osv.OpenAPIV2SpecValidator,
        "3.0": osv.OpenAPIV30SpecValidator,
        "3.1": osv.OpenAPIV31SpecValidator,
        "3.2": osv.OpenAPIV32SpecValidator,
    }[version]
    meta_check = None
    if version == "3.0":
        meta_check = rust_meta_checker(version)
    elif version == "3.1":
        default = document.get("jsonSchemaDialect") if isinstance(document, dict) else None
        meta_check = rust_meta_checker(version, default or OAS31_DIALECT)
    keywords = {
        keyword: _adapted(keyword, validator, placed, meta_check if keyword == "schema" else None)
        for keyword, validator in stock.keyword_validators.items()
    }

    class Adapted(stock):  # type: ignore[misc]
        keyword_validators: ClassVar[dict[str, Any]] = keywords
        resolver_handlers = handlers

    return Adapted


MetaCheck = Callable[[Any], Any]


def _adapted(
    keyword: str, stock: Any, placed: dict[int, tuple[Any, Parts]], meta_check: MetaCheck | None
) -> Any:
    """A subclass of the stock keyword validator: registries linear, errors placed, and for
    the schema keyword (with `meta_check`) the meta-check on jsonschema-rs."""
    from jsonschema_path import SchemaPath

    registries = REGISTRIES.get(keyword, ())

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        stock.__init__(self, *args, **kwargs)
        for name in registries:
            setattr(self, name, _Registry())
        self.meta_checked_by_rust = set()

    def call(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        where = next((arg for arg in args if isinstance(arg, SchemaPath)), None)
        for error in stock.__call__(self, *args, **kwargs):
            yield _place(placed, keyword, error, where)

    def call_schema(
        self: Any, schema: Any, require_properties: bool = True, meta_checked: bool = False
    ) -> Iterator[Any]:
        errors = _checked_by_rust(self, stock, meta_check, schema, require_properties)
        if meta_checked or errors is None:
            errors = stock.__call__(self, schema, require_properties, meta_checked)
        for error in errors:
            yield _place(placed, keyword, error, schema)

    method = call_schema if meta_check is not None else call
    return type(stock.__name__, (stock,), {"__init__": init, "__call__": method})


def _checked_by_rust(
    self: Any, stock: Any, meta_check: MetaCheck | None, schema: Any, require_properties: bool
) -> Iterator[Any] | None:
    """The schema keyword's errors with the meta-check done by `meta_check` (once per schema
    object, as the stock check), or None when `meta_check` does not know the schema's dialect
    (a 3.1 schema that declares another) and the stock path must do it."""
    value = schema.read_value()
    if meta_check is None or not isinstance(value, Mapping | bool):
        return None
    known = meta_check(value)
    if known is None:
        return None

    def errors() -> Iterator[Any]:
        if id(value) not in self.meta_checked_by_rust:
            self.meta_checked_by_rust.add(id(value))
            error = known()
            if error is not None:
                yield error
                return
        yield from stock.__call__(self, schema, require_properties, True)

    return errors()


def _place(placed: dict[int, tuple[Any, Parts]], keyword: str, error: Any, where: Any) -> Any:
    """`error` (as the library's own error type) recorded at `where`'s parts, unless a
    keyword validator nearer to it placed it first."""
    from openapi_spec_validator.validation.exceptions import (
        DuplicateOperationIDError,
        OpenAPIValidationError,
    )

    if id(error) in placed or where is None:
        return error
    if not isinstance(error, OpenAPIValidationError):
        # The validator converts other errors on the way out; converted here, the place
        # recorded stays with the object the caller sees.
        error = OpenAPIValidationError.create_from(error)
    parts: Parts = tuple(where.parts)
    if keyword == "default":
        parts += ("default",)
    elif isinstance(error, DuplicateOperationIDError):
        parts += ("operationId",)
    placed[id(error)] = (error, parts + tuple(error.relative_path))
    return error


def rust_meta_checker(version: str, default_dialect: str = OAS31_DIALECT) -> MetaCheck | None:
    """`check(schema)`: None when the schema is not of the OAS dialect of `version` (3.1: its
    `$schema`, else `default_dialect`), else a function returning the error for a schema its
    meta-schema rejects (an OpenAPIValidationError), or None. None without jsonschema-rs."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    if version == "3.0":
        validator = jsonschema_rs.validator_for(OAS30Validator.META_SCHEMA, validate_formats=True)
    else:
        vocabulary = json.loads(
            files("openapi_schema_validator").joinpath(VOCABULARY_RESOURCE).read_text("utf-8")
        )
        registry = jsonschema_rs.Registry(
            [(OAS31_DIALECT, OAS31Validator.META_SCHEMA), (OAS31_VOCABULARY, vocabulary)]
        )
        validator = jsonschema_rs.validator_for(
            OAS31Validator.META_SCHEMA, registry=registry, validate_formats=True
        )

    def check(value: Any) -> Callable[[], Any] | None:
        if version == "3.1":
            dialect = value.get("$schema", default_dialect) if isinstance(value, Mapping) else None
            if (dialect or default_dialect) != OAS31_DIALECT:
                return None

        def error() -> Any:
            found = next(validator.iter_errors(value), None)
            if found is None:
                return None
            return OpenAPIValidationError(str(found), path=list(found.instance_path))

        return error

    return check
