"""Resolve: follow `$ref`s, local and into relative external files, reporting the ones that fail.

Which files a `$ref` may read is `Sources.load_reference`'s decision: nothing remote, nothing
outside the allowed folders."""

from __future__ import annotations

from typing import Any

from generator import pointers
from generator.diagnostics import Diagnostics, Location, excerpt
from generator.load.sources import LoadError, SourceFile, Sources
from generator.load.specdata import walk


class Resolver:
    """Resolves references relative to the file a node lives in."""

    def __init__(self, sources: Sources, root: SourceFile, diagnostics: Diagnostics) -> None:
        self.sources = sources
        self.root = root
        self.diagnostics = diagnostics
        self._by_display: dict[str, SourceFile] = {root.display: root}
        self._reported: set[tuple[str, str]] = set()

    def file_of(self, location: Location) -> SourceFile:
        return self._by_display.get(location.file, self.root)

    def resolve(self, ref: Any, where: Location) -> tuple[Any, Location] | None:
        """The node a `$ref` points at and its location, or None (with a W201 warning: the
        builder loosens what the reference stood for to `Any` and generation goes on)."""
        if not isinstance(ref, str):
            self._report(where, f"$ref must be a string, got {type(ref).__name__}")
            return None
        file_part, _, fragment = ref.partition("#")
        source = self.file_of(where)
        if file_part:
            try:  # refuses URLs and files outside the allowed folders, reporting at `where`
                source = self.sources.load_reference(file_part, source, where)
            except LoadError:
                return None
            self._by_display.setdefault(source.display, source)
        parts = pointers.fragment_parts(fragment)
        node, reached = walk(source.data, parts)
        if reached < len(parts):
            self._report(
                where,
                f"unresolved $ref {excerpt(ref)}: no `{parts[reached]}` in "
                f"{source.display}#{pointers.join(parts[:reached]) or '/'}",
                "check the spelling of the reference and that the target exists",
            )
            return None
        pointer = pointers.join(parts)  # canonical form
        return node, Location(source.display, pointer)

    def deref(self, node: Any, where: Location) -> tuple[Any, Location] | None:
        """Follow a chain of `$ref`s to a node that is not a pure reference."""
        seen: set[tuple[str, str]] = set()
        while isinstance(node, dict) and "$ref" in node:
            key = (where.file, where.pointer)
            if key in seen:
                self._report(where, "circular $ref chain", "a $ref must end at a real object")
                return None
            seen.add(key)
            resolved = self.resolve(node["$ref"], where.child("$ref"))
            if resolved is None:
                return None
            node, where = resolved
        return node, where

    def _report(self, where: Location, message: str, hint: str | None = None) -> None:
        key = (where.file, where.pointer)
        if key in self._reported:
            return
        self._reported.add(key)
        self.diagnostics.warning("W201", message + "; it is typed as Any", where, hint)
