"""Types at render time: the IR's type expressions printed as Python, and the imports they need.

The IR holds types as data (`ir.TypeExpr`); this module is the one place that spells them. Three
ways to print one:

- `output`: how a model field or a return value is typed (enums accept unknown values at run time
  via `Lenient`, a discriminated union of models is tagged).
- `input`: how a method argument is typed: a model also accepts a plain dict, a list any sequence,
  and aliases are expanded so dicts are accepted inside them too.
- `plain`: a value handed to the runtime (`response_type=`, `error_types=`): no `Lenient[...]`,
  since a generic alias applied in a value position is not valid for type checkers.

Each printed text comes with the names it uses (`needs`: typing, runtime and standard-library
names; `refs`: definitions), from which the import lines of a module are computed. `TypePrinter`
memoises by expression: the import pass and the templates print the same annotations.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import ir, typerules
from generator.model.naming import isort_key
from generator.render.pysource import from_import, pystr

_PRIMITIVES = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "bytes": "bytes",
    "date": "datetime.date",
    "datetime": "datetime.datetime",
    "time": "datetime.time",
    "uuid": "uuid.UUID",
    "any": "Any",
    "none": "None",
    "object": "dict[str, Any]",
}

FILE_ANNOTATION = "FileTypes"  # what a file argument accepts (the runtime's type)

PLAIN, OUTPUT, INPUT = "plain", "output", "input"


@dataclass(frozen=True, slots=True)
class Printed:
    text: str
    needs: frozenset[str]  # names the text uses besides definitions: Any, Lenient, datetime, ...
    refs: frozenset[str]  # definitions the text names


# Builtins the printed types spell. A class body that defines a method of one of these names
# (`def list(...)`, as `client.files.list()`) hides the builtin from the annotations after it,
# so a module whose classes do is printed with `builtins.list[...]` instead.
SHADOWABLE = frozenset({"bool", "bytes", "dict", "float", "int", "list", "str", "tuple"})


class _Printing:
    """One expression printed in one mode, collecting what it uses."""

    def __init__(
        self, definitions: typerules.DefinitionIndex, shadowed: frozenset[str] = frozenset()
    ) -> None:
        self.definitions = definitions
        self.shadowed = shadowed
        self.needs: set[str] = set()
        self.refs: set[str] = set()

    def _builtin(self, name: str) -> str:
        if name in self.shadowed:
            self.needs.add("builtins")
            return f"builtins.{name}"
        return name

    def print(self, expr: ir.TypeExpr, mode: str, depth: int = 0) -> str:
        if isinstance(expr, ir.Prim):
            text = _PRIMITIVES.get(expr.name, "Any")
            if "Any" in text:
                self.needs.add("Any")
            if text.startswith(("datetime.", "uuid.")):
                self.needs.add(text.split(".")[0])
            if text in SHADOWABLE:
                return self._builtin(text)
            if text.startswith("dict["):
                return self._builtin("dict") + text.removeprefix("dict")
            return text
        if isinstance(expr, ir.Ref):
            return self._ref(expr, mode, depth)
        if isinstance(expr, ir.Array):
            inner = self.print(expr.item, mode, depth)
            if mode == INPUT:
                self.needs.add("Sequence")
                return f"Sequence[{inner}]"
            return f"{self._builtin('list')}[{inner}]"
        if isinstance(expr, ir.Map):
            inner = self.print(expr.value, mode, depth)
            if mode == INPUT:
                self.needs.add("Mapping")
                return f"Mapping[str, {inner}]"
            return f"{self._builtin('dict')}[{self._builtin('str')}, {inner}]"
        if isinstance(expr, ir.Tuple):
            items = ", ".join(self.print(i, mode, depth) for i in expr.items)
            return f"{self._builtin('tuple')}[{items}]"
        if isinstance(expr, ir.Literal):
            self.needs.add("Literal")
            text = "Literal[" + ", ".join(_literal_repr(v) for v in expr.values) + "]"
            if mode == OUTPUT:
                self.needs.add("Lenient")
                return f"Lenient[{text}]"
            return text
        if isinstance(expr, ir.Union):
            if expr.discriminator is not None and mode != INPUT:
                tagged = self._tagged_union(expr, expr.discriminator)
                if tagged is not None:
                    return tagged
            parts: list[str] = []
            for option in expr.options:
                for piece in split_union(self.print(option, mode, depth)):
                    if piece not in parts:
                        parts.append(piece)
            return " | ".join(parts)
        if isinstance(expr, ir.Nullable):
            inner = self.print(expr.inner, mode, depth)
            return inner if "None" in split_union(inner) else f"{inner} | None"
        raise TypeError(f"unknown type expression {expr!r}")  # pragma: no cover

    def _tagged_union(self, expr: ir.Union, discriminator: ir.Discriminator) -> str | None:
        """`Annotated[Annotated[A, Tag("A")] | ..., tagged_by("type", {...})]`, when every
        option is a model; other unions stay plain (pydantic then tries each option)."""
        models: list[ir.Model] = []
        for option in expr.options:
            definition = self.definitions.get(option.name) if isinstance(option, ir.Ref) else None
            if not isinstance(definition, ir.Model):
                return None
            models.append(definition)
        tags = typerules.discriminator_tags(models, discriminator)
        self.refs.update(model.name for model in models)
        self.needs |= {"Annotated", "Tag", "tagged_by"}
        options = " | ".join(f"Annotated[{m.name}, Tag({pystr(m.name)})]" for m in models)
        mapping = ", ".join(f"{pystr(value)}: {pystr(name)}" for value, name in tags)
        return f"Annotated[{options}, tagged_by({pystr(discriminator.property)}, {{{mapping}}})]"

    def _ref(self, expr: ir.Ref, mode: str, depth: int) -> str:
        definition = self.definitions.get(expr.name)
        if isinstance(definition, ir.Enum):
            self.refs.add(expr.name)
            if mode == OUTPUT:
                self.needs.add("Lenient")
                return f"Lenient[{expr.name}]"
            return expr.name
        if mode == INPUT:
            # An alias is expanded so dicts are accepted inside it; too deep, it is `Any`.
            if isinstance(definition, ir.Alias) and depth < typerules.MAX_REFERENCE_DEPTH:
                return self.print(definition.type, mode, depth + 1)
            if isinstance(definition, ir.Model):
                self.refs.add(expr.name)
                self.needs.add("Any")
                return f"{expr.name} | dict[str, Any]"
            if isinstance(definition, ir.Alias):
                self.needs.add("Any")
                return "Any"
        self.refs.add(expr.name)
        return expr.name


def _literal_repr(value: object) -> str:
    return pystr(value) if isinstance(value, str) else repr(value)


def split_union(text: str) -> list[str]:
    """Split `A | B[C | D] | E` at its top-level bars."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in text:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        if char == "|" and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


Argument = ir.Parameter | ir.BodyField | ir.RequestBody


class TypePrinter:
    """Prints the type expressions of one API (its definitions say what a name is)."""

    def __init__(
        self, definitions: typerules.DefinitionIndex, shadowed: frozenset[str] = frozenset()
    ) -> None:
        self.definitions = definitions
        self.shadowed = shadowed
        self._cache: dict[tuple[str, ir.TypeExpr], Printed] = {}
        self._shadowing: dict[frozenset[str], TypePrinter] = {}

    @classmethod
    def of(cls, api: ir.Api) -> TypePrinter:
        return cls(typerules.definition_index(api))

    def for_resource(self, resource: ir.Resource) -> TypePrinter:
        """The printer for a resource's module: builtins its classes' members hide (a method
        or sub-resource named `list`) are spelled `builtins.<name>`."""
        members = {op.method_name for op in resource.operations}
        members |= {child.attribute for child in resource.children}
        hidden = frozenset(members & SHADOWABLE)
        if not hidden:
            return self
        if hidden not in self._shadowing:
            self._shadowing[hidden] = TypePrinter(self.definitions, hidden)
        return self._shadowing[hidden]

    def printed(self, expr: ir.TypeExpr, mode: str) -> Printed:
        key = (mode, expr)
        found = self._cache.get(key)
        if found is None:
            printing = _Printing(self.definitions, self.shadowed)
            text = printing.print(expr, mode)
            found = Printed(text, frozenset(printing.needs), frozenset(printing.refs))
            self._cache[key] = found
        return found

    # --- one annotation -------------------------------------------------------------------

    def output(self, expr: ir.TypeExpr | None) -> str:
        return "None" if expr is None else self.printed(expr, OUTPUT).text

    def input(self, expr: ir.TypeExpr) -> str:
        return self.printed(expr, INPUT).text

    def plain(self, expr: ir.TypeExpr | None) -> str:
        return "None" if expr is None else self.printed(expr, PLAIN).text

    def field(self, field: ir.Field) -> str:
        """A model attribute: optional ones also hold None (once: `None | None` is a TypeError
        at run time, so an alias of None is looked through)."""
        text = self.output(field.type)
        if not field.required and not typerules.allows_none(field.type, self.definitions):
            text += " | None"
        return text

    def argument(self, argument: Argument) -> str:
        """A method argument: a parameter, a body property, or the whole body."""
        if isinstance(argument, ir.RequestBody):
            if argument.whole_type is None:
                return "Any"
            return FILE_ANNOTATION if argument.whole_is_file else self.input(argument.whole_type)
        if isinstance(argument, ir.BodyField) and argument.is_file:
            return FILE_ANNOTATION
        return self.input(argument.type)

    def definition(self, definition: ir.Enum | ir.Alias) -> str:
        """The right-hand side of an enum's or alias's `TypeAlias`."""
        if isinstance(definition, ir.Enum):
            return self.plain(ir.Literal(definition.values))
        return self.output(definition.type)

    def returns(self, op: ir.Operation, variant: str = "impl", stream_class: str = "Stream") -> str:
        """A method's return annotation; `variant` is the overload of a method that may stream
        ("true", "false", "bool"), "impl" the implementation."""
        response = self.output(op.response)
        if op.pagination is not None:  # a list: its page (the async method's paginator)
            page = "AsyncPaginator" if stream_class == "AsyncStream" else "SyncPage"
            return f"{page}[{self.output(op.pagination.item)}, {response}]"
        if op.stream is None:
            return response
        stream = f"{stream_class}[{self.output(op.stream)}]"
        if variant == "true" or op.stream_mode == "always":
            return stream
        return response if variant == "false" else f"{response} | {stream}"

    # --- what a module imports --------------------------------------------------------------

    def model_imports(self, module: ir.ModelModule) -> tuple[str, ...]:
        """The import lines of a models module."""
        needs: set[str] = set()
        refs: set[str] = set()
        uses_field = False
        for definition in module.definitions:
            if isinstance(definition, ir.Model):
                for f in definition.fields:
                    _add(self.printed(f.type, OUTPUT), needs, refs)
                uses_field = uses_field or any(f.name != f.wire_name for f in definition.fields)
                if definition.extra_type is not None:
                    _add(self.printed(definition.extra_type, OUTPUT), needs, refs)
            else:
                if isinstance(definition, ir.Alias):
                    _add(self.printed(definition.type, OUTPUT), needs, refs)
                else:
                    needs.add("Literal")
                needs.add("TypeAlias")
        lines = ["from __future__ import annotations", ""]
        stdlib = sorted(n for n in needs if n in ("datetime", "uuid"))
        lines.extend(f"import {name}" for name in stdlib)
        typing_names = sorted(n for n in needs if n in ("Annotated", "Any", "Literal", "TypeAlias"))
        if typing_names:
            lines.append(f"from typing import {', '.join(sorted(typing_names, key=isort_key))}")
        if stdlib or typing_names:
            lines.append("")
        pydantic_names = (["Field"] if uses_field else []) + (["Tag"] if "Tag" in needs else [])
        if pydantic_names:
            lines.extend([f"from pydantic import {', '.join(pydantic_names)}", ""])
        runtime = []
        if any(isinstance(d, ir.Model) for d in module.definitions):
            runtime.append("BaseModel")
        runtime.extend(name for name in ("Lenient", "tagged_by") if name in needs)
        if runtime:
            lines.append(from_import(".._runtime", runtime))
        local: dict[str, list[str]] = {}
        for name in sorted(refs):
            other = self.definitions.get(name)
            if other is not None and other.module != module.name:
                local.setdefault(other.module, []).append(name)
        for imported in sorted(local):
            lines.append(from_import(f".{imported}", sorted(local[imported], key=isort_key)))
        while lines and lines[-1] == "":
            lines.pop()
        return tuple(lines)

    def _resource_uses(self, resource: ir.Resource) -> tuple[set[str], set[str]]:
        needs: set[str] = set()
        refs: set[str] = set()
        for op in resource.operations:
            printed = [self.printed(p.type, INPUT) for p in op.parameters]
            if op.body is not None:
                printed.extend(self.printed(f.type, INPUT) for f in op.body.fields if not f.is_file)
                if op.body.whole_type is not None and not op.body.whole_is_file:
                    printed.append(self.printed(op.body.whole_type, INPUT))
            for expr in (op.response, op.stream):
                if expr is not None:
                    printed += [self.printed(expr, OUTPUT), self.printed(expr, PLAIN)]
            printed.extend(self.printed(e.type, PLAIN) for e in op.errors)
            if op.pagination is not None:
                printed.append(self.printed(op.pagination.item, OUTPUT))
            for item in printed:
                _add(item, needs, refs)
        return needs, refs

    def resource_models(self, resource: ir.Resource) -> tuple[str, ...]:
        """The models a resource's methods name, in import order."""
        _, refs = self._resource_uses(resource)
        return tuple(sorted((n for n in refs if n in self.definitions), key=isort_key))

    def resource_imports(self, resource: ir.Resource) -> tuple[str, ...]:
        """The import lines of a resource module."""
        needs, refs = self._resource_uses(resource)
        operations = resource.operations
        if not operations:  # a resource holding only sub-resources
            return (
                "from __future__ import annotations",
                "",
                "from functools import cached_property",
                "from typing import TYPE_CHECKING",
                "",
                from_import(".._runtime", ["AsyncAPIResource", "SyncAPIResource"]),
            )
        typing_names = {"cast"}
        if resource.children:
            typing_names.add("TYPE_CHECKING")
        if any(op.stream_mode in ("flag", "accept") for op in operations):
            typing_names |= {"Literal", "overload"}
        if any(deprecated_arguments(op) for op in operations):
            typing_names.add("overload")  # an overload per deprecated argument
        typing_names |= {n for n in needs if n in ("Annotated", "Any", "Literal")}
        lines = ["from __future__ import annotations", ""]
        lines.extend(f"import {name}" for name in sorted(needs & {"builtins", "datetime", "uuid"}))
        collections = sorted(needs & {"Mapping", "Sequence"})
        if collections:
            lines.append(f"from collections.abc import {', '.join(collections)}")
        if resource.children:
            lines.append("from functools import cached_property")
        lines.append(f"from typing import {', '.join(sorted(typing_names, key=isort_key))}")
        lines.append("")
        if "Tag" in needs:
            lines.extend(["from pydantic import Tag", ""])
        runtime = set(_RESOURCE_RUNTIME)
        if any(op.parameters for op in operations):
            runtime.add("Param")
        runtime |= needs & {"Lenient", "tagged_by"}
        if any(op.stream is not None for op in operations):
            runtime |= {"Stream", "AsyncStream"}
        if any(op.pagination is not None for op in operations):
            runtime |= {"AsyncPaginator", "Paging", "SyncPage"}
        if any(op.body and _takes_file(op.body) for op in operations):
            runtime.add(FILE_ANNOTATION)
        lines.append(from_import(".._runtime", sorted(runtime, key=isort_key)))
        lines.extend(self._model_import_lines(refs, "..models"))
        return tuple(lines)

    def webhook_imports(self, webhooks: ir.Webhooks) -> tuple[str, ...]:
        """The import lines of the webhooks module (the event union, annotated and as a value)."""
        needs: set[str] = set()
        refs: set[str] = set()
        for mode in (OUTPUT, PLAIN):
            _add(self.printed(webhooks.event_type, mode), needs, refs)
        typing_names = {"ClassVar", "cast"} | (needs & {"Annotated", "Any", "Literal"})
        lines = ["from __future__ import annotations", ""]
        lines.extend(f"import {name}" for name in sorted(needs & {"datetime", "uuid"}))
        collections = sorted({"Mapping"} | (needs & {"Sequence"}))
        lines.append(f"from collections.abc import {', '.join(collections)}")
        lines.append(f"from typing import {', '.join(sorted(typing_names, key=isort_key))}")
        lines.append("")
        if "Tag" in needs:
            lines.extend(["from pydantic import Tag", ""])
        runtime = {"BaseWebhooks", "WebhookScheme"} | (needs & {"Lenient", "tagged_by"})
        lines.append(from_import("._runtime", sorted(runtime, key=isort_key)))
        lines.extend(self._model_import_lines(refs, ".models"))
        return tuple(lines)

    def _model_import_lines(self, refs: set[str], package: str) -> list[str]:
        """One `from <package>.<module> import ...` line per models module the names live in."""
        by_module: dict[str, list[str]] = {}
        for name in sorted(refs):
            definition = self.definitions.get(name)
            if definition is not None:
                by_module.setdefault(definition.module, []).append(name)
        return [
            from_import(f"{package}.{module}", sorted(by_module[module], key=isort_key))
            for module in sorted(by_module)
        ]


def deprecated_arguments(op: ir.Operation) -> bool:
    """Whether a deprecated parameter or body property gives the method extra overloads."""
    return any(p.deprecation for p in op.parameters) or (
        op.body is not None and any(f.deprecation for f in op.body.fields)
    )


_RESOURCE_RUNTIME = (
    "NOT_GIVEN",
    "AsyncAPIResource",
    "Body",
    "Headers",
    "NotGiven",
    "Operation",
    "Query",
    "RetryPolicy",
    "SyncAPIResource",
    "TimeoutTypes",
    "async_to_raw_response_wrapper",
    "async_to_streamed_response_wrapper",
    "to_raw_response_wrapper",
    "to_streamed_response_wrapper",
)


def _takes_file(body: ir.RequestBody) -> bool:
    return body.whole_is_file or any(f.is_file for f in body.fields)


def _add(printed: Printed, needs: set[str], refs: set[str]) -> None:
    needs |= printed.needs
    refs |= printed.refs


def credential_annotation(scheme: ir.SecurityScheme) -> str:
    """The client constructor's argument for a security scheme: a (user, password) pair for
    HTTP basic, a (client id, client secret) pair for OAuth2 client credentials, else the
    secret."""
    pair = scheme.scheme == "basic" or scheme.token_url is not None
    return "tuple[str, str] | None" if pair else "str | None"
