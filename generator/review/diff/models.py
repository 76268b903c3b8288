"""The differ's part for definitions: models, enums and aliases, field by field."""

from __future__ import annotations

from generator.model import ir
from generator.review.diff.base import DiffBase
from generator.review.diff.changes import Impact
from generator.review.diff.reachability import IN, INPUT, OUT, Direction, field_direction
from generator.review.diff.subtyping import ANY


class ModelsDiff(DiffBase):
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
            used = field_direction(f, direction)
            if f.required and IN in used:
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
            old_extra = a.extra_type or ANY
            new_extra = b.extra_type or ANY
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
        used = field_direction(b, direction) | field_direction(a, direction)
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
            breaking = IN in used
            self.add(
                "field-required",
                Impact.BREAKING if breaking else Impact.NON_BREAKING,
                where,
                f"{subject} is now required"
                + (": code building the model without it fails validation" if breaking else ""),
            )
        elif a.required and not b.required:
            may_be_none = not self.types.allows_none(b.type, self.new_side)
            breaking = OUT in used and may_be_none
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


def _wire(f: ir.Field) -> str:
    return f" (`{f.wire_name}`)" if f.wire_name != f.name else ""


def _article(kind: str) -> str:
    return ("an " if kind[:1] in "aeiou" else "a ") + kind
