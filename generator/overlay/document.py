"""Overlay: apply OpenAPI Overlay 1.0 documents to a loaded spec, before validation.

An overlay is a list of actions, each a JSONPath `target` and either `update` (merged into each
selected node) or `remove: true` (each selected node is deleted), applied in order:

```yaml
overlay: 1.0.0
info: {title: Fix the upstream spec, version: 1.0.0}
actions:
  - target: $.paths['/keys'].get.parameters[?(@.name == 'offset')]
    update: {schema: {type: integer, minimum: 0}}
  - target: $.paths.*[?(@.deprecated == true)]
    remove: true
```

Semantics (Overlay 1.0.0, with the choices the specification leaves open written down):

- `update` on an object merges recursively: objects merge key by key, an array in the update is
  appended to the array already there, anything else replaces the old value. On an array, the
  update is appended as one entry (an array update appends each of its items). On a scalar, or a
  non-object update on an object, the node is skipped, with one warning per action.
- `remove: true` deletes each selected node from its parent; it wins over `update`. The root
  cannot be removed.
- A target that selects nothing is a warning (W702), located at `/actions/<i>/target` of the
  overlay file. An invalid overlay document (wrong shape, unsupported version, a target that is not
  a JSONPath) is an error (E701, E702) and no overlay is applied.
- Inputs are never changed: the spec is copied once, and every inserted value is a fresh copy.

Targets are RFC 9535 JSONPath (`generator.overlay.jsonpath`): `$.paths['/pets'].get`,
`$..[?@.operationId == 'listPets']`; a name with `-` or `/` goes in brackets (`$.info['x-logo']`).
Function extensions are not supported, so no regular expression from an overlay ever runs.

`extends` is never followed (nothing is fetched or read): the overlay applies to the spec oagen
was given. One that names a document elsewhere (a URL, an absolute path, `..`) is noted (I701).

Limits, so a hostile overlay ends quickly with a located error: a target is at most
jsonpath.MAX_TARGET_LENGTH characters and nests at most jsonpath.MAX_NESTING deep (E702); one
action's
target visits at most MAX_VISITS nodes (`$..*..*..*`, a `$`-rooted query inside a filter over a
large spec; comparing two subtrees or long strings is paid for too) and all the targets of one
overlay MAX_OVERLAY_VISITS together (a thousand costly actions), copying the document and
inserting `update` values copies at most MAX_COPIED nodes per overlay (a YAML alias bomb in
`update`), and no update may nest the document deeper than the loader allows (bounds.MAX_DEPTH,
which later stages rely on); past any of these the overlay is not applied (E703).

Diagnostics: E701 invalid overlay, E702 invalid JSONPath, E703 overlay beyond its limits, W701
ignored overlay content, W702 target matched nothing, W703 update or removal that does not fit
the selected node, I701 `extends` not followed. An overlay file that is missing or no regular
file (a FIFO, a device) is E001 or E005, before anything opens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostics, Location, excerpt
from generator.load.sources import LoadError, Sources, read_source, spec_file_problem
from generator.overlay.jsonpath import JsonPath, JsonPathError, compile_path

__all__ = ["Action", "Overlay", "describe_kind", "load_overlay", "parse_overlay"]


# --- overlay documents --------------------------------------------------------------------------

INVALID, BAD_PATH, LIMIT = "E701", "E702", "E703"
IGNORED, UNMATCHED, MISFIT = "W701", "W702", "W703"
NOT_FOLLOWED = "I701"  # information only: `extends` is never followed
REFERENCE_NOTE = "I702"  # where a refused `$ref` an update inserted came from
_VERSION = re.compile(r"1\.\d+\.\d+")
_TOP_KEYS = {"overlay", "info", "extends", "actions"}
# An `extends` that names a document elsewhere: a URL (`https:`, `file:`, `//host`), an absolute
# path, or a path through `..`. oagen never follows `extends`, and says so for these.
_LEADS_ELSEWHERE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//|/|\\)|(?:^|[/\\])\.\.(?:[/\\]|$)")
_ACTION_KEYS = {"target", "description", "update", "remove"}


@dataclass(frozen=True, slots=True)
class Action:
    index: int
    target: JsonPath
    description: str | None
    update: Any
    has_update: bool
    remove: bool


@dataclass(frozen=True, slots=True)
class Overlay:
    file: str  # display name, for diagnostics
    version: str
    title: str | None
    actions: tuple[Action, ...]


def load_overlay(
    path: Path, diagnostics: Diagnostics, sources: Sources | None = None
) -> Overlay | None:
    """Read and check an overlay file; None (with diagnostics) when it cannot be used.

    Pass the run's `Sources` so diagnostics in the overlay file get line numbers.
    """
    problem = spec_file_problem(path)
    if problem is not None:  # say it is the overlay, with an overlay's hint, before any read
        diagnostics.error(
            "E005" if problem.startswith("not a regular") else "E001",
            f"overlay {problem}: {_display(path)}",
            Location(_display(path)),
            "name an overlay file with --overlay FILE or `overlays = [...]` under [tool.oagen]",
        )
        return None
    try:
        if sources is not None:
            sources.name(path)  # a file the user named: read wherever it is
            source = sources.load(path)
        else:
            source = read_source(path, _display(path), diagnostics)
    except LoadError:
        return None
    return parse_overlay(source.data, source.display, diagnostics)


def parse_overlay(data: Any, file: str, diagnostics: Diagnostics) -> Overlay | None:
    """Check an overlay document; None when it has errors (they are in `diagnostics`)."""
    root = Location(file)
    errors_before = sum(1 for d in diagnostics if d.code in (INVALID, BAD_PATH))

    def error(message: str, where: Location, hint: str | None = None) -> None:
        diagnostics.error(INVALID, message, where, hint)

    if not isinstance(data, dict):
        error(f"an overlay must be a mapping, not {describe_kind(data)}", root)
        return None
    version = data.get("overlay")
    if "overlay" not in data:
        hint = (
            "this is an OpenAPI document; pass it as the spec, and the overlay with --overlay"
            if "openapi" in data or "swagger" in data
            else "start the file with `overlay: 1.0.0`"
        )
        error("not an overlay: no `overlay` version", root, hint)
        return None
    if not isinstance(version, str) or not _VERSION.fullmatch(version):
        error(
            f"unsupported overlay version {excerpt(version)}",
            root.child("overlay"),
            "this tool applies Overlay 1.x documents; write `overlay: 1.0.0`",
        )
        return None
    info = data.get("info")
    title: str | None = None
    if not isinstance(info, dict):
        diagnostics.warning(
            IGNORED,
            "the overlay has no `info` object (title and version)",
            root.child("info") if "info" in data else root,
        )
    else:
        title = info.get("title") if isinstance(info.get("title"), str) else None
    if "extends" in data and not isinstance(data["extends"], str):
        diagnostics.warning(
            IGNORED, "`extends` must be a string (a URI); it is ignored", root.child("extends")
        )
    elif _LEADS_ELSEWHERE.search(data.get("extends") or ""):
        diagnostics.info(
            NOT_FOLLOWED,
            f"`extends` names {excerpt(data['extends'])}, which was "
            "not fetched or read: the overlay is applied to the spec oagen was "
            "given",
            root.child("extends"),
            "pass the spec to overlay as the spec "
            "argument (or `spec` in the config); `extends` only documents it",
        )
    for key in data:
        if key not in _TOP_KEYS and not str(key).startswith("x-"):
            diagnostics.warning(
                IGNORED,
                f"unknown overlay field {excerpt(str(key))} is ignored",
                root.child(str(key)),
            )
    raw_actions = data.get("actions")
    if not isinstance(raw_actions, list) or not raw_actions:
        error(
            "`actions` must be a non-empty list",
            root.child("actions") if "actions" in data else root,
        )
        return None
    actions: list[Action] = []
    for index, raw in enumerate(raw_actions):
        where = root.child("actions", index)
        if not isinstance(raw, dict):
            error(f"an action must be a mapping, not {describe_kind(raw)}", where)
            continue
        target = raw.get("target")
        if not isinstance(target, str) or not target.strip():
            error(
                "an action needs a `target` (a JSONPath such as `$.paths['/pets'].get`)",
                where.child("target") if "target" in raw else where,
            )
            continue
        try:
            compiled = compile_path(target)
        except JsonPathError as exc:
            diagnostics.error(
                BAD_PATH,
                f"invalid JSONPath target: {exc}",
                where.child("target"),
                "targets are RFC 9535 JSONPath: $.paths['/pets'].get, "
                "$..[?(@.operationId == 'listPets')]",
            )
            continue
        remove = raw.get("remove", False)
        if not isinstance(remove, bool):
            error(
                f"`remove` must be true or false, not {describe_kind(remove)}",
                where.child("remove"),
            )
            continue
        if "copy" in raw:
            error(
                "`copy` (Overlay 1.1) is not supported",
                where.child("copy"),
                "use `update` with the value written out",
            )
            continue
        description = raw.get("description")
        if description is not None and not isinstance(description, str):
            diagnostics.warning(
                IGNORED, "an action `description` must be a string", where.child("description")
            )
            description = None
        for key in raw:
            if key not in _ACTION_KEYS and not str(key).startswith("x-"):
                diagnostics.warning(
                    IGNORED,
                    f"unknown action field {excerpt(str(key))} is ignored",
                    where.child(str(key)),
                )
        if not remove and "update" not in raw:
            diagnostics.warning(
                IGNORED,
                "the action has neither `update` nor `remove: true`; it does nothing",
                where,
            )
        actions.append(
            Action(index, compiled, description, raw.get("update"), "update" in raw, remove)
        )
    if sum(1 for d in diagnostics if d.code in (INVALID, BAD_PATH)) > errors_before:
        return None
    return Overlay(file, version, title, tuple(actions))


def describe_kind(value: Any) -> str:
    """A JSON value's kind as a diagnostic names it: `an object`, `a string`, `null`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
