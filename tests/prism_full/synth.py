"""Deterministic request values from an OpenAPI 3.1 document's JSON schemas.

:class:`Schemas` wraps a loaded document: :meth:`Schemas.synth` builds the simplest value a
schema accepts (enums take their first value, objects only their required properties, arrays
``minItems`` items, ``oneOf``/``anyOf`` the first option that validates, ``allOf`` is merged,
strings honour ``format``, ``pattern`` and lengths, numbers their bounds), and
:meth:`Schemas.valid` checks a value with ``jsonschema`` (Draft 2020-12, formats asserted), the
way Prism's validator would.  Local ``$ref``s are rewritten to absolute ``urn:`` references once,
so any sub-schema validates on its own against the whole document.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ["Schemas"]

_BASE = "urn:oagen-test:spec"
_MAX_DEPTH = 24

_FORMATS: dict[str, str] = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "12:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "iri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "hostname": "example.com",
    "byte": "aGVsbG8=",
    "binary": "binary",
    "password": "secret",
}

# Strings tried in order for a ``pattern`` (after the schema's own examples).
_PATTERN_CANDIDATES = (
    "abc",
    "a",
    "a" * 64,
    "0",
    "2025-01-01",
    "sk-" + "a" * 48,
    "https://user:pass@example.com/project/12345",
)


def _absolute_refs(node: Any) -> Any:
    if isinstance(node, dict):
        out = {key: _absolute_refs(value) for key, value in node.items()}
        ref = out.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            out["$ref"] = _BASE + ref
        return out
    if isinstance(node, list):
        return [_absolute_refs(item) for item in node]
    return node


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


class Schemas:
    """A document's schemas: resolve, synthesise and validate values."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document: dict[str, Any] = _absolute_refs(copy.deepcopy(document))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self._formats = jsonschema.Draft202012Validator.FORMAT_CHECKER

    # -- navigation ---------------------------------------------------------------------------

    def pointer(self, pointer: str) -> Any:
        """The node at a JSON pointer (``/paths/~1keys/get``) of the document."""
        node: Any = self.document
        for token in pointer.lstrip("/").split("/") if pointer.strip("/") else ():
            key = _unescape(token)
            node = node[int(key)] if isinstance(node, list) else node[key]
        return node

    def deref(self, node: Any) -> Any:
        """Follow ``$ref``s; a reference's sibling keywords are merged over its target."""
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if not ref.startswith(_BASE + "#"):
                raise ValueError(f"unsupported $ref {ref!r}")
            target = self.pointer(ref[len(_BASE) + 1 :])
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            node = {**target, **siblings} if siblings else target
            seen += 1
            if seen > 64:
                raise ValueError(f"$ref cycle at {ref!r}")
        return node

    def merged(self, schema: Any) -> dict[str, Any]:
        """``schema`` dereferenced with its ``allOf`` parts merged in (recursively)."""
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return {}
        if "allOf" not in schema:
            return schema
        out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = dict(out.get("properties", {}))
        required: list[str] = list(out.get("required", []))
        for part in schema["allOf"]:
            part = self.merged(part)
            for key, value in part.items():
                if key == "properties":
                    for name, sub in value.items():
                        properties.setdefault(name, sub)
                elif key == "required":
                    required.extend(r for r in value if r not in required)
                else:
                    out.setdefault(key, value)
        if properties:
            out["properties"] = properties
        if required:
            out["required"] = required
        return out

    # -- validation ---------------------------------------------------------------------------

    def errors(self, value: Any, schema: Any) -> list[str]:
        """Why ``value`` does not validate against ``schema`` (empty when it does)."""
        validator = jsonschema.Draft202012Validator(
            schema, registry=self._registry, format_checker=self._formats
        )
        return [
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
            for e in validator.iter_errors(value)
        ]

    def valid(self, value: Any, schema: Any) -> bool:
        validator = jsonschema.Draft202012Validator(
            schema, registry=self._registry, format_checker=self._formats
        )
        return bool(validator.is_valid(value))

    # -- synthesis ----------------------------------------------------------------------------

    def examples(self, schema: Any) -> Iterator[Any]:
        schema = self.deref(schema)
        if not isinstance(schema, dict):
            return
        if isinstance(schema.get("examples"), list):
            yield from schema["examples"]
        if "example" in schema:
            yield schema["example"]

    def synth(self, schema: Any, depth: int = 0) -> Any:
        """The simplest value ``schema`` accepts (best effort: check it with :meth:`valid`)."""
        if depth > _MAX_DEPTH:
            return None
        node = self.merged(schema)
        if node is True or not node:
            return "value"
        if "const" in node:
            return node["const"]
        if isinstance(node.get("enum"), list) and node["enum"]:
            return next((v for v in node["enum"] if v is not None), node["enum"][0])
        for key in ("oneOf", "anyOf"):
            options = node.get(key)
            if isinstance(options, list) and options:
                rest = {k: v for k, v in node.items() if k != key}
                candidates = []
                for option in options:
                    option_node = self.merged(option)
                    if _types(option_node) == ["null"]:
                        continue
                    merged_option = {**rest, **option_node}
                    if "properties" in rest and "properties" in option_node:
                        merged_option["properties"] = {
                            **rest["properties"],
                            **option_node["properties"],
                        }
                    if "required" in rest and "required" in option_node:
                        merged_option["required"] = [*rest["required"], *option_node["required"]]
                    candidate = self.synth(merged_option, depth + 1)
                    if self.valid(candidate, schema):
                        return candidate
                    candidates.append(candidate)
                return candidates[0] if candidates else None
        kind = _kind(node)
        if kind == "null":
            return None
        if kind == "boolean":
            return True
        if kind in ("integer", "number"):
            return _number(node, integer=kind == "integer")
        if kind == "string":
            return self._string(node, schema)
        if kind == "array":
            return self._array(node, depth)
        return self._object(node, depth)

    def _string(self, node: dict[str, Any], schema: Any) -> str:
        fmt = node.get("format")
        value = _FORMATS.get(fmt, "string") if isinstance(fmt, str) else "string"
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            tried = [e for e in self.examples(schema) if isinstance(e, str)]
            for candidate in (*tried, value, *_PATTERN_CANDIDATES):
                if re.search(pattern, candidate):
                    value = candidate
                    break
        low = node.get("minLength")
        high = node.get("maxLength")
        if isinstance(low, int) and len(value) < low:
            value += "x" * (low - len(value))
        if isinstance(high, int) and len(value) > high:
            value = value[:high]
        return value

    def _array(self, node: dict[str, Any], depth: int) -> list[Any]:
        count = max(int(node.get("minItems", 0)), 1)
        if isinstance(node.get("maxItems"), int):
            count = min(count, node["maxItems"])
        prefix = node.get("prefixItems")
        if isinstance(prefix, list) and prefix:
            items = [self.synth(p, depth + 1) for p in prefix]
            return items[: max(count, len(prefix))]
        item_schema = node.get("items", {})
        value = self.synth(item_schema, depth + 1)
        if count <= 1:
            return [value] if count == 1 else []
        if not node.get("uniqueItems"):
            return [copy.deepcopy(value) for _ in range(count)]
        item = self.merged(item_schema)
        if isinstance(item.get("enum"), list):
            return list(item["enum"][:count])
        if isinstance(value, str):
            return [f"{value}{i}" if i else value for i in range(count)]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return [value + i for i in range(count)]
        return [copy.deepcopy(value) for _ in range(count)]

    def _object(self, node: dict[str, Any], depth: int) -> dict[str, Any]:
        properties = node.get("properties", {})
        out: dict[str, Any] = {}
        for name in node.get("required", []):
            sub = properties.get(name)
            if sub is None:
                extra = node.get("additionalProperties")
                sub = extra if isinstance(extra, dict) else {}
            out[name] = self.synth(sub, depth + 1)
        minimum = node.get("minProperties")
        if isinstance(minimum, int) and len(out) < minimum:
            for name, sub in properties.items():
                if len(out) >= minimum:
                    break
                out.setdefault(name, self.synth(sub, depth + 1))
            extra = node.get("additionalProperties")
            index = 0
            while len(out) < minimum and extra is not False:
                out[f"key{index}"] = self.synth(extra if isinstance(extra, dict) else {}, depth + 1)
                index += 1
        return out


def _types(node: Any) -> list[str]:
    if not isinstance(node, dict):
        return []
    kind = node.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [str(k) for k in kind]
    return []


def _kind(node: dict[str, Any]) -> str:
    types = [t for t in _types(node) if t != "null"]
    if types:
        return types[0]
    if _types(node) == ["null"]:
        return "null"
    if "properties" in node or "additionalProperties" in node or "required" in node:
        return "object"
    if "items" in node or "prefixItems" in node:
        return "array"
    if any(k in node for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")):
        return "number"
    return "string"


def _number(node: dict[str, Any], *, integer: bool) -> int | float:
    low: float | None = None
    high: float | None = None
    if isinstance(node.get("minimum"), (int, float)):
        low = node["minimum"]
    if isinstance(node.get("exclusiveMinimum"), (int, float)):
        bound = node["exclusiveMinimum"]
        low = bound + 1 if integer else bound + 0.5
    if isinstance(node.get("maximum"), (int, float)):
        high = node["maximum"]
    if isinstance(node.get("exclusiveMaximum"), (int, float)):
        bound = node["exclusiveMaximum"]
        high = bound - 1 if integer else bound - 0.5
    value: float = 1
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high if low is None else max(low, high)
    step = node.get("multipleOf")
    if isinstance(step, (int, float)) and step > 0:
        value = math.ceil(value / step) * step
    if integer:
        return math.ceil(value)
    return int(value) if float(value).is_integer() else float(value)
