"""Validate: run openapi-spec-validator and report every violation, each at its place in the file.

A violation is a warning: real published specs are often slightly invalid in ways the generator
can still interpret, and the builder reports (as errors) anything it really cannot use. `--strict`
turns these warnings into a failed run.

The validator resolves `$ref`s itself, and left to its defaults it fetches http(s) URLs and reads
`file:` URLs anywhere on disk. Here it gets resolver handlers that serve only the documents oagen
has already loaded under its own rules (`references.load_referenced`); anything else stops it with
a W101 warning, and the `$ref` itself is reported where it is written.
"""

from __future__ import annotations

import abc
import contextlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

from generator.diagnostics import Diagnostics, Location, excerpt
from generator.load.specdata import MISSING, follow

_MAX_REPORTED = 200  # a badly broken file should not drown the terminal


def detect_version(data: Any) -> str | None:
    """'2.0', '3.0', '3.1' or '3.2' for a document we can read, else None."""
    if not isinstance(data, dict):
        return None
    if str(data.get("swagger", "")).startswith("2."):
        return "2.0"
    version = str(data.get("openapi", ""))
    for prefix in ("3.0", "3.1", "3.2"):
        if version.startswith(prefix):
            return prefix
    return None


def check_document_kind(data: Any, file: str, diagnostics: Diagnostics) -> str | None:
    version = detect_version(data)
    if version is not None:
        return version
    if not isinstance(data, dict):
        diagnostics.error(
            "E003",
            "not an OpenAPI document: the top level is not a mapping",
            Location(file),
            "the file must start with `openapi: 3.1.0` (or 3.0.x)",
        )
    elif "openapi" in data or "swagger" in data:
        found = data.get("openapi", data.get("swagger"))
        diagnostics.error(
            "E004",
            f"unsupported OpenAPI version {excerpt(found)}",
            Location(file, "/openapi" if "openapi" in data else "/swagger"),
            "oagen reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2",
        )
    else:
        diagnostics.error(
            "E003",
            "not an OpenAPI document: no `openapi` or `swagger` key",
            Location(file),
            "the file must start with `openapi: 3.1.0` (or 3.0.x)",
        )
    return None


def preload() -> None:
    """Import what `validate_document` uses (about half a second), ahead of the document."""
    import openapi_spec_validator  # noqa: F401
    from openapi_spec_validator.validation import keywords  # noqa: F401

    with contextlib.suppress(ImportError):
        import jsonschema_rs  # noqa: F401
        from openapi_schema_validator.validators import OAS30Validator  # noqa: F401


# A document the validator may read: its real path, display name and data.
Document = tuple[str, str, Any]


def validate_document(
    data: dict[str, Any],
    version: str,
    file: str,
    base_uri: str,
    diagnostics: Diagnostics,
    documents: Sequence[Document] = (),
) -> int:
    """Report every violation as a W100 warning; returns how many were found. `$ref`s resolve
    to `data` (at `base_uri`, a file: URI) and `documents` only."""
    from openapi_spec_validator import (
        OpenAPIV2SpecValidator,
        OpenAPIV30SpecValidator,
        OpenAPIV31SpecValidator,
        OpenAPIV32SpecValidator,
    )

    validator_class: Any = {
        "2.0": OpenAPIV2SpecValidator,
        "3.0": OpenAPIV30SpecValidator,
        "3.1": OpenAPIV31SpecValidator,
        "3.2": OpenAPIV32SpecValidator,
    }[version]
    if version in ("3.0", "3.1"):
        validator_class = _with_rust_meta_checks(validator_class, version)
    validator_class = _with_set_registries(validator_class)
    handlers = _LoadedOnly(data, base_uri, documents)

    class Confined(validator_class):  # type: ignore[misc]
        resolver_handlers = handlers

    _use_cached_subscriptable_check()
    count = 0
    seen: set[tuple[Location, str]] = set()
    try:
        errors = Confined(data, base_uri=base_uri).iter_errors()
        for error in errors:
            # Each error costs the size of the instance it failed on (the backend prints the
            # instance into its message): past the report's limit, stop rather than walk on.
            if count >= _MAX_REPORTED:
                diagnostics.warning(
                    "W102",
                    f"more than {_MAX_REPORTED} spec violations; the rest are not checked",
                    Location(file),
                    "fix these first; generation goes on",
                )
                break
            location = _location_of(data, error, file, documents)
            message = _message_of(error)
            if (location, message) in seen:
                continue
            seen.add((location, message))
            count += 1
            diagnostics.warning(
                "W100",
                f"spec violation: {message}",
                location,
                "the generator interprets it; fix the spec, or run without --strict to accept it",
            )
    except RecursionError:
        diagnostics.warning(
            "W101",
            "the validator gave up on deeply recursive references",
            Location(file),
            "generation goes on; check the spec's $refs",
        )
    except Exception as exc:  # the validator may fail on inputs it cannot walk
        diagnostics.warning(
            "W101",
            f"the validator stopped early: {_exception_text(exc)}",
            Location(file),
            "generation goes on; the builder checks what it uses",
        )
    return count


class _Registry(list[Any]):
    """A list whose `in` is a set lookup. Keyword validators keep what they have seen (schema
    ids, operationIds) in lists they search with `in` at every step, which made validation
    quadratic: 20,000 schemas took 2.9 s and 40,000 took 8.9 s; 50,000 operations took over a
    minute. They only append to them and ask `in`. An unhashable item (an operationId that is an
    object, in an invalid spec) is kept aside and searched as before."""

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


# Keyword validator -> the registry attributes it keeps as lists.
_REGISTRIES = {
    "schema": ("visited_schema_ids", "meta_checked_schema_ids"),
    "operation": ("operation_ids_registry",),
}


def _with_set_registries(validator_class: Any) -> Any:
    """The validator with its keyword validators' registries as `_Registry`s (only those that
    are still empty lists, as the version this was written against makes them)."""
    replaced: dict[str, Any] = {}
    for keyword, names in _REGISTRIES.items():
        stock = validator_class.keyword_validators.get(keyword)
        if stock is None:
            continue

        def init(
            self: Any,
            *args: Any,
            _stock: Any = stock,
            _names: tuple[str, ...] = names,
            **kwargs: Any,
        ) -> None:
            _stock.__init__(self, *args, **kwargs)
            for name in _names:
                if type(getattr(self, name, None)) is list and not getattr(self, name):
                    setattr(self, name, _Registry())

        replaced[keyword] = type(stock.__name__, (stock,), {"__init__": init})

    class Validator(validator_class):  # type: ignore[misc]
        keyword_validators: ClassVar[dict[str, Any]] = {
            **validator_class.keyword_validators,
            **replaced,
        }

    return Validator


def _with_rust_meta_checks(validator_class: Any, version: str) -> Any:
    """The validator with each Schema Object checked against its meta-schema (3.0: JSON Schema
    draft 4; 3.1: the OAS 3.1 dialect) by jsonschema-rs rather than the pure-Python jsonschema:
    the same meta-schema, a fraction of the time on schema-heavy specs (the 3.1 dialect's
    `$dynamicRef`s are especially slow in Python). A 3.1 schema that declares another dialect,
    and validator versions without this hook, keep the stock path."""
    from openapi_spec_validator.validation import keywords

    stock = getattr(keywords, f"OpenAPIV{version.replace('.', '')}SchemaValidator", None)
    if stock is None or not hasattr(stock, "_get_schema_checker"):
        return validator_class
    checker = _rust_meta_checker(version)
    if checker is None:
        return validator_class

    class SchemaValidator(stock):  # type: ignore[misc,valid-type]
        def _get_schema_checker(self, schema: Any, schema_value: Any) -> Any:
            if (
                version == "3.0"
                or self._get_schema_dialect_id(schema, schema_value) == _OAS31_DIALECT
            ):
                return checker
            return super()._get_schema_checker(schema, schema_value)

    class Validator(validator_class):  # type: ignore[misc]
        keyword_validators: ClassVar[dict[str, Any]] = {
            **validator_class.keyword_validators,
            "schema": SchemaValidator,
        }

    return Validator


_SUBSCRIPTABLE_MEMBERS = ("__contains__", "__getitem__", "__len__")


class _Subscriptable(abc.ABC):  # noqa: B024 - a structural check, not an interface
    """pathable's `Subscriptable` protocol as an ABC: the same structural test (each member's
    first definition in the class's MRO is not None), answered once per class from ABCMeta's
    cache."""

    @classmethod
    def __subclasshook__(cls, subclass: type) -> Any:  # True, or NotImplemented to defer
        for member in _SUBSCRIPTABLE_MEMBERS:
            defined = next(
                (vars(base)[member] for base in subclass.__mro__ if member in vars(base)), None
            )
            if defined is None:
                return NotImplemented
        return True


def _use_cached_subscriptable_check() -> None:
    """The validator walks the document through pathable, which asks `isinstance(node,
    Subscriptable)` at every step. Subscriptable is a runtime-checkable Protocol, and on Python
    3.11 each such check re-collects the protocol's members: about a fifth of validation time on
    GitHub's description. pathable's module global is swapped for `_Subscriptable`, which
    answers the same question from a per-class cache, and only when it is the protocol this was
    written against."""
    try:
        from pathable import accessors, protocols
    except ImportError:
        return
    original = getattr(protocols, "Subscriptable", None)
    if getattr(accessors, "Subscriptable", None) is not original or original is None:
        return  # already swapped, or a pathable that no longer uses it this way
    declared = {name for name in vars(original) if name in _SUBSCRIPTABLE_MEMBERS}
    if declared != set(_SUBSCRIPTABLE_MEMBERS) or not getattr(original, "_is_protocol", False):
        return
    setattr(accessors, "Subscriptable", _Subscriptable)  # noqa: B010 - a module global


_OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
_OAS31_VOCABULARY = "https://spec.openapis.org/oas/3.1/meta/base"


def _rust_meta_checker(version: str) -> Any:
    """A callable raising jsonschema's ValidationError for a schema its meta-schema rejects."""
    try:
        import jsonschema_rs
        from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]
        from openapi_schema_validator._specifications import REGISTRY
        from openapi_schema_validator.validators import OAS30Validator
    except ImportError:
        return None
    if version == "3.0":
        validator = jsonschema_rs.validator_for(OAS30Validator.META_SCHEMA, validate_formats=True)
    else:
        registry = jsonschema_rs.Registry(
            [(uri, REGISTRY.contents(uri)) for uri in (_OAS31_DIALECT, _OAS31_VOCABULARY)]
        )
        validator = jsonschema_rs.validator_for(
            REGISTRY.contents(_OAS31_DIALECT), registry=registry, validate_formats=True
        )

    def check(schema: Any) -> None:
        error = next(validator.iter_errors(schema), None)
        if error is not None:  # _message_of keeps the message's first paragraph
            raise ValidationError(str(error), path=list(error.instance_path))

    return check


def _exception_text(exc: Exception) -> str:
    ref = getattr(exc, "ref", None)
    name = type(exc).__name__
    # str() of these dumps the whole document the reference was looked up in.
    if name == "PointerToNowhere" and isinstance(ref, str):
        return f"{name}: {excerpt(ref)} does not exist"
    anchor = getattr(exc, "anchor", None)
    if name in ("NoSuchAnchor", "InvalidAnchor") and isinstance(anchor, str):
        return f"{name}: the anchor {excerpt(anchor)} does not exist"
    detail = _message_of(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _message_of(error: Any) -> str:
    # The Rust schema backend appends the failing schema and instance after a blank line.
    message = str(getattr(error, "message", error)).strip().split("\n\n", 1)[0]
    message = message.replace("\n", " ")
    return message if len(message) <= 300 else message[:297] + "..."


def _location_of(data: Any, error: Any, file: str, referenced: Sequence[Document]) -> Location:
    """Where an error is: its pointer in the document, or in a file the document refers to.

    Errors from the schema-of-schemas checks carry a path relative to the schema being checked,
    not to the document; for those we find where that relative path occurs: in the document,
    else in the files it refers to (a schema from `parts/pet.yaml#/Pet`), else at the path's
    first step in the document.
    """
    path = [str(part) for part in getattr(error, "absolute_path", ())]
    if not path:
        return Location(file, _pointer_from_message(data, _message_of(error)))
    if _exists(data, path):
        return Location(file, _join(path))
    found = next(_find_suffix(data, path, []), None)
    if found is not None:
        return Location(file, _join(found))
    for _, display, document in referenced:
        found = next(_find_suffix(document, path, []), None)
        if found is not None:
            return Location(display, _join(found))
    return Location(file, _join(path[:1]))


class RefusedReference(LookupError):
    """The validator asked for a document oagen has not loaded."""


class _LoadedOnly(Mapping[str, Callable[[str], Any]]):
    """jsonschema-path's resolver handlers, keyed by URI scheme. Its retriever fetches any URI
    whose scheme has no handler (http(s) with requests, anything else with urlopen), so this
    mapping has one for every scheme: it serves the documents oagen loaded and refuses the
    rest without touching the network or the disk."""

    def __init__(self, data: Any, base_uri: str, documents: Sequence[Document]) -> None:
        self._documents = {path: document for path, _, document in documents}
        root = _path_of(base_uri)
        if root is not None:
            self._documents[root] = data

    def __getitem__(self, scheme: str) -> Callable[[str], Any]:
        return self._serve

    def __contains__(self, scheme: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(("file",))

    def __len__(self) -> int:
        return 1

    def _serve(self, uri: str) -> Any:
        path = _path_of(uri)
        if path is not None and path in self._documents:
            return self._documents[path]
        raise RefusedReference(f"{excerpt(uri)} is not a file oagen read")


def _path_of(uri: str) -> str | None:
    """The real path a local file: URI names (only the real path is compared: a symlink that
    leads out of the allowed folders leads to no loaded document), else None."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(uri)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = unquote(parts.path)
    if "\0" in path:
        return None
    return os.path.realpath(path)


_OPERATION_IN_PATH = re.compile(r"for '(\w+)' (?:operation )?in '([^']+)'")


def _pointer_from_message(data: Any, message: str) -> str:
    """Semantic checks (duplicate operationId, undeclared path parameter) carry no path; their
    message names the method and path, which is enough to point at the operation."""
    match = _OPERATION_IN_PATH.search(message)
    if match is None:
        return ""
    method, path = match.groups()
    parts = ["paths", path, method]
    if not _exists(data, parts):
        return ""
    if "Operation ID" in message and _exists(data, [*parts, "operationId"]):
        parts.append("operationId")
    return _join(parts)


def _exists(node: Any, path: Sequence[str]) -> bool:
    return follow(node, path) is not MISSING


def _find_suffix(node: Any, path: list[str], prefix: list[str]) -> Iterator[list[str]]:
    if path and _exists(node, path):
        yield prefix + path
        return
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _find_suffix(value, path, [*prefix, str(key)])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _find_suffix(value, path, [*prefix, str(index)])


def _join(parts: Sequence[str]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)
