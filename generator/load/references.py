"""References: load every file a description's `$ref`s name, before anything else reads them.

The validator then gets exactly these documents and nothing else (it fetches nothing, reads no
file itself), and each `$ref` that may not be followed (a URL, an absolute path, a file outside
the allowed folders, a device) is reported once, at the `$ref`, by `Sources.load_reference`.

`$ref` keys inside example values, defaults, enums and `x-` extensions are data, not references
(GitHub's description has SCIM examples with `"$ref": "https://api.github.com/..."`), so the walk
skips those places unless the key is a name in a map of names (a property called `example`).
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Location
from generator.load.sources import LoadError, SourceFile, Sources

_MAX_FILES = 1000  # referenced files per description; beyond, the rest are reported as unread
_DATA_KEYS = frozenset(("example", "default", "enum", "const"))
# Maps whose keys are names chosen by the author, so `example` there is not the keyword.
_NAME_MAPS = frozenset(
    (
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "schemas",
        "parameters",
        "responses",
        "examples",
        "headers",
        "requestBodies",
        "securitySchemes",
        "links",
        "callbacks",
        "pathItems",
        "paths",
        "dependentSchemas",
        "content",
        "encoding",
        "variables",
        "mapping",
        "webhooks",
    )
)

# A walk entry: the node, the entry of its parent (None at the top), and its key there.
_Entry = tuple[Any, Any, "str | int | None"]


def load_referenced(sources: Sources, root: SourceFile) -> list[SourceFile]:
    """Every file reachable from `root` through `$ref`s that may be read, each loaded once (in
    `sources`), in the order first referred to."""
    loaded: list[SourceFile] = []
    queue = [root]
    seen = {root.path}
    while queue:
        current = queue.pop(0)
        for file_part, where in _external_refs(current):
            if len(seen) >= _MAX_FILES:
                sources.diagnostics.error(
                    "E005",
                    f"more than {_MAX_FILES} referenced files; the rest were not read",
                    where,
                    "bundle the description into fewer files",
                )
                return loaded
            try:
                target = sources.load_reference(file_part, current, where)
            except LoadError:
                continue
            if target.path not in seen:
                seen.add(target.path)
                loaded.append(target)
                queue.append(target)
    return loaded


def _external_refs(source: SourceFile) -> list[tuple[str, Location]]:
    """(file part, location of the `$ref`) of each reference into another file."""
    found: list[tuple[str, Location]] = []
    for path, ref in external_refs(source.data):
        file_part = ref.split("#", 1)[0]
        if file_part:
            found.append((file_part, Location(source.display).child(*path, "$ref")))
    return found


def external_refs(data: Any) -> list[tuple[list[str | int], str]]:
    """(keys from the top of `data` down to the mapping, value) of each `$ref` that does not
    start with `#`, outside data (examples, defaults, enums, `x-` extensions), in document
    order; a node YAML aliases share is walked once."""
    found: list[tuple[list[str | int], str]] = []
    visited: set[int] = set()
    stack: list[_Entry] = [(data, None, None)]
    while stack:
        entry = stack.pop()
        node = entry[0]
        if id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                found.append((_path(entry), ref))
            parent_key = entry[2]
            names = parent_key in _NAME_MAPS
            for key, value in node.items():
                if isinstance(value, dict | list) and (names or not _is_data(key, entry)):
                    stack.append((value, entry, key))
        elif isinstance(node, list):
            stack.extend(
                (value, entry, index)
                for index, value in enumerate(node)
                if isinstance(value, dict | list)
            )
    found.reverse()  # the stack walks backwards; report in document order
    return found


def _is_data(key: str, entry: _Entry) -> bool:
    """Whether the value under `key` of the mapping at `entry` is data, not description."""
    if key in _DATA_KEYS or key.startswith("x-"):
        return True
    if key == "value":  # an Example Object's value: examples -> name -> value
        parent = entry[1]
        return parent is not None and parent[2] == "examples"
    return key == "examples" and isinstance(entry[0].get(key), list)  # a schema's examples


def _path(entry: _Entry) -> list[str | int]:
    """The keys and indexes from the document's top down to `entry`."""
    parts: list[str | int] = []
    while entry is not None and entry[1] is not None:
        key = entry[2]
        assert key is not None  # only the top entry has no key
        parts.append(key)
        entry = entry[1]
    parts.reverse()
    return parts
