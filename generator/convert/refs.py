"""Swagger 2.0 conversion, the shared part: the files being converted (scopes), following
`$ref`s, and rewriting every `$ref` once the whole document has moved (see `convert`); schemas
and plain data are copied with their `$ref`s recorded for that."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Diagnostics, Location
from generator.load.sources import LoadError, Sources
from generator.load.specdata import MISSING, Copier, follow
from generator.pointers import fragment_escape, fragment_parts

JSON = "application/json"
# Schema keywords whose value is data, not schemas: never walked for `$ref`s.
LITERAL_KEYWORDS = frozenset({"example", "examples", "default", "enum", "const", "x-example"})
_SUBSCHEMA_KEYWORDS = frozenset({"items", "additionalProperties", "not"})
_SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf"})

Pointer = tuple[str, ...]
# Where a converted node came from and where it goes, both in the root document; None when the
# node is copied inline from elsewhere (no local `$ref` can point at its new place).
Track = tuple[Pointer, Pointer] | None


@dataclass(frozen=True, slots=True)
class Scope:
    """A file whose nodes are being converted: `base` is its path relative to the root's folder
    ("" for the root document itself), `display` the name diagnostics use."""

    base: str
    display: str
    data: Any


@dataclass(frozen=True, slots=True)
class Target:
    """A node found by following `$ref`s: where it is, and its fragment split into parts."""

    node: Any
    scope: Scope
    where: Location
    parts: Pointer


class ConverterBase:
    """The converter's state, and what every part of it uses: references, schemas, data."""

    def __init__(
        self, document: Any, file: str, diagnostics: Diagnostics, roots: tuple[Path, ...] = ()
    ) -> None:
        self.document: dict[str, Any] = document if isinstance(document, dict) else {}
        self.file = file
        self.diagnostics = diagnostics
        self.root = Scope("", file, self.document)
        self.root_dir = Path(file).parent
        self.root_name = posixpath.normpath(Path(file).name)
        self.consumes = media_types(self.document.get("consumes")) or [JSON]
        self.produces = media_types(self.document.get("produces")) or [JSON]
        self.moves: dict[Pointer, Pointer] = {}
        self.refs: list[tuple[dict[str, Any], Scope]] = []
        self._files: dict[str, Scope | None] = {}
        self._sources: Sources | None = None
        self._roots = roots
        self._is_root: dict[str, bool] = {}
        self._resolved: dict[tuple[str, str], Target | None] = {}

    def _schema(self, node: Any, scope: Scope) -> Any:
        if not isinstance(node, dict):
            return self._data(node, scope)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self._schema(prop, scope) for name, prop in value.items()}
            elif key in _SUBSCHEMA_KEYWORDS:
                out[key] = (
                    [self._schema(item, scope) for item in value]
                    if isinstance(value, list)
                    else self._schema(value, scope)
                )
            elif key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                out[key] = [self._schema(item, scope) for item in value]
            elif key in LITERAL_KEYWORDS:
                out[key] = copy_data(value)
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            elif isinstance(value, (dict, list)):
                out[key] = self._data(value, scope)
            else:
                out[key] = value
        if out.get("type") == "file":
            out["type"] = "string"
            out["format"] = "binary"
        if isinstance(out.get("$ref"), str):
            self.refs.append((out, scope))
        return out

    def _data(self, node: Any, scope: Scope) -> Any:
        """A copy of `node` whose `$ref`s are rewritten at the end."""
        if isinstance(node, dict):
            out = {
                key: self._data(value, scope) if isinstance(value, (dict, list)) else value
                for key, value in node.items()
            }
            if isinstance(out.get("$ref"), str):
                self.refs.append((out, scope))
            return out
        if isinstance(node, list):
            return [
                self._data(item, scope) if isinstance(item, (dict, list)) else item for item in node
            ]
        return node

    def _deref(self, node: Any, scope: Scope, where: Location) -> Target | None:
        """Follow `$ref`s from `node` to a node that is not a reference; None if one fails."""
        target = Target(node, scope, where, ())
        seen: set[tuple[str, Pointer]] = set()
        while isinstance(target.node, dict) and "$ref" in target.node:
            ref = target.node["$ref"]
            if not isinstance(ref, str) or len(seen) > 50:
                return None
            found = self._resolve(ref, target.scope)
            if found is None or (found.scope.base, found.parts) in seen:
                return None
            seen.add((found.scope.base, found.parts))
            target = found
        return target

    def _resolve(self, ref: str, scope: Scope) -> Target | None:
        key = (scope.base, ref)
        if key in self._resolved:
            return self._resolved[key]
        found = self._resolve_uncached(ref, scope)
        self._resolved[key] = found
        return found

    def _resolve_uncached(self, ref: str, scope: Scope) -> Target | None:
        file_part, _, fragment = ref.partition("#")
        if file_part:
            if "://" in file_part:
                return None  # remote references are not fetched
            found = self._scope_of(self._relative(file_part, scope))
            if found is None:
                return None
            scope = found
        parts = fragment_parts(fragment)
        node = follow(scope.data, parts)
        if node is MISSING:
            return None
        return Target(node, scope, Location(scope.display).child(*parts), tuple(parts))

    def _relative(self, file_part: str, scope: Scope) -> str:
        """The path of a file referred to from `scope`, relative to the root's folder."""
        return posixpath.normpath(posixpath.join(posixpath.dirname(scope.base), unquote(file_part)))

    def _names_root(self, relative: str) -> bool:
        """Whether `relative` is the root document itself (`swagger.yaml#/definitions/X`)."""
        found = self._is_root.get(relative)
        if found is None:
            found = relative == self.root_name
            if not found and relative.endswith(self.root_name):
                try:
                    found = (self.root_dir / relative).resolve() == Path(self.file).resolve()
                except (OSError, ValueError):
                    found = False
            self._is_root[relative] = found
        return found

    def _scope_of(self, relative: str) -> Scope | None:
        if self._names_root(relative):
            return self.root
        if relative in self._files:
            return self._files[relative]
        if self._sources is None:
            # A private sink: a file that cannot be read is reported by the resolver.
            self._sources = Sources(self.root_dir, Diagnostics(), roots=self._roots)
        scope: Scope | None
        try:
            source = self._sources.load(self.root_dir / relative)
            scope = Scope(relative, source.display, source.data)
        except (LoadError, OSError, ValueError):
            scope = None
        self._files[relative] = scope
        return scope

    def _final_ref(self, ref: str, scope: Scope) -> str:
        """`ref` as written in `scope`, as it must read in the converted root document."""
        file_part, hash_sign, fragment = ref.partition("#")
        if "://" in file_part:
            return ref
        relative = self._relative(file_part, scope) if file_part else scope.base
        if (scope is self.root and not file_part) or self._names_root(relative):
            return "#" + self._moved(fragment)
        if scope is self.root:
            return ref  # into another file, which the resolver reads unconverted
        encoded = relative.replace("%", "%25").replace("#", "%23")
        return encoded + hash_sign + fragment

    def _moved(self, fragment: str) -> str:
        if not fragment.startswith("/"):
            return fragment
        parts = tuple(fragment_parts(fragment))
        for length in range(len(parts), 0, -1):
            moved = self.moves.get(parts[:length])
            if moved is not None:
                return "".join("/" + fragment_escape(part) for part in moved + parts[length:])
        return fragment


def media_types(value: Any) -> list[str] | None:
    if isinstance(value, list):
        found = [item for item in value if isinstance(item, str) and item.strip()]
        if found:
            return list(dict.fromkeys(found))
    return None


def child_track(track: Track, *parts: str) -> Track:
    if track is None:
        return None
    return track[0] + parts, track[1] + parts


def copy_data(value: Any) -> Any:
    """A copy of literal data (examples, defaults, enums): the input is never shared."""
    return Copier().copy(value)
