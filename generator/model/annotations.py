"""Annotations: print a type expression as Python source, and record what it needs imported.

Two modes. `output` is how a model field is typed (enums accept unknown values at run time via
`Lenient`). `input` is how a method parameter is typed: a model also accepts a plain dict, a list
accepts any sequence, and aliases are expanded so dicts are accepted inside them too.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.model import ir
from generator.render.pysource import pystr

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

ModelKinds = Mapping[str, "ir.Model | ir.Enum | ir.Alias"]


class Annotator:
    """Prints annotations; `needs` collects the names the printed text uses."""

    def __init__(self, definitions: ModelKinds | None = None) -> None:
        self.definitions: ModelKinds = definitions or {}
        self.needs: set[str] = set()
        self.refs: set[str] = set()

    def plain(self, expr: ir.TypeExpr) -> str:
        """No `Lenient` wrappers: for enum definitions themselves."""
        return self._print(expr, "plain", 0)

    def output(self, expr: ir.TypeExpr) -> str:
        return self._print(expr, "output", 0)

    def input(self, expr: ir.TypeExpr) -> str:
        return self._print(expr, "input", 0)

    def field(self, expr: ir.TypeExpr, required: bool) -> str:
        text = self.output(expr)
        if not required and not self._allows_none(expr, 0):
            text += " | None"
        return text

    def _allows_none(self, expr: ir.TypeExpr, depth: int) -> bool:
        """Whether None is already a value of `expr`, looking through aliases: appending
        `| None` to an alias of None would be `None | None`, a TypeError at run time."""
        if isinstance(expr, ir.Ref) and depth < 8:
            definition = self.definitions.get(expr.name)
            if isinstance(definition, ir.Alias):
                return self._allows_none(definition.type, depth + 1)
        return isinstance(expr, ir.Nullable) or expr in (ir.Prim("any"), ir.Prim("none"))

    def _print(self, expr: ir.TypeExpr, mode: str, depth: int) -> str:
        if isinstance(expr, ir.Prim):
            text = _PRIMITIVES.get(expr.name, "Any")
            if "Any" in text:
                self.needs.add("Any")
            if text.startswith(("datetime.", "uuid.")):
                self.needs.add(text.split(".")[0])
            return text
        if isinstance(expr, ir.Ref):
            return self._ref(expr, mode, depth)
        if isinstance(expr, ir.Array):
            inner = self._print(expr.item, mode, depth)
            if mode == "input":
                self.needs.add("Sequence")
                return f"Sequence[{inner}]"
            return f"list[{inner}]"
        if isinstance(expr, ir.Map):
            inner = self._print(expr.value, mode, depth)
            if mode == "input":
                self.needs.add("Mapping")
                return f"Mapping[str, {inner}]"
            return f"dict[str, {inner}]"
        if isinstance(expr, ir.Tuple):
            return "tuple[" + ", ".join(self._print(i, mode, depth) for i in expr.items) + "]"
        if isinstance(expr, ir.Literal):
            self.needs.add("Literal")
            text = "Literal[" + ", ".join(_literal_repr(v) for v in expr.values) + "]"
            if mode == "output":
                self.needs.add("Lenient")
                return f"Lenient[{text}]"
            return text
        if isinstance(expr, ir.Union):
            if expr.discriminator is not None and mode != "input":
                tagged = self._tagged_union(expr, expr.discriminator)
                if tagged is not None:
                    return tagged
            parts: list[str] = []
            for option in expr.options:
                printed = self._print(option, mode, depth)
                for piece in _split_top(printed):
                    if piece not in parts:
                        parts.append(piece)
            return " | ".join(parts)
        if isinstance(expr, ir.Nullable):
            inner = self._print(expr.inner, mode, depth)
            return inner if "None" in _split_top(inner) else f"{inner} | None"
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
        tags: dict[str, str] = {}
        for value, name in discriminator.mapping:
            if any(model.name == name for model in models):
                tags.setdefault(value, name)
        for model in models:  # the implicit mapping still applies beside an explicit one
            for value in _implicit_tags(model, discriminator.property):
                tags.setdefault(value, model.name)
        for model in models:
            self.refs.add(model.name)
        self.needs |= {"Annotated", "Tag", "tagged_by"}
        options = " | ".join(f"Annotated[{m.name}, Tag({pystr(m.name)})]" for m in models)
        mapping = ", ".join(
            f"{pystr(value)}: {pystr(name)}" for value, name in sorted(tags.items())
        )
        return f"Annotated[{options}, tagged_by({pystr(discriminator.property)}, {{{mapping}}})]"

    def _ref(self, expr: ir.Ref, mode: str, depth: int) -> str:
        definition = self.definitions.get(expr.name)
        if isinstance(definition, ir.Enum):
            self.refs.add(expr.name)
            if mode == "output":
                self.needs.add("Lenient")
                return f"Lenient[{expr.name}]"
            return expr.name
        if mode == "input":
            if isinstance(definition, ir.Alias) and depth < 8:
                return self._print(definition.type, mode, depth + 1)
            if isinstance(definition, ir.Model):
                self.refs.add(expr.name)
                self.needs.add("Any")
                return f"{expr.name} | dict[str, Any]"
            if isinstance(definition, ir.Alias):
                self.needs.add("Any")
                return "Any"
        self.refs.add(expr.name)
        return expr.name


def _implicit_tags(model: ir.Model, prop: str) -> list[str]:
    """Tag values a model answers to without an explicit mapping: the values its tag property
    may take, else (as OpenAPI says) its schema name."""
    for field in model.fields:
        if field.wire_name == prop and isinstance(field.type, ir.Literal):
            return [str(v) for v in field.type.values if isinstance(v, str)]
    pointer = model.location.pointer
    for prefix in ("/components/schemas/", "/definitions/"):
        if pointer.startswith(prefix) and "/" not in pointer[len(prefix) :]:
            key = pointer[len(prefix) :].replace("~1", "/").replace("~0", "~")
            return [key] if key == model.name else [key, model.name]
    return [model.name]


def _literal_repr(value: object) -> str:
    return pystr(value) if isinstance(value, str) else repr(value)


def _split_top(text: str) -> list[str]:
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
