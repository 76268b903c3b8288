"""The differ's part for operations: methods matched by HTTP method and path, their arguments,
return values, streaming, error bodies and security."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import ir
from generator.render.types import TypePrinter
from generator.review.diff.base import DiffBase
from generator.review.diff.changes import Impact
from generator.review.diff.matching import call_path, match_operations, operation_key
from generator.review.diff.paging import paging_changes
from generator.review.diff.reachability import INPUT, OUTPUT
from generator.review.diff.subtyping import ANY, NONE


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
                    op.body.whole_type or ANY,
                    types.argument(op.body),
                    op.body.required,
                    op.body.description,
                    False,
                    "request body",
                )
            )
    return out


def _security_text(security: tuple[tuple[str, ...], ...]) -> str:
    if not security:
        return "no authentication"
    return " or ".join(" + ".join(req) if req else "anonymous" for req in security)


class OperationsDiff(DiffBase):
    def _operations(self) -> None:
        matched = match_operations(self.old, self.new)
        pairs, gone, came = matched.pairs, matched.gone, matched.came
        for (_, op), (_, new_op) in matched.moved:
            self.add(
                "method-path-changed",
                Impact.NON_BREAKING,
                _method(new_op),
                f"now calls {new_op.http_method} {new_op.path} instead of "
                f"{op.http_method} {op.path}; calls are unchanged",
            )

        # Resources by their call path from the client (the one their methods are called by), so
        # nested resources with the same last name stay apart.
        old_resources = {op.resource: r for r in self.old.resources for op in r.operations}
        new_resources = {op.resource: r for r in self.new.resources for op in r.operations}
        removed_resources = old_resources.keys() - new_resources.keys()
        added_resources = new_resources.keys() - old_resources.keys()
        # Methods that moved to another resource are renames (reported per method), not part of
        # the resource that was removed or added.
        moved_out = {id(old_op) for (_, old_op), _ in pairs}
        moved_in = {id(new_op) for _, (_, new_op) in pairs}
        for name in sorted(removed_resources):
            resource = old_resources[name]
            removed = [op.method_name for op in resource.operations if id(op) not in moved_out]
            moved = [op.method_name for op in resource.operations if id(op) in moved_out]
            self.add(
                "resource-removed",
                Impact.BREAKING,
                f"client.{name}",
                f"`client.{name}` was removed"
                + (f" with its methods {_names(removed)}" if removed else "")
                + ": code using it fails with AttributeError"
                + (f"; {_names(moved)} moved (see their renames)" if moved else ""),
            )
        for name in sorted(added_resources):
            resource = new_resources[name]
            added = [op.method_name for op in resource.operations if id(op) not in moved_in]
            moved = [op.method_name for op in resource.operations if id(op) in moved_in]
            self.add(
                "resource-added",
                Impact.NON_BREAKING,
                f"client.{name}",
                f"new resource `client.{name}`"
                + (f" with {_names(added)}" if added else "")
                + (f"; {_names(moved)} moved here (see their renames)" if moved else ""),
            )
        for name in sorted(old_resources.keys() & new_resources.keys()):
            if old_resources[name].description != new_resources[name].description:
                self.add(
                    "description-changed",
                    Impact.DOCS,
                    f"client.{name}",
                    f"the description of `client.{name}` changed",
                )

        for _key, (_, op) in sorted(gone.items()):
            if op.resource in removed_resources:
                continue
            self.add(
                "method-removed",
                Impact.BREAKING,
                _method(op),
                f"{op.http_method} {op.path} was removed: calls fail with AttributeError",
            )
        for _key, (_, op) in sorted(came.items()):
            if op.resource in added_resources:
                continue
            self.add(
                "method-added",
                Impact.NON_BREAKING,
                _method(op),
                f"new method for {op.http_method} {op.path}",
            )
        for (_, a), (_, b) in sorted(pairs, key=lambda p: operation_key(p[1][1])):
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
        self._paging(a, b, where)
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
                a.response or NONE,
                b.response or NONE,
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

    def _paging(self, a: ir.Operation, b: ir.Operation, method: str) -> None:
        new_item = self.new_types.output(b.pagination.item) if b.pagination else ""
        for kind, impact, message in paging_changes(a.pagination, b.pagination, new_item):
            self.add(kind, impact, method, message)

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


def _stream_text(op: ir.Operation) -> str:
    if op.stream_mode == "always":
        return "always streaming"
    return f"`{op.stream_argument}=True` ({op.stream_mode})"


def _method(op: ir.Operation) -> str:
    return f"{call_path(op)}()"


def _keyword(method: str, name: str) -> str:
    return f"{method.removesuffix('()')}({name}=)"


def _names(names: Iterable[str]) -> str:
    return ", ".join(f"`{n}()`" for n in names)
