"""Spec text to plain data: the JSON reader and a YAML loader tuned for OpenAPI, within the
loader's bounds (bounds.py), each failure a located diagnostic (load_errors.py).

JSON files are read with the JSON parser (YAML parsers reject some valid JSON, such as surrogate
escapes). YAML uses PyYAML's C parser when available, or fastyaml where it reads the same.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import yaml

from generator.diagnostics import Diagnostic, Diagnostics, Location, Severity, excerpt
from generator.load import bounds, fastyaml
from generator.load.bounds import MAX_INTEGER_DIGITS
from generator.load.load_errors import (
    bounds_failure,
    integer_failure,
    parse_failure,
    report_infinite_numbers,
    utf16_hint,
)

__all__ = ["SpecLoader", "parse_document"]

try:  # the C parser is several times faster on large specs
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class SpecLoader(_BaseLoader):
    """Safe YAML loader tuned for OpenAPI: timestamps stay strings and keys keep their text."""

    duplicates: list[tuple[str, int, int]]  # (key, line, column) of each repeated key


def _construct_mapping(loader: SpecLoader, node: yaml.MappingNode) -> dict[str, Any]:
    written = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # puts what `<<` merges in first, then the keys written here
    first_written = len(node.value) - written
    out: dict[str, Any] = {}
    seen: set[Any] = set()  # keys written here: one that overrides a merged key is no duplicate
    for index, (key_node, value_node) in enumerate(node.value):
        # `200:` and `yes:` must stay the strings the author wrote, not int 200 or True.
        key = (
            key_node.value
            if isinstance(key_node, yaml.ScalarNode)
            else str(loader.construct_object(key_node, deep=True))
        )
        if index >= first_written:
            if key in seen:
                mark = key_node.start_mark
                loader.duplicates.append((str(key), mark.line + 1, mark.column + 1))
            seen.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


def _construct_timestamp(loader: SpecLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)


# YAML 1.2 booleans only: `NO` (Norway) and `on` stay strings, as OpenAPI 3.1 expects.
SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def parse_document(
    path: Path, display: str, raw: bytes, text: str, diagnostics: Diagnostics
) -> tuple[Any, bool]:
    """The data of `text` (the decoded `raw` of `path`) and whether it was read as JSON; a
    failure is recorded in `diagnostics` and raises LoadError."""
    is_json = path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "[")
    shared = False  # whether one object may sit at several places (YAML aliases)
    if is_json:
        try:
            repeated: list[str] = []
            infinite: list[str] = []
            data = _load_json(text, repeated, infinite)
            for key in repeated:
                diagnostics.warning(
                    "W003",
                    f"duplicate key {excerpt(key)}; the last one is used",
                    Location(display),
                    "remove or rename one of the two",
                )
            if infinite:
                report_infinite_numbers(diagnostics, display, text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                parse_failure(
                    diagnostics, display, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}"
                )
            is_json = False  # a YAML file in flow style; let the YAML parser have a go
        except RecursionError:
            bounds_failure(diagnostics, display, text, True, bounds.TOO_DEEP, SpecLoader)
        except _IntegerTooLong as exc:
            line, column = bounds.line_column(text, text.find(exc.digits))
            integer_failure(diagnostics, display, len(exc.digits), line, column)
    if not is_json and (fast := fastyaml.load(text, SpecLoader)) is not None:
        data = fast
    elif not is_json:
        shared = "*" in text
        try:
            loader = SpecLoader(text)
            loader.duplicates = []
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
            for key, line, column in loader.duplicates:
                diagnostics.items.append(
                    Diagnostic(
                        Severity.WARNING,
                        "W003",
                        f"duplicate key {excerpt(key)}; the last one is used",
                        Location(display),
                        "remove or rename one of the two",
                        line,
                        column,
                    )
                )
        except _IntegerTooLong as exc:
            mark = exc.problem_mark
            integer_failure(
                diagnostics,
                display,
                len(exc.digits),
                mark.line + 1 if mark else 1,
                mark.column + 1 if mark else 1,
            )
        except RecursionError:
            bounds_failure(diagnostics, display, text, False, bounds.TOO_DEEP, SpecLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            column = mark.column + 1 if mark else 1
            problem = exc.problem or exc.context or "invalid YAML"
            parse_failure(diagnostics, display, line, column, f"malformed YAML: {problem}")
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at an offset
            line, column = bounds.line_column(text, exc.position)
            parse_failure(
                diagnostics,
                display,
                line,
                column,
                f"malformed YAML: the character U+{exc.character:04X} is not allowed in YAML"
                if isinstance(exc.character, int)
                else "malformed YAML: a character YAML does not allow",
                utf16_hint(raw),
            )
        except yaml.YAMLError as exc:
            parse_failure(diagnostics, display, 1, 1, f"malformed YAML: {exc}")
    kind = bounds.problem(data, shared)
    if kind is not None:
        bounds_failure(diagnostics, display, text, is_json, kind, SpecLoader)
    return data, is_json


# A run of more digits, found from its first digit only (the lookbehind keeps the scan linear).
_LONG_DIGITS = re.compile(rf"(?<![0-9])[0-9]{{{MAX_INTEGER_DIGITS + 1}}}")


class _IntegerTooLong(yaml.constructor.ConstructorError):
    """An integer with more than MAX_INTEGER_DIGITS digits (a YAML error, so it has a mark)."""

    def __init__(self, digits: str, mark: Any = None) -> None:
        super().__init__(None, None, "integer too long", mark)
        self.digits = digits


def _load_json(text: str, repeated: list[str], infinite: list[str]) -> Any:
    """The document; keys given twice are added to `repeated`, and NaN, Infinity and numbers
    too large for a float (read as inf) to `infinite`."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        return _json_object(items, repeated)

    def constant(token: str) -> float:
        infinite.append(token)
        return float(token)

    def number(token: str) -> float:
        value = float(token)
        if math.isinf(value):
            infinite.append(token)
        return value

    options: dict[str, Any] = {"object_pairs_hook": pairs, "parse_constant": constant}
    if _LONG_DIGITS.search(text) is not None:  # else json's own integer parsing, faster
        options["parse_int"] = _json_int
    if _LARGE_EXPONENT.search(text) is not None:  # else json's own float parsing, faster
        options["parse_float"] = number
    return json.loads(text, **options)


_LARGE_EXPONENT = re.compile(r"[0-9][eE][+]?[0-9]{3}")


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _IntegerTooLong(digits)
    return int(digits)


def _construct_int(loader: SpecLoader, node: yaml.ScalarNode) -> Any:
    if len(str(node.value)) > MAX_INTEGER_DIGITS:
        raise _IntegerTooLong(str(node.value), node.start_mark)
    try:
        return _BaseLoader.construct_yaml_int(loader, node)
    except ValueError:  # `!!int zz`: a tag on text that is no number
        raise _not_a(node, "an integer") from None


def _construct_float(loader: SpecLoader, node: yaml.ScalarNode) -> Any:
    try:
        return _BaseLoader.construct_yaml_float(loader, node)
    except ValueError:
        raise _not_a(node, "a number") from None


def _not_a(node: yaml.Node, kind: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        None,
        None,
        f"{excerpt(node.value)} is tagged {node.tag.rsplit(':', 1)[-1]} but is not {kind}",
        node.start_mark,
    )


def _construct_pairs(loader: SpecLoader, node: yaml.SequenceNode) -> list[Any]:
    # `!!omap` and `!!pairs` as the list of one-key mappings they are written as: the tuples
    # PyYAML builds are no JSON data, and the depth check walks only lists and mappings.
    return loader.construct_sequence(node, deep=True)


def _construct_binary(loader: SpecLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)  # the base64 text: JSON data has no bytes


SpecLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
SpecLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
SpecLoader.add_constructor("tag:yaml.org,2002:omap", _construct_pairs)
SpecLoader.add_constructor("tag:yaml.org,2002:pairs", _construct_pairs)
SpecLoader.add_constructor("tag:yaml.org,2002:binary", _construct_binary)


def _json_object(pairs: list[tuple[str, Any]], repeated: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            repeated.append(key)
        out[key] = value
    return out
