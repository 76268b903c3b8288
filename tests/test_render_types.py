"""`generator.render.types`: type expressions printed as annotations and runtime values, and the
import lines computed from what they use."""

from __future__ import annotations

import pytest

from generator.diagnostics import Location
from generator.model import ir, typerules
from generator.render.types import TypePrinter

WHERE = Location("spec.yaml", "/components/schemas/X")


def _field(name: str, expr: ir.TypeExpr, required: bool = True) -> ir.Field:
    return ir.Field(name, name, expr, required, None, None, False, False, False, WHERE)


def _model(name: str, *fields: ir.Field, module: str = "m") -> ir.Model:
    location = Location("spec.yaml", f"/components/schemas/{name}")
    return ir.Model(name, module, fields, None, None, False, location)


COLOR = ir.Enum("Color", "color", ("red", "blue"), None, WHERE)
CAT = _model("Cat", _field("kind", ir.Literal(("cat",))), module="pets")
DOG = _model("Dog", _field("kind", ir.Literal(("dog",))), module="pets")
NAMES = ir.Alias("Names", "names", ir.Array(ir.Prim("str")), None, WHERE)
NOTHING = ir.Alias("Nothing", "nothing", ir.Prim("none"), None, WHERE)
DEFINITIONS: dict[str, ir.Definition] = {d.name: d for d in (COLOR, CAT, DOG, NAMES, NOTHING)}
PETS = ir.Union((ir.Ref("Cat"), ir.Ref("Dog")), ir.Discriminator("kind", ()))


@pytest.mark.parametrize(
    ("expr", "output", "input_", "plain"),
    [
        (ir.Prim("datetime"), "datetime.datetime", "datetime.datetime", "datetime.datetime"),
        (ir.Prim("object"), "dict[str, Any]", "dict[str, Any]", "dict[str, Any]"),
        (ir.Array(ir.Ref("Cat")), "list[Cat]", "Sequence[Cat | dict[str, Any]]", "list[Cat]"),
        (ir.Map(ir.Prim("int")), "dict[str, int]", "Mapping[str, int]", "dict[str, int]"),
        (ir.Ref("Color"), "Lenient[Color]", "Color", "Color"),
        (
            ir.Literal(("a", 1, None)),
            'Lenient[Literal["a", 1, None]]',
            'Literal["a", 1, None]',
            'Literal["a", 1, None]',
        ),
        (ir.Ref("Names"), "Names", "Sequence[str]", "Names"),
        (
            ir.Nullable(ir.Union((ir.Prim("str"), ir.Prim("none")))),
            "str | None",
            "str | None",
            "str | None",
        ),
        (
            ir.Tuple((ir.Prim("int"), ir.Prim("str"))),
            "tuple[int, str]",
            "tuple[int, str]",
            "tuple[int, str]",
        ),
    ],
)
def test_three_ways_to_print_a_type(
    expr: ir.TypeExpr, output: str, input_: str, plain: str
) -> None:
    types = TypePrinter(DEFINITIONS)
    assert (types.output(expr), types.input(expr), types.plain(expr)) == (output, input_, plain)


def test_literals_equal_in_python_but_of_other_types_are_printed_apart() -> None:
    """True == 1 and 0 == False: the printer's memo gave the second the first's text, so what a
    module printed depended on what was printed before it (in fanout's children, on timing)."""
    pairs = [(1, True), (0, False), (1, 1.0)]
    for first, second in pairs + [(b, a) for a, b in pairs]:
        types = TypePrinter(DEFINITIONS)
        nested = [types.plain(ir.Array(ir.Literal((value,)))) for value in (first, second)]
        assert [types.plain(ir.Literal((value,))) for value in (first, second)] == [
            f"Literal[{first!r}]",
            f"Literal[{second!r}]",
        ]
        assert nested == [f"list[Literal[{first!r}]]", f"list[Literal[{second!r}]]"]
    assert ir.Literal(("a", 1)) == ir.Literal(("a", 1))
    assert ir.Literal((True,)) != ir.Literal((1,))


def test_a_discriminated_union_of_models_is_tagged_except_as_an_argument() -> None:
    types = TypePrinter(DEFINITIONS)
    assert types.output(PETS) == (
        'Annotated[Annotated[Cat, Tag("Cat")] | Annotated[Dog, Tag("Dog")], '
        'tagged_by("kind", {"cat": "Cat", "dog": "Dog"})]'
    )
    printed = types.printed(PETS, "output")
    assert {"Annotated", "Tag", "tagged_by"} <= printed.needs
    assert printed.refs == {"Cat", "Dog"}
    assert types.input(PETS) == "Cat | dict[str, Any] | Dog"


def test_an_optional_field_holds_none_once() -> None:
    types = TypePrinter(DEFINITIONS)
    assert types.field(_field("a", ir.Prim("str"), required=False)) == "str | None"
    assert types.field(_field("a", ir.Prim("str"))) == "str"
    # An alias of None already allows None: `Nothing | None` would be `None | None`.
    assert types.field(_field("a", ir.Ref("Nothing"), required=False)) == "Nothing"
    assert typerules.allows_none(ir.Ref("Nothing"), DEFINITIONS)


def test_arguments_files_and_missing_values() -> None:
    types = TypePrinter(DEFINITIONS)
    file_part = ir.BodyField("f", "f", ir.Prim("bytes"), True, None, True, False)
    assert types.argument(file_part) == "FileTypes"
    whole = ir.RequestBody(
        "application/octet-stream", True, (), "body", ir.Prim("bytes"), True, None, WHERE
    )
    assert types.argument(whole) == "FileTypes"
    assert types.output(None) == types.plain(None) == "None"
    assert types.definition(COLOR) == 'Literal["red", "blue"]'
    assert types.definition(NAMES) == "list[str]"


def test_model_imports_come_from_what_the_module_uses() -> None:
    owner = _model(
        "Owner",
        _field("pet", PETS),
        _field("color", ir.Ref("Color"), required=False),
        _field("born", ir.Prim("date")),
        module="owner",
    )
    module = ir.ModelModule("owner", (owner,), ())
    types = TypePrinter({**DEFINITIONS, "Owner": owner})
    lines = types.model_imports(module)
    assert lines == (
        "from __future__ import annotations",
        "",
        "import datetime",
        "from typing import Annotated",
        "",
        "from pydantic import Tag",
        "",
        "from .._runtime import BaseModel, Lenient, tagged_by",
        "from .color import Color",
        "from .pets import Cat, Dog",
    )
