"""Diff: what changed for the callers of a generated client between two versions of a spec.

`diff_apis(old, new)` compares two IRs (`ir.Api`) and returns one `Change` per difference a
caller of the generated package can notice, each classified by its consequence for code written
against the old client:

- **breaking**: code that type-checked and worked against the old client may fail against the new
  one (a method, argument, model or attribute is gone or renamed, an argument became required, a
  type stopped accepting what it accepted or started returning what it did not). Semver: major.
- **non-breaking**: new things, or changes every existing caller survives (an optional argument,
  a widened argument type, a new response field, a deprecation). Semver: minor.
- **docs**: only descriptions, summaries and other documentation changed. Semver: patch.

The rules, by position of a type (*input*: method arguments and models used to build requests;
*output*: return values, stream events, error bodies and models read from responses):

- a type widened (it accepts every old value: `int` -> `float`, `X` -> `X | None`, `X` -> `Any`,
  `Literal[...]` -> `str`): non-breaking as input; breaking as output (the reader may now see a
  value its code does not handle).
- a type narrowed (the reverse): breaking as input; non-breaking as output.
- any other type change (`str` -> `int`, model `A` -> model `B`): breaking.
- an enum (`Literal`) value added: non-breaking either way. As output, enum fields are `Lenient`,
  so the old client already accepts unknown values at run time (an exhaustive `match` may want a
  new case, which is a reason to read the changelog, not a broken call).
- an enum value removed: breaking as input (calls passing it fail type checking and the server
  rejects them); non-breaking as output (the value is simply never returned).
- a field or argument added: non-breaking, unless it is required in an input position.
- a field or argument removed, or its Python name changed: breaking.
- became required: breaking as input; non-breaking as output.
- became optional: non-breaking as input. As output it is breaking unless the type already
  allowed None: the attribute is now typed `X | None`, so `resp.x.y` no longer type-checks and
  may fail at run time.
- deprecated: non-breaking (semver: a deprecation is a minor release).

A model used in both positions takes the worse of the two. Models used only as a request body
that the client explodes into keyword arguments are compared argument by argument on each method,
not again as a model. A model not reachable from any operation is treated as used in both
positions (nothing says how callers use it). `int` values are accepted where `float` is (as in
Python's typing), `bool` is never an `int`.

Everything else:

- methods are matched by HTTP method and path (path parameter names ignored); a different Python
  name or resource is a rename (breaking); a method whose name stayed but whose path changed is
  non-breaking (calls are unchanged). Added methods, resources and models are non-breaking;
  removed ones are breaking. A removed model whose definition reappears under another name (same
  spec location, or the same shape) is reported once, as a rename.
- security: an operation whose accepted credentials no longer include every old alternative, a
  changed or removed security scheme (constructor argument, header, environment variable) are
  breaking; a new scheme alone is non-breaking (a new optional constructor argument; operations
  that start requiring it are reported as breaking). A changed default server URL is breaking
  (every call made with the default base URL now goes elsewhere); so is a changed client class or
  package name.
- descriptions, summaries, documented defaults, the API title and version: docs.

Changes are sorted by severity, then location, kind and message, so output is deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.diagnostics import json_text, printable
from generator.model import ir, typerules
from generator.pipeline import Run, analyse
from generator.render.types import TypePrinter

__all__ = [
    "Change",
    "DiffResult",
    "Impact",
    "as_dict",
    "diff_apis",
    "diff_specs",
    "render_json",
    "render_markdown",
    "suggested_bump",
]


class Impact(StrEnum):
    BREAKING = "breaking"
    NON_BREAKING = "non-breaking"
    DOCS = "docs"

    @property
    def rank(self) -> int:
        return {"breaking": 0, "non-breaking": 1, "docs": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # e.g. method-removed, parameter-added, field-type-changed, description-changed
    severity: Impact
    location: str  # client-level: `client.keys.list_keys(offset=)`, `models.Pet.name`
    message: str  # the consequence for a caller of the old client

    def sort_key(self) -> tuple[int, str, str, str]:
        return (self.severity.rank, self.location, self.kind, self.message)


# --- entry points ---------------------------------------------------------------------------


@dataclass(slots=True)
class DiffResult:
    """Both runs (for their diagnostics) and the changes; `changes` is empty when a side failed."""

    old_run: Run
    new_run: Run
    old: ir.Api | None
    new: ir.Api | None
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Both sides were read without errors: a refused `$ref` (E005) would otherwise be
        compared as Any, and the diff would say less changed than did."""
        return (
            self.old is not None
            and self.new is not None
            and not (self.old_run.diagnostics.has_errors or self.new_run.diagnostics.has_errors)
        )


def diff_specs(
    old: Path, new: Path, config: Config, old_config: Config | None = None
) -> DiffResult:
    """Build both specs (without schema validation) with the same config (or `old_config` for
    the old one: its `root` where the old spec is a copy from git) and compare them."""
    old_run, new_run = Run(old_config or config), Run(config)
    old_api = analyse(old_run, old, validate=False)
    new_api = analyse(new_run, new, validate=False)
    result = DiffResult(old_run, new_run, old_api, new_api)
    if old_api is not None and new_api is not None:
        result.changes = diff_apis(old_api, new_api)
    return result


def diff_apis(old: ir.Api, new: ir.Api) -> list[Change]:
    """Every client-visible difference between `old` and `new`, in a stable order."""
    changes = _Differ(old, new).run()
    unique: dict[tuple[int, str, str, str], Change] = {}
    for change in changes:
        unique.setdefault(change.sort_key(), change)
    return [unique[key] for key in sorted(unique)]


def suggested_bump(changes: Iterable[Change]) -> str:
    """`major` if anything breaks, `minor` for additions, `patch` for docs, `none` if nothing."""
    severities = {change.severity for change in changes}
    if Impact.BREAKING in severities:
        return "major"
    if Impact.NON_BREAKING in severities:
        return "minor"
    if Impact.DOCS in severities:
        return "patch"
    return "none"


def as_dict(changes: Iterable[Change]) -> dict[str, Any]:
    ordered = sorted(changes, key=Change.sort_key)
    groups: dict[str, list[dict[str, str]]] = {"breaking": [], "non_breaking": [], "docs": []}
    for change in ordered:
        key = change.severity.value.replace("-", "_")
        groups[key].append(
            {"kind": change.kind, "location": change.location, "message": change.message}
        )
    return {**groups, "suggested_bump": suggested_bump(ordered)}


def render_json(changes: Iterable[Change]) -> str:
    """`{"breaking": [...], "non_breaking": [...], "docs": [...], "suggested_bump": ...}`."""
    return json_text(as_dict(changes)) + "\n"


_HEADINGS = (
    (
        Impact.BREAKING,
        "Breaking changes",
        "Code written against the previous client may stop working.",
    ),
    (Impact.NON_BREAKING, "Non-breaking changes", "Additions and compatible changes."),
    (Impact.DOCS, "Documentation only", "Descriptions and summaries; no code changes."),
)


def render_markdown(changes: Iterable[Change], title: str = "API changes") -> str:
    """A pull-request comment: a summary line, then one section per severity."""
    ordered = sorted(changes, key=Change.sort_key)
    bump = suggested_bump(ordered)
    lines = [f"## {title}", ""]
    if not ordered:
        lines += ["No changes to the generated client.", "", "Suggested version bump: **none**"]
        return "\n".join(lines) + "\n"
    counts = {impact: sum(1 for c in ordered if c.severity is impact) for impact, _, _ in _HEADINGS}
    lines.append(
        f"**{counts[Impact.BREAKING]}** breaking, **{counts[Impact.NON_BREAKING]}** "
        f"non-breaking, **{counts[Impact.DOCS]}** documentation-only; suggested version "
        f"bump: **{bump}**"
    )
    for impact, heading, blurb in _HEADINGS:
        group = [c for c in ordered if c.severity is impact]
        if not group:
            continue
        lines += ["", f"### {heading} ({len(group)})", "", blurb, ""]
        for change in group:
            lines.append(
                f"- `{printable(change.location)}` ({change.kind}): "
                f"{printable(_md(change.message))}"
            )
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return " ".join(text.split())


# --- type expressions ---------------------------------------------------------------------------

_IN, _OUT = "in", "out"
Direction = frozenset[str]
BOTH: Direction = frozenset({_IN, _OUT})
INPUT: Direction = frozenset({_IN})
OUTPUT: Direction = frozenset({_OUT})

_ANY, _NONE, _OBJECT = ir.Prim("any"), ir.Prim("none"), ir.Prim("object")


def _norm(expr: ir.TypeExpr) -> ir.TypeExpr:
    """One canonical spelling: `X | None` is Nullable(X), `dict[str, Any]` is object."""
    if isinstance(expr, ir.Map) and _norm(expr.value) == _ANY:
        return _OBJECT
    if isinstance(expr, ir.Union):
        options: list[ir.TypeExpr] = []
        nullable = False
        for raw in expr.options:
            option = _norm(raw)
            if isinstance(option, ir.Nullable):
                nullable = True
                option = option.inner
            flat = option.options if isinstance(option, ir.Union) else (option,)
            for item in flat:
                if item == _NONE:
                    nullable = True
                elif item not in options:
                    options.append(item)
        if not options:
            return _NONE
        if _ANY in options:
            return _ANY
        base = options[0] if len(options) == 1 else ir.Union(tuple(options), expr.discriminator)
        return ir.Nullable(base) if nullable else base
    if isinstance(expr, ir.Nullable):
        wrapped = _norm(expr.inner)
        if wrapped in (_ANY, _NONE) or isinstance(wrapped, ir.Nullable):
            return wrapped
        return ir.Nullable(wrapped)
    if isinstance(expr, ir.Literal) and None in expr.values:
        rest = tuple(v for v in expr.values if v is not None)
        return ir.Nullable(ir.Literal(rest)) if rest else _NONE
    return expr


def _refs(expr: ir.TypeExpr | None) -> Iterator[str]:
    if expr is None:
        return
    if isinstance(expr, ir.Ref):
        yield expr.name
    elif isinstance(expr, ir.Array):
        yield from _refs(expr.item)
    elif isinstance(expr, ir.Map):
        yield from _refs(expr.value)
    elif isinstance(expr, ir.Nullable):
        yield from _refs(expr.inner)
    elif isinstance(expr, ir.Tuple):
        for item in expr.items:
            yield from _refs(item)
    elif isinstance(expr, ir.Union):
        for option in expr.options:
            yield from _refs(option)


def _rename(expr: ir.TypeExpr, names: Mapping[str, str]) -> ir.TypeExpr:
    """`expr` with old model names replaced by the names they were renamed to."""
    return _map_refs(expr, lambda name: names.get(name, name)) if names else expr


def _map_refs(expr: ir.TypeExpr, rename: Callable[[str], str]) -> ir.TypeExpr:
    if isinstance(expr, ir.Ref):
        return ir.Ref(rename(expr.name))
    if isinstance(expr, ir.Array):
        return ir.Array(_map_refs(expr.item, rename))
    if isinstance(expr, ir.Map):
        return ir.Map(_map_refs(expr.value, rename))
    if isinstance(expr, ir.Nullable):
        return ir.Nullable(_map_refs(expr.inner, rename))
    if isinstance(expr, ir.Tuple):
        return ir.Tuple(tuple(_map_refs(i, rename) for i in expr.items))
    if isinstance(expr, ir.Union):
        return ir.Union(tuple(_map_refs(o, rename) for o in expr.options), expr.discriminator)
    return expr


def _same_value(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


def _contains(values: Sequence[object], value: object) -> bool:
    return any(_same_value(v, value) for v in values)


def _prim_accepts(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return name == "bool"
    if isinstance(value, int):
        return name in ("int", "float")
    if isinstance(value, float):
        return name == "float"
    if isinstance(value, str):
        return name in ("str", "date", "datetime", "time", "uuid")
    return value is None and name == "none"


Definitions = Mapping[str, ir.Definition]


@dataclass(frozen=True, slots=True)
class _Side:
    defs: Definitions


class _Types:
    """Subtyping between the two sides' type expressions (old names already renamed)."""

    def covers(
        self, a: ir.TypeExpr, a_side: _Side, b: ir.TypeExpr, b_side: _Side, depth: int = 0
    ) -> bool:
        """Every value of `b` is a value of `a`."""
        a, b = _norm(a), _norm(b)
        if a in (b, _ANY):
            return True
        if depth > 24:
            return False
        if b == _NONE:
            return self.allows_none(a, a_side)
        if isinstance(b, ir.Nullable):
            return self.allows_none(a, a_side) and self.covers(
                _strip_none(a), a_side, b.inner, b_side, depth + 1
            )
        if isinstance(a, ir.Nullable):
            return self.covers(a.inner, a_side, b, b_side, depth + 1)
        if isinstance(b, ir.Union):
            return all(self.covers(a, a_side, o, b_side, depth + 1) for o in b.options)
        if isinstance(a, ir.Ref) and isinstance(b, ir.Ref) and a.name == b.name:
            return True
        expanded_b = self.expand(b, b_side)
        if expanded_b is not None:
            return self.covers(a, a_side, expanded_b, b_side, depth + 1)
        expanded_a = self.expand(a, a_side)
        if expanded_a is not None:
            return self.covers(expanded_a, a_side, b, b_side, depth + 1)
        if isinstance(a, ir.Union):
            return any(self.covers(o, a_side, b, b_side, depth + 1) for o in a.options)
        if isinstance(b, ir.Literal):
            if isinstance(a, ir.Literal):
                return all(_contains(a.values, v) for v in b.values)
            return isinstance(a, ir.Prim) and all(_prim_accepts(a.name, v) for v in b.values)
        if isinstance(a, ir.Prim) and isinstance(b, ir.Prim):
            return a.name == "float" and b.name == "int"
        if a == _OBJECT and isinstance(b, ir.Map):
            return True
        if isinstance(a, ir.Array) and isinstance(b, ir.Array):
            return self.covers(a.item, a_side, b.item, b_side, depth + 1)
        if isinstance(a, ir.Map) and isinstance(b, ir.Map):
            return self.covers(a.value, a_side, b.value, b_side, depth + 1)
        if isinstance(a, ir.Tuple) and isinstance(b, ir.Tuple):
            return len(a.items) == len(b.items) and all(
                self.covers(x, a_side, y, b_side, depth + 1)
                for x, y in zip(a.items, b.items, strict=True)
            )
        return False

    def allows_none(self, expr: ir.TypeExpr, side: _Side, depth: int = 0) -> bool:
        expr = _norm(expr)
        if isinstance(expr, ir.Nullable) or expr in (_ANY, _NONE):
            return True
        expanded = self.expand(expr, side)
        return expanded is not None and depth < 24 and self.allows_none(expanded, side, depth + 1)

    def expand(self, expr: ir.TypeExpr, side: _Side) -> ir.TypeExpr | None:
        """What a reference to an alias or an enum stands for; None for models and the rest."""
        if not isinstance(expr, ir.Ref):
            return None
        definition = side.defs.get(expr.name)
        if isinstance(definition, ir.Alias):
            return definition.type
        if isinstance(definition, ir.Enum):
            return ir.Literal(definition.values)
        return None

    def literal(
        self, expr: ir.TypeExpr, side: _Side
    ) -> tuple[tuple[str | int | float | bool | None, ...], bool] | None:
        """(values, nullable) when `expr` is an enum, else None."""
        expr = _norm(expr)
        nullable = isinstance(expr, ir.Nullable)
        inner = _strip_none(expr)
        for _ in range(24):
            if isinstance(inner, ir.Literal):
                return inner.values, nullable
            expanded = self.expand(inner, side)
            if expanded is None:
                return None
            expanded = _norm(expanded)
            nullable = nullable or isinstance(expanded, ir.Nullable)
            inner = _strip_none(expanded)
        return None


def _strip_none(expr: ir.TypeExpr) -> ir.TypeExpr:
    return expr.inner if isinstance(expr, ir.Nullable) else expr


def _values(values: Iterable[object]) -> str:
    return ", ".join(json.dumps(v) if not isinstance(v, str) else repr(v) for v in values)


# --- what a method takes ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Argument:
    key: tuple[str, ...]  # ("parameter", in, wire) / ("body-field", wire) / ("body",)
    family: str  # parameter, body-field, body
    name: str  # the Python keyword
    wire: str
    type: ir.TypeExpr
    annotation: str
    required: bool
    description: str | None
    deprecated: bool
    where: str  # "query parameter `offset`", "body property `model`", "request body"


def _arguments(op: ir.Operation, types: TypePrinter) -> list[_Argument]:
    out: list[_Argument] = []
    for p in op.parameters:
        out.append(
            _Argument(
                ("parameter", p.location_in, p.wire_name),
                "parameter",
                p.name,
                p.wire_name,
                p.type,
                types.argument(p),
                p.required,
                p.description,
                p.deprecated,
                f"{p.location_in} parameter `{p.wire_name}`",
            )
        )
    if op.body is not None:
        for f in op.body.fields:
            if f.is_stream_flag:
                continue  # compared as streaming
            out.append(
                _Argument(
                    ("body-field", f.wire_name),
                    "body-field",
                    f.name,
                    f.wire_name,
                    f.type,
                    types.argument(f),
                    f.required,
                    f.description,
                    False,
                    f"body property `{f.wire_name}`",
                )
            )
        if op.body.whole_name is not None:
            out.append(
                _Argument(
                    ("body",),
                    "body",
                    op.body.whole_name,
                    "",
                    op.body.whole_type or _ANY,
                    types.argument(op.body),
                    op.body.required,
                    op.body.description,
                    False,
                    "request body",
                )
            )
    return out


def _operation_key(op: ir.Operation) -> tuple[str, str]:
    import re

    return op.http_method, re.sub(r"\{[^}/]*\}", "{}", op.path)


def _security_text(security: tuple[tuple[str, ...], ...]) -> str:
    if not security:
        return "no authentication"
    return " or ".join(" + ".join(req) if req else "anonymous" for req in security)


# --- the differ ---------------------------------------------------------------------------------


class _Differ:
    def __init__(self, old: ir.Api, new: ir.Api) -> None:
        self.old, self.new = old, new
        self.old_defs = typerules.definition_index(old)
        self.new_defs = typerules.definition_index(new)
        self.old_types, self.new_types = TypePrinter(self.old_defs), TypePrinter(self.new_defs)
        self.old_side, self.new_side = _Side(self.old_defs), _Side(self.new_defs)
        self.types = _Types()
        self.renames = self._model_renames()
        self.old_usage = _usage(old, self.old_defs)
        self.new_usage = _usage(new, self.new_defs)
        self.changes: list[Change] = []
        self._auth: list[
            tuple[str, str, tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]
        ] = []

    def run(self) -> list[Change]:
        self._client()
        self._security_schemes()
        self._operations()
        self._models()
        return self.changes

    def add(self, kind: str, severity: Impact, location: str, message: str) -> None:
        self.changes.append(Change(kind, severity, location, message))

    # --- the client itself ------------------------------------------------------------------

    def _client(self) -> None:
        old, new = self.old, self.new
        if old.base_url != new.base_url:
            self.add(
                "server-changed",
                Impact.BREAKING,
                "client.base_url",
                f"the default server changed from `{old.base_url or '(none)'}` to "
                f"`{new.base_url or '(none)'}`: every call made without an explicit "
                "`base_url` now goes to the new server",
            )
        for label, before, after in (
            ("sync client class", old.client_class, new.client_class),
            ("async client class", old.async_client_class, new.async_client_class),
            ("package", old.package, new.package),
            ("environment variable prefix", old.env_prefix, new.env_prefix),
        ):
            if before != after:
                self.add(
                    "client-renamed",
                    Impact.BREAKING,
                    "client",
                    f"the {label} changed from `{before}` to `{after}`: imports and "
                    "environment variables using the old name stop working",
                )
        if old.title != new.title:
            self.add(
                "title-changed",
                Impact.DOCS,
                "client",
                f"the API title changed from {old.title!r} to {new.title!r}",
            )
        if old.version != new.version:
            self.add(
                "api-version-changed",
                Impact.DOCS,
                "client",
                f"the API description's version changed from {old.version!r} to {new.version!r}",
            )
        if old.description != new.description:
            self.add("description-changed", Impact.DOCS, "client", "the API description changed")
        if old.license != new.license:
            self.add(
                "license-changed",
                Impact.DOCS,
                "client",
                f"the license changed from {old.license!r} to {new.license!r}",
            )

    def _security_schemes(self) -> None:
        old = {s.key: s for s in self.old.security_schemes}
        new = {s.key: s for s in self.new.security_schemes}
        for key in sorted(old.keys() - new.keys()):
            scheme = old[key]
            self.add(
                "auth-scheme-removed",
                Impact.BREAKING,
                f"client({scheme.argument}=)",
                f"security scheme `{key}` was removed: the client no longer takes "
                f"`{scheme.argument}`"
                + (f" nor reads `{scheme.env_var}`" if scheme.env_var else ""),
            )
        for key in sorted(new.keys() - old.keys()):
            scheme = new[key]
            self.add(
                "auth-scheme-added",
                Impact.NON_BREAKING,
                f"client({scheme.argument}=)",
                f"new security scheme `{key}` ({_scheme_text(scheme)}): the client takes "
                f"an optional `{scheme.argument}`"
                + (f" (or `{scheme.env_var}`)" if scheme.env_var else ""),
            )
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            where = f"client({b.argument}=)"
            if a.argument != b.argument:
                self.add(
                    "auth-changed",
                    Impact.BREAKING,
                    where,
                    f"the credential of `{key}` is now passed as `{b.argument}` instead of "
                    f"`{a.argument}`",
                )
            if a.env_var != b.env_var:
                self.add(
                    "auth-changed",
                    Impact.BREAKING,
                    where,
                    f"the credential of `{key}` is now read from `{b.env_var}` instead of "
                    f"`{a.env_var}`",
                )
            if _scheme_text(a) != _scheme_text(b):
                self.add(
                    "auth-changed",
                    Impact.BREAKING,
                    where,
                    f"security scheme `{key}` changed from {_scheme_text(a)} to "
                    f"{_scheme_text(b)}: credentials are sent differently",
                )
            if a.description != b.description:
                self.add(
                    "description-changed",
                    Impact.DOCS,
                    where,
                    f"the description of security scheme `{key}` changed",
                )

    # --- operations -----------------------------------------------------------------------

    def _operations(self) -> None:
        old_ops = {_operation_key(op): (r, op) for r in self.old.resources for op in r.operations}
        new_ops = {_operation_key(op): (r, op) for r in self.new.resources for op in r.operations}
        pairs = [(old_ops[k], new_ops[k]) for k in old_ops.keys() & new_ops.keys()]
        gone = {k: v for k, v in old_ops.items() if k not in new_ops}
        came = {k: v for k, v in new_ops.items() if k not in old_ops}
        # The same method under another path: the call is unchanged.
        by_name = {(r.attribute, op.method_name): k for k, (r, op) in came.items()}
        for key in sorted(gone):
            resource, op = gone[key]
            match = by_name.get((resource.attribute, op.method_name))
            if match is not None and match in came:
                new_pair = came.pop(match)
                del gone[key]
                self.add(
                    "method-path-changed",
                    Impact.NON_BREAKING,
                    _method(new_pair[1]),
                    f"now calls {new_pair[1].http_method} {new_pair[1].path} instead of "
                    f"{op.http_method} {op.path}; calls are unchanged",
                )
                pairs.append(((resource, op), new_pair))

        old_resources = {r.attribute: r for r in self.old.resources}
        new_resources = {r.attribute: r for r in self.new.resources}
        removed_resources = old_resources.keys() - new_resources.keys()
        added_resources = new_resources.keys() - old_resources.keys()
        for name in sorted(removed_resources):
            resource = old_resources[name]
            self.add(
                "resource-removed",
                Impact.BREAKING,
                f"client.{name}",
                f"`client.{name}` was removed with its methods "
                f"{_names(op.method_name for op in resource.operations)}: code using it "
                "fails with AttributeError",
            )
        for name in sorted(added_resources):
            resource = new_resources[name]
            self.add(
                "resource-added",
                Impact.NON_BREAKING,
                f"client.{name}",
                f"new resource `client.{name}` with "
                f"{_names(op.method_name for op in resource.operations)}",
            )
        for name in sorted(old_resources.keys() & new_resources.keys()):
            if old_resources[name].description != new_resources[name].description:
                self.add(
                    "description-changed",
                    Impact.DOCS,
                    f"client.{name}",
                    f"the description of `client.{name}` changed",
                )

        for _key, (resource, op) in sorted(gone.items()):
            if resource.attribute in removed_resources:
                continue
            self.add(
                "method-removed",
                Impact.BREAKING,
                _method(op),
                f"{op.http_method} {op.path} was removed: calls fail with AttributeError",
            )
        for _key, (resource, op) in sorted(came.items()):
            if resource.attribute in added_resources:
                continue
            self.add(
                "method-added",
                Impact.NON_BREAKING,
                _method(op),
                f"new method for {op.http_method} {op.path}",
            )
        for (_, a), (_, b) in sorted(pairs, key=lambda p: _operation_key(p[1][1])):
            self._operation(a, b)
        self._report_security(len(pairs))

    def _operation(self, a: ir.Operation, b: ir.Operation) -> None:
        where = _method(b)
        http = f"{b.http_method} {b.path}"
        if (a.resource, a.method_name) != (b.resource, b.method_name):
            self.add(
                "method-renamed",
                Impact.BREAKING,
                where,
                f"`{_method(a)}` is now `{_method(b)}` ({http}): calls to the old name fail "
                "with AttributeError",
            )
        if b.deprecated and not a.deprecated:
            self.add(
                "method-deprecated",
                Impact.NON_BREAKING,
                where,
                f"{http} is deprecated: plan to stop calling `{where}`",
            )
        elif a.deprecated and not b.deprecated:
            self.add("method-undeprecated", Impact.DOCS, where, f"{http} is no longer deprecated")
        if a.summary != b.summary:
            self.add("summary-changed", Impact.DOCS, where, f"the summary of {http} changed")
        if a.description != b.description:
            self.add(
                "description-changed", Impact.DOCS, where, f"the description of {http} changed"
            )
        self._arguments(a, b, where)
        self._returns(a, b, where)
        self._streaming(a, b, where)
        self._errors(a, b, where)
        self._security(a, b, where, http)

    def _arguments(self, a: ir.Operation, b: ir.Operation, method: str) -> None:
        old_args, new_args = _arguments(a, self.old_types), _arguments(b, self.new_types)
        new_by_key = {arg.key: arg for arg in new_args}
        old_keys = {arg.key for arg in old_args}
        pairs: list[tuple[_Argument, _Argument]] = []
        removed: list[_Argument] = []
        for arg in old_args:
            if arg.key in new_by_key:
                pairs.append((arg, new_by_key[arg.key]))
            else:
                removed.append(arg)
        added = [arg for arg in new_args if arg.key not in old_keys]
        # A keyword that moved (query -> header, body property -> parameter) keeps its calls.
        for arg in list(removed):
            moved = next((n for n in added if n.name == arg.name), None)
            if moved is not None:
                removed.remove(arg)
                added.remove(moved)
                self.add(
                    f"{moved.family}-moved",
                    Impact.NON_BREAKING,
                    _keyword(method, moved.name),
                    f"`{moved.name}` is now sent as the {moved.where} instead of the "
                    f"{arg.where}; calls are unchanged",
                )
                pairs.append((arg, moved))
        for arg in removed:
            self.add(
                f"{arg.family}-removed",
                Impact.BREAKING,
                _keyword(method, arg.name),
                f"the {arg.where} was removed: calls passing `{arg.name}=` fail with TypeError",
            )
        for arg in added:
            if arg.required:
                self.add(
                    f"{arg.family}-added",
                    Impact.BREAKING,
                    _keyword(method, arg.name),
                    f"new required argument `{arg.name}: {arg.annotation}` ({arg.where}): "
                    "existing calls fail with TypeError",
                )
            else:
                self.add(
                    f"{arg.family}-added",
                    Impact.NON_BREAKING,
                    _keyword(method, arg.name),
                    f"new optional argument `{arg.name}: {arg.annotation}` ({arg.where})",
                )
        for old_arg, new_arg in pairs:
            self._argument(old_arg, new_arg, method)

    def _argument(self, a: _Argument, b: _Argument, method: str) -> None:
        where = _keyword(method, b.name)
        family = b.family
        if a.name != b.name:
            self.add(
                f"{family}-renamed",
                Impact.BREAKING,
                where,
                f"the {b.where} is now the argument `{b.name}` instead of `{a.name}`: "
                f"calls passing `{a.name}=` fail with TypeError",
            )
        if b.required and not a.required:
            self.add(
                f"{family}-required",
                Impact.BREAKING,
                where,
                f"`{b.name}` ({b.where}) is now required: calls that omit it fail with TypeError",
            )
        elif a.required and not b.required:
            self.add(
                f"{family}-optional",
                Impact.NON_BREAKING,
                where,
                f"`{b.name}` ({b.where}) is now optional",
            )
        self._type_change(
            family,
            a.type,
            b.type,
            a.annotation,
            b.annotation,
            INPUT,
            where,
            f"`{b.name}` ({b.where})",
        )
        if b.deprecated and not a.deprecated:
            self.add(
                f"{family}-deprecated",
                Impact.NON_BREAKING,
                where,
                f"`{b.name}` ({b.where}) is deprecated",
            )
        if a.description != b.description:
            self.add(
                "description-changed",
                Impact.DOCS,
                where,
                f"the description of `{b.name}` ({b.where}) changed",
            )

    def _returns(self, a: ir.Operation, b: ir.Operation, method: str) -> None:
        old_text, new_text = self.old_types.output(a.response), self.new_types.output(b.response)
        if old_text != new_text or a.response_kind != b.response_kind:
            before = len(self.changes)
            self._type_change(
                "return",
                a.response or _NONE,
                b.response or _NONE,
                old_text,
                new_text,
                OUTPUT,
                method,
                "the return value",
            )
            if len(self.changes) == before and a.response_kind != b.response_kind:
                self.add(
                    "return-type-changed",
                    Impact.BREAKING,
                    method,
                    f"the response is now read as {b.response_kind} instead of {a.response_kind}",
                )

    def _streaming(self, a: ir.Operation, b: ir.Operation, method: str) -> None:
        if a.stream is None and b.stream is not None:
            how = (
                f" (pass `{b.stream_argument}=True`)"
                if b.stream_argument
                else " (the method always streams)"
            )
            self.add(
                "streaming-added",
                Impact.NON_BREAKING,
                method,
                f"the method can now stream `{self.new_types.output(b.stream)}` events{how}",
            )
            return
        if a.stream is not None and b.stream is None:
            self.add(
                "streaming-removed",
                Impact.BREAKING,
                method,
                "the method no longer streams"
                + (f": calls passing `{a.stream_argument}=True` fail" if a.stream_argument else ""),
            )
            return
        if a.stream is None or b.stream is None:
            return
        if (a.stream_mode, a.stream_argument) != (b.stream_mode, b.stream_argument):
            breaking = a.stream_argument != b.stream_argument or b.stream_mode == "always"
            self.add(
                "streaming-changed",
                Impact.BREAKING if breaking else Impact.NON_BREAKING,
                method,
                f"streaming is now chosen by {_stream_text(b)} instead of {_stream_text(a)}",
            )
        self._type_change(
            "stream",
            a.stream,
            b.stream,
            self.old_types.output(a.stream),
            self.new_types.output(b.stream),
            OUTPUT,
            method,
            "each streamed event",
        )

    def _errors(self, a: ir.Operation, b: ir.Operation, method: str) -> None:
        old = {e.status: (self.old_types.plain(e.type), e.type) for e in a.errors}
        new = {e.status: (self.new_types.plain(e.type), e.type) for e in b.errors}
        for status in sorted(old.keys() - new.keys()):
            self.add(
                "error-body-removed",
                Impact.NON_BREAKING,
                method,
                f"HTTP {status} error bodies are no longer parsed as `{old[status][0]}`; "
                "`error.body` is the raw JSON",
            )
        for status in sorted(new.keys() - old.keys()):
            self.add(
                "error-body-added",
                Impact.NON_BREAKING,
                method,
                f"HTTP {status} error bodies are now parsed as `{new[status][0]}`",
            )
        for status in sorted(old.keys() & new.keys()):
            if old[status][0] != new[status][0]:
                self._type_change(
                    "error-body",
                    old[status][1],
                    new[status][1],
                    old[status][0],
                    new[status][0],
                    OUTPUT,
                    method,
                    f"the HTTP {status} error body",
                )

    def _security(self, a: ir.Operation, b: ir.Operation, method: str, http: str) -> None:
        old = frozenset(frozenset(req) for req in a.security)
        new = frozenset(frozenset(req) for req in b.security)
        if old != new:
            self._auth.append((method, http, a.security, b.security))

    def _report_security(self, matched: int) -> None:
        """Per operation, or once when every operation changed the same way (global security)."""
        groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for method, http, old, new in self._auth:
            groups.setdefault((_security_text(old), _security_text(new)), []).append((method, http))
        for (old_text, new_text), members in groups.items():
            old = next(o for m, _, o, _ in self._auth if m == members[0][0])
            new = next(n for m, _, _, n in self._auth if m == members[0][0])
            # No requirement at all means anonymous access.
            old_ways = {frozenset(req) for req in old} or {frozenset()}
            new_ways = {frozenset(req) for req in new} or {frozenset()}
            widened = old_ways <= new_ways or frozenset() in new_ways
            impact = Impact.NON_BREAKING if widened else Impact.BREAKING
            tail = "" if widened else ": calls authenticated the old way may be rejected"
            if len(members) == matched and matched > 1:
                self.add(
                    "auth-changed",
                    impact,
                    "client",
                    f"every operation now accepts {new_text} (was {old_text}){tail}",
                )
                continue
            for method, http in members:
                self.add(
                    "auth-changed",
                    impact,
                    method,
                    f"{http} now accepts {new_text} (was {old_text}){tail}",
                )

    # --- types ----------------------------------------------------------------------------

    def _type_change(
        self,
        family: str,
        old: ir.TypeExpr,
        new: ir.TypeExpr,
        old_text: str,
        new_text: str,
        direction: Direction,
        where: str,
        subject: str,
    ) -> None:
        old = _rename(old, self.renames)
        types = self.types
        same = types.covers(new, self.new_side, old, self.old_side) and types.covers(
            old, self.old_side, new, self.new_side
        )
        if same:
            return
        old_lit = types.literal(old, self.old_side)
        new_lit = types.literal(new, self.new_side)
        if old_lit is not None and new_lit is not None and old_lit[1] == new_lit[1]:
            added = [v for v in new_lit[0] if not _contains(old_lit[0], v)]
            removed = [v for v in old_lit[0] if not _contains(new_lit[0], v)]
            if added:
                if direction == INPUT:
                    message = f"{subject} accepts new value(s) {_values(added)}"
                elif direction == OUTPUT:
                    message = (
                        f"{subject} may now be {_values(added)}; enum values are "
                        "lenient, so the old client accepts them at run time "
                        "(an exhaustive match may need a new case)"
                    )
                else:
                    message = f"{subject} has new value(s) {_values(added)}"
                self.add(f"{family}-enum-value-added", Impact.NON_BREAKING, where, message)
            if removed:
                if _IN in direction:
                    self.add(
                        f"{family}-enum-value-removed",
                        Impact.BREAKING,
                        where,
                        f"{subject} no longer accepts {_values(removed)}: calls passing "
                        "it fail type checking and are rejected by the server",
                    )
                else:
                    self.add(
                        f"{family}-enum-value-removed",
                        Impact.NON_BREAKING,
                        where,
                        f"{subject} is no longer {_values(removed)}",
                    )
            return
        widened = types.covers(new, self.new_side, old, self.old_side)
        narrowed = types.covers(old, self.old_side, new, self.new_side)
        breaking = (_IN in direction and not widened) or (_OUT in direction and not narrowed)
        message = f"{subject} changed from `{old_text}` to `{new_text}`"
        old_bare, new_bare = _strip_none(_norm(old)), _strip_none(_norm(new))
        if types.covers(new_bare, self.new_side, old_bare, self.old_side) and types.covers(
            old_bare, self.old_side, new_bare, self.new_side
        ):
            # Only None came or went.
            if widened:
                message += (
                    ": code reading it must now handle None"
                    if breaking
                    else " (None is now accepted)"
                )
            else:
                message += (
                    ": calls passing None fail" if breaking else " (it is never None any more)"
                )
        elif not breaking:
            message += (
                " (widened: everything accepted before is still accepted)"
                if _IN in direction
                else " (narrowed: every value it takes was possible before)"
            )
        elif _OUT in direction and widened:
            message += ": code reading it may now see values it does not handle"
        elif _IN in direction and narrowed:
            message += ": calls passing values of the old type may fail"
        else:
            message += ": code using the old type may fail"
        self.add(
            f"{family}-type-changed",
            Impact.BREAKING if breaking else Impact.NON_BREAKING,
            where,
            message,
        )

    # --- models ---------------------------------------------------------------------------

    def _model_renames(self) -> dict[str, str]:
        """Old name -> new name for definitions that only changed their name."""
        gone = {n: d for n, d in self.old_defs.items() if n not in self.new_defs}
        came = {n: d for n, d in self.new_defs.items() if n not in self.old_defs}
        renames: dict[str, str] = {}
        by_pointer: dict[str, list[str]] = {}
        for name, definition in came.items():
            by_pointer.setdefault(definition.location.pointer, []).append(name)
        for name, definition in sorted(gone.items()):
            candidates = [
                c
                for c in by_pointer.get(definition.location.pointer, [])
                if c not in renames.values() and came[c].kind == definition.kind
            ]
            if len(candidates) == 1:
                renames[name] = candidates[0]
        # Then the same shape (a renamed component), when the match is unique both ways.
        old_shapes: dict[str, list[str]] = {}
        new_shapes: dict[str, list[str]] = {}
        for name, definition in sorted(gone.items()):
            if name not in renames:
                old_shapes.setdefault(_shape(definition), []).append(name)
        for name, definition in sorted(came.items()):
            if name not in renames.values():
                new_shapes.setdefault(_shape(definition), []).append(name)
        for shape, names in old_shapes.items():
            matches = new_shapes.get(shape, [])
            if len(names) == 1 and len(matches) == 1:
                renames[names[0]] = matches[0]
        return renames

    def _direction(self, old_name: str | None, new_name: str | None) -> Direction | None:
        """How a definition is used (None: only as an exploded request body)."""
        usage: set[str] = set()
        if old_name is not None:
            usage |= self.old_usage.get(old_name, set())
        if new_name is not None:
            usage |= self.new_usage.get(new_name, set())
        directions = frozenset(usage & BOTH)
        if directions:
            return directions
        if "exploded" in usage:
            return None
        return BOTH

    def _models(self) -> None:
        renamed_to = set(self.renames.values())
        for name in sorted(self.old_defs.keys() - self.new_defs.keys()):
            definition = self.old_defs[name]
            if name in self.renames:
                target = self.renames[name]
                self.add(
                    "model-renamed",
                    Impact.BREAKING,
                    f"models.{target}",
                    f"`{name}` is now `{target}`: imports of `{name}` fail",
                )
                self._definition(definition, self.new_defs[target])
            else:
                self.add(
                    "model-removed",
                    Impact.BREAKING,
                    f"models.{name}",
                    f"{definition.kind} `{name}` was removed: imports of it fail",
                )
        for name in sorted(self.new_defs.keys() - self.old_defs.keys()):
            if name not in renamed_to:
                definition = self.new_defs[name]
                self.add(
                    "model-added",
                    Impact.NON_BREAKING,
                    f"models.{name}",
                    f"new {definition.kind} `{name}`",
                )
        for name in sorted(self.old_defs.keys() & self.new_defs.keys()):
            self._definition(self.old_defs[name], self.new_defs[name])

    def _definition(self, a: ir.Definition, b: ir.Definition) -> None:
        where = f"models.{b.name}"
        direction = self._direction(a.name, b.name)
        if a.kind != b.kind:
            self.add(
                "model-kind-changed",
                Impact.BREAKING,
                where,
                f"`{b.name}` is now {_article(b.kind)} instead of {_article(a.kind)}: "
                "code using it as before may fail",
            )
            return
        if a.description != b.description:
            self.add(
                "description-changed", Impact.DOCS, where, f"the description of `{b.name}` changed"
            )
        if isinstance(a, ir.Enum) and isinstance(b, ir.Enum):
            self._type_change(
                "enum",
                ir.Literal(a.values),
                ir.Literal(b.values),
                self.old_types.definition(a),
                self.new_types.definition(b),
                direction or INPUT,
                where,
                f"`{b.name}`",
            )
        elif isinstance(a, ir.Alias) and isinstance(b, ir.Alias):
            self._type_change(
                "alias",
                a.type,
                b.type,
                self.old_types.definition(a),
                self.new_types.definition(b),
                direction or INPUT,
                where,
                f"`{b.name}`",
            )
        elif isinstance(a, ir.Model) and isinstance(b, ir.Model):
            if b.deprecated and not a.deprecated:
                self.add(
                    "model-deprecated", Impact.NON_BREAKING, where, f"`{b.name}` is deprecated"
                )
            if direction is None:
                return  # compared argument by argument on the methods that explode it
            self._fields(a, b, direction)

    def _fields(self, a: ir.Model, b: ir.Model, direction: Direction) -> None:
        model = f"models.{b.name}"
        old_fields = {f.wire_name: f for f in a.fields}
        new_fields = {f.wire_name: f for f in b.fields}
        for f in a.fields:
            if f.wire_name not in new_fields:
                self.add(
                    "field-removed",
                    Impact.BREAKING,
                    f"{model}.{f.name}",
                    f"field `{f.name}`{_wire(f)} of `{b.name}` was removed: code reading "
                    f"or setting `.{f.name}` fails",
                )
        for f in b.fields:
            if f.wire_name in old_fields:
                continue
            used = _field_direction(f, direction)
            if f.required and _IN in used:
                self.add(
                    "field-added",
                    Impact.BREAKING,
                    f"{model}.{f.name}",
                    f"new required field `{f.name}: {self.new_types.field(f)}`: code building "
                    f"`{b.name}` without it fails validation",
                )
            else:
                self.add(
                    "field-added",
                    Impact.NON_BREAKING,
                    f"{model}.{f.name}",
                    f"new field `{f.name}: {self.new_types.field(f)}`",
                )
        for f in a.fields:
            if f.wire_name in new_fields:
                self._field(b.name, f, new_fields[f.wire_name], direction)
        if a.extra_type != b.extra_type:
            old_extra = a.extra_type or _ANY
            new_extra = b.extra_type or _ANY
            self._type_change(
                "additional-properties",
                old_extra,
                new_extra,
                self.old_types.output(a.extra_type) if a.extra_type else "Any",
                self.new_types.output(b.extra_type) if b.extra_type else "Any",
                direction,
                model,
                f"extra properties of `{b.name}`",
            )

    def _field(self, model: str, a: ir.Field, b: ir.Field, direction: Direction) -> None:
        where = f"models.{model}.{b.name}"
        used = _field_direction(b, direction) | _field_direction(a, direction)
        subject = f"field `{b.name}` of `{model}`"
        if a.name != b.name:
            self.add(
                "field-renamed",
                Impact.BREAKING,
                where,
                f"the attribute for `{b.wire_name}` is now `{b.name}` instead of "
                f"`{a.name}`: code using `.{a.name}` fails",
            )
        if b.required and not a.required:
            breaking = _IN in used
            self.add(
                "field-required",
                Impact.BREAKING if breaking else Impact.NON_BREAKING,
                where,
                f"{subject} is now required"
                + (": code building the model without it fails validation" if breaking else ""),
            )
        elif a.required and not b.required:
            may_be_none = not self.types.allows_none(b.type, self.new_side)
            breaking = _OUT in used and may_be_none
            self.add(
                "field-optional",
                Impact.BREAKING if breaking else Impact.NON_BREAKING,
                where,
                f"{subject} is now optional"
                + (
                    f" and typed `{self.new_types.field(b)}`: code reading `.{b.name}` must "
                    "handle None"
                    if breaking
                    else ""
                ),
            )
        if a.required == b.required:
            # An optional attribute may be None whatever its schema says: compare what it holds.
            old_t = a.type if a.required else ir.Nullable(a.type)
            new_t = b.type if b.required else ir.Nullable(b.type)
        else:
            old_t, new_t = a.type, b.type
        old_text, new_text = self.old_types.field(a), self.new_types.field(b)
        self._type_change("field", old_t, new_t, old_text, new_text, used, where, subject)
        if b.deprecated and not a.deprecated:
            self.add("field-deprecated", Impact.NON_BREAKING, where, f"{subject} is deprecated")
        if a.description != b.description:
            self.add(
                "description-changed", Impact.DOCS, where, f"the description of {subject} changed"
            )
        if a.default_doc != b.default_doc:
            self.add(
                "default-changed",
                Impact.DOCS,
                where,
                f"the documented default of {subject} changed from "
                f"{a.default_doc or 'none'} to {b.default_doc or 'none'}",
            )


def _field_direction(f: ir.Field, direction: Direction) -> Direction:
    if f.read_only and direction != INPUT:
        return direction - INPUT
    if f.write_only and direction != OUTPUT:
        return direction - OUTPUT
    return direction


def _usage(api: ir.Api, defs: Mapping[str, ir.Definition]) -> dict[str, set[str]]:
    """Definition name -> {"in", "out", "exploded"}: how operations reach it."""
    roots: dict[str, list[ir.TypeExpr]] = {_IN: [], _OUT: []}
    exploded: set[str] = set()
    models = [d for d in defs.values() if isinstance(d, ir.Model)]
    for resource in api.resources:
        for op in resource.operations:
            roots[_IN].extend(p.type for p in op.parameters)
            if op.body is not None:
                roots[_IN].extend(f.type for f in op.body.fields)
                roots[_IN].append(op.body.whole_type or _ANY)
                shape = tuple((f.wire_name, f.type) for f in op.body.fields)
                if shape:
                    exploded.update(
                        m.name
                        for m in models
                        if tuple((f.wire_name, f.type) for f in m.fields if not f.read_only)
                        == shape
                    )
            for expr in (op.response, op.stream, *(e.type for e in op.errors)):
                if expr is not None:
                    roots[_OUT].append(expr)
    usage: dict[str, set[str]] = {name: {"exploded"} for name in exploded}
    for direction, exprs in roots.items():
        pending = [name for expr in exprs for name in _refs(expr)]
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            usage.setdefault(name, set()).add(direction)
            definition = defs.get(name)
            if isinstance(definition, ir.Model):
                for f in definition.fields:
                    if (direction == _IN and f.read_only) or (direction == _OUT and f.write_only):
                        continue
                    pending.extend(_refs(f.type))
                pending.extend(_refs(definition.extra_type))
            elif isinstance(definition, ir.Alias):
                pending.extend(_refs(definition.type))
    return usage


def _shape(definition: ir.Definition) -> str:
    def erase(expr: ir.TypeExpr | None) -> str:
        if expr is None:
            return "-"
        return repr(_map_refs(expr, lambda _: "_"))

    if isinstance(definition, ir.Model):
        return (
            "model:"
            + repr(tuple((f.wire_name, f.required, erase(f.type)) for f in definition.fields))
            + erase(definition.extra_type)
        )
    if isinstance(definition, ir.Enum):
        return "enum:" + repr(definition.values)
    return "alias:" + erase(definition.type)


def _wire(f: ir.Field) -> str:
    return f" (`{f.wire_name}`)" if f.wire_name != f.name else ""


def _scheme_text(scheme: ir.SecurityScheme) -> str:
    if scheme.kind == "http":
        return f"HTTP {scheme.scheme or 'auth'}"
    if scheme.kind == "apiKey":
        return f"API key in {scheme.location_in} `{scheme.param_name}`"
    return scheme.kind


def _stream_text(op: ir.Operation) -> str:
    if op.stream_mode == "always":
        return "always streaming"
    return f"`{op.stream_argument}=True` ({op.stream_mode})"


def _method(op: ir.Operation) -> str:
    return f"client.{op.resource}.{op.method_name}()"


def _keyword(method: str, name: str) -> str:
    return f"{method.removesuffix('()')}({name}=)"


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}()`" for n in names)


def _article(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind
