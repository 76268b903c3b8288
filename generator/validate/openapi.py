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

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from generator import pointers
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
    from generator.validate.validator_adapter import findings

    handlers = _LoadedOnly(data, base_uri, documents)
    root = (_path_of(base_uri) or "", file, data)
    count = 0
    seen: set[tuple[Location, str]] = set()
    try:
        for error, parts in findings(data, version, base_uri, handlers):
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
            if parts is None:  # a finding of the document's own schema: a path in the document
                parts = tuple(getattr(error, "absolute_path", ()))
            location = _location(parts, root, documents)
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


_MAX_HOPS = 64  # `$ref`s followed in a row while placing a finding (a cycle stops there)


def _location(parts: Sequence[Any], root: Document, documents: Sequence[Document]) -> Location:
    """Where a finding is: `parts` are keys from the document's root as the validator walked
    them, through `$ref`s, which are followed here (into the files the document refers to) to
    the place the node is written. A `$ref` that leads nowhere known places it at the `$ref`."""
    by_path = {path: (path, display, document) for path, display, document in documents}
    path, display, node = root
    pointer: list[str] = []
    for part in map(str, parts):
        for _ in range(_MAX_HOPS):
            if not (isinstance(node, dict) and part not in node and "$ref" in node):
                break
            target = _target(node["$ref"], path, (path, display, root[2]), by_path)
            if target is None:
                return Location(display, _join([*pointer, "$ref"]))
            path, display, node, pointer = target
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
        pointer.append(part)
    return Location(display, _join(pointer))


def _target(
    ref: Any, base: str, current: Document, by_path: Mapping[str, Document]
) -> tuple[str, str, Any, list[str]] | None:
    """The file, display name, node and pointer a `$ref` written in the file `base` names."""
    if not isinstance(ref, str):
        return None
    file_part, _, fragment = ref.partition("#")
    if file_part:
        if "://" in file_part or not base:
            return None
        found = by_path.get(
            os.path.realpath(os.path.join(os.path.dirname(base), unquote(file_part)))
        )
        if found is None:
            return None
        current = found
    path, display, node = current
    pointer = pointers.fragment_parts(fragment)
    node = follow(node, pointer)
    if node is MISSING:
        return None
    return path, display, node, pointer


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


def _join(parts: Sequence[str]) -> str:
    return pointers.join(parts)
