"""Applying checked overlays to a document: targets selected within a shared budget of visits,
updates merged and copied within a budget of nodes and the loader's depth, removals, and notes on
inserted `$ref`s that will not be read. The semantics are in `generator.overlay.document`."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator import pointers
from generator.diagnostics import Diagnostics, Location, excerpt
from generator.load.references import external_refs
from generator.load.sources import SourceFile, Sources
from generator.load.specdata import Copier, LimitError
from generator.overlay.document import (
    LIMIT,
    MISFIT,
    REFERENCE_NOTE,
    UNMATCHED,
    Action,
    Overlay,
    describe_kind,
    load_overlay,
)
from generator.overlay.jsonpath import JsonPath
from generator.overlay.select import MAX_VISITS, Budget, NodePath

__all__ = ["MAX_COPIED", "MAX_OVERLAY_VISITS", "apply_overlay", "apply_overlays", "overlay_source"]

MAX_COPIED = 5_000_000  # nodes one overlay may copy, the document included
# Nodes the targets of one overlay may visit together: each action may visit MAX_VISITS, and
# 1,000 actions near that took an hour; about 70 `$..name` targets over the Kubernetes spec fit.
MAX_OVERLAY_VISITS = 10_000_000


def apply_overlay(
    document: Any,
    overlay: Overlay,
    diagnostics: Diagnostics,
    updated: list[Action] | None = None,
    *,
    max_visits: int = MAX_OVERLAY_VISITS,
) -> Any:
    """A copy of `document` with each action of `overlay` applied in order; `document` itself
    (with an E703 error) when an action goes past the overlay's limits (its targets visit at
    most `max_visits` nodes together). The actions that inserted something are appended to
    `updated`."""
    copier = Copier(MAX_COPIED)
    try:
        result = copier.copy(document, 1)
    except LimitError as exc:
        diagnostics.error(
            LIMIT,
            f"the document is too large to overlay: {exc}",
            Location(overlay.file),
            "apply the overlay to a smaller document",
        )
        return document
    visits = _Visits(max_visits)
    for action in overlay.actions:
        try:
            inserted = _apply(result, action, overlay.file, diagnostics, copier, visits)
        except LimitError as exc:
            diagnostics.error(
                LIMIT,
                f"action {action.index}: {exc}; the overlay is not applied",
                Location(overlay.file).child("actions", action.index),
                exc.hint,
            )
            return document
        if inserted and updated is not None:
            updated.append(action)
    return result


def apply_overlays(
    document: Any,
    overlays: Sequence[Path],
    diagnostics: Diagnostics,
    sources: Sources | None = None,
) -> Any:
    """`document` with every overlay file applied in order.

    All overlays are loaded and checked first; if any is invalid (errors in `diagnostics`) the
    document is returned unchanged, so nothing is half-applied.
    """
    return _apply_all(document, overlays, diagnostics, sources)[0]


def _apply_all(
    document: Any, overlays: Sequence[Path], diagnostics: Diagnostics, sources: Sources | None
) -> tuple[Any, list[tuple[Overlay, list[Action]]]]:
    """`document` overlaid, with each overlay applied and its actions that updated something
    (none when an overlay is invalid)."""
    loaded = [load_overlay(path, diagnostics, sources) for path in overlays]
    valid = [item for item in loaded if item is not None]
    if len(valid) < len(loaded):
        return document, []
    applied: list[tuple[Overlay, list[Action]]] = []
    for item in valid:
        applied.append((item, []))
        document = apply_overlay(document, item, diagnostics, applied[-1][1])
    return document, applied


def overlay_source(
    source: SourceFile,
    overlays: Sequence[Path],
    diagnostics: Diagnostics,
    sources: Sources | None = None,
) -> SourceFile:
    """`source` with its data overlaid (its text, and so its source map, are the original).

    A `$ref` an update inserts that will not be followed (a URL, an absolute path, a file
    outside the folders `$ref`s may read) is reported where it lands in the spec, whose text
    does not hold it; a note (I702) at the overlay's own line says where it came from."""
    if not overlays:
        return source
    data, applied = _apply_all(source.data, overlays, diagnostics, sources)
    if sources is not None and not diagnostics.has_errors:
        for item, updated in applied:
            _note_unread_references(item.file, updated, source.path.parent, sources, diagnostics)
    return replace(source, data=data)


def _note_unread_references(
    file: str, updated: list[Action], folder: Path, sources: Sources, diagnostics: Diagnostics
) -> None:
    for action in updated:
        where = Location(file).child("actions", action.index, "update")
        for pointer, ref in external_refs(action.update):
            reason = _unread_reason(ref.split("#", 1)[0], folder, sources)
            if reason is not None:
                diagnostics.info(
                    REFERENCE_NOTE,
                    f"action {action.index} inserts the $ref "
                    f"{excerpt(ref)}, which {reason}; it is reported again where "
                    "it lands in the spec",
                    where.child(*pointer, "$ref"),
                    "refer to a file under the spec's folder by a relative path",
                )


_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


def _unread_reason(file_part: str, folder: Path, sources: Sources) -> str | None:
    """Why the loader will not read the file a `$ref` names (the same rules, without reading
    anything), or None when it may."""
    if _URL.match(file_part):
        return (
            "oagen does not read (a file: URL)"
            if file_part[:5].lower() == "file:"
            else "oagen does not fetch"
        )
    relative = unquote(file_part)
    if "\0" in relative:
        return "oagen does not read (a NUL character)"
    if os.path.isabs(relative):
        return "oagen does not read (an absolute path)"
    if not sources.allows(Path(os.path.realpath(folder / relative))):
        return "lies outside the folder $refs may read"
    return None


def _apply(
    document: Any,
    action: Action,
    file: str,
    diagnostics: Diagnostics,
    copier: Copier,
    visits: _Visits,
) -> bool:
    """Apply `action` to `document` in place; whether it inserted anything."""
    where = Location(file).child("actions", action.index, "target")
    matches = visits.find(action.target, document)
    if not matches:
        diagnostics.warning(
            UNMATCHED,
            f"target {excerpt(action.target.expression)} matched nothing; the action was skipped",
            where,
            "check the target against the spec; the spec may have changed",
        )
        return False
    if action.remove:
        _remove(document, [path for path, _ in matches], where, diagnostics)
        return False
    if not action.has_update:
        return False
    inserted = False
    misfits: list[tuple[NodePath, Any]] = []  # one warning for all: there may be millions
    for path, node in matches:
        level = len(path) + 1  # the root is level 1, as the loader counts nesting
        if isinstance(node, list):
            items = action.update if isinstance(action.update, list) else [action.update]
            node.extend(copier.copy(item, level + 1) for item in items)
            inserted = True
        elif isinstance(node, dict) and isinstance(action.update, dict):
            _merge(node, action.update, copier, level)
            inserted = True
        else:
            misfits.append((path, node))
    if misfits:
        path, node = misfits[0]
        shown = excerpt(_pointer(path))
        more = (
            f"; {len(misfits) - 1:,} more selected nodes were skipped for the same "
            "reason or the other"
            if len(misfits) > 1
            else ""
        )
        if isinstance(node, dict):
            diagnostics.warning(
                MISFIT,
                f"the target {shown} is an object, so `update` must be "
                f"an object, not {describe_kind(action.update)}; skipped{more}",
                where,
            )
        else:
            diagnostics.warning(
                MISFIT,
                f"the target {shown} is {describe_kind(node)}, not an object or "
                f"an array; `update` was skipped{more}",
                where,
                "target the object that contains it and update the key",
            )
    return inserted


class _Visits:
    """Nodes the targets of one overlay may still visit together."""

    def __init__(self, visits: int) -> None:
        self.left = visits
        self.limit = visits

    def find(self, target: JsonPath, document: Any) -> list[tuple[NodePath, Any]]:
        if self.left >= MAX_VISITS:
            budget = Budget(MAX_VISITS)
        else:
            budget = Budget(
                self.left, f"the overlay's targets visit more than {self.limit:,} nodes together"
            )
        try:
            return target.find(document, budget=budget)
        finally:
            self.left -= budget.limit - max(budget.left, 0)


def _remove(
    document: Any, paths: list[NodePath], where: Location, diagnostics: Diagnostics
) -> None:
    # Find every parent first: removing one node must not move the others.
    from_dicts: list[tuple[dict[str, Any], str]] = []
    from_lists: dict[int, tuple[list[Any], set[int]]] = {}
    for path in paths:
        if not path:
            diagnostics.warning(
                MISFIT,
                "the target selects the whole document, which cannot be removed; skipped",
                where,
            )
            continue
        parent = _at(document, path[:-1])
        key = path[-1]
        if isinstance(parent, dict) and isinstance(key, str):
            from_dicts.append((parent, key))
        elif isinstance(parent, list) and isinstance(key, int):
            from_lists.setdefault(id(parent), (parent, set()))[1].add(key)
    for mapping, key in from_dicts:
        mapping.pop(key, None)
    for sequence, indexes in from_lists.values():
        sequence[:] = [item for index, item in enumerate(sequence) if index not in indexes]


def _at(document: Any, path: NodePath) -> Any:
    node = document
    for key in path:
        node = node[key]
    return node


def _merge(target: dict[str, Any], update: dict[str, Any], copier: Copier, level: int) -> None:
    """Merge `update` into `target`, which sits at nesting `level` (see the module's docstring),
    with a work list rather than recursion: an update may nest as deep as the loader allows, and
    contain itself."""
    pending = [(target, update, level)]
    merged: set[tuple[int, int]] = set()  # pairs already merged: a cycle is merged once
    while pending:
        into, source, depth = pending.pop()
        if (id(into), id(source)) in merged:
            continue
        merged.add((id(into), id(source)))
        for key, value in source.items():
            old = into.get(key)
            if isinstance(old, dict) and isinstance(value, dict):
                pending.append((old, value, depth + 1))
            elif isinstance(old, list) and isinstance(value, list):
                old.extend(copier.copy(item, depth + 2) for item in value)
            else:
                into[key] = copier.copy(value, depth + 1)


def _pointer(path: NodePath) -> str:
    if not path:
        return "$"
    return "#" + pointers.join(path)
