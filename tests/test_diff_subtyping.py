"""`generator.review.diff.subtyping`: type compatibility read on the IR's type expressions, each
side with its own definitions (no printed annotations involved)."""

from __future__ import annotations

import pytest

from generator.diagnostics import Location
from generator.model import ir
from generator.review.diff.subtyping import MAX_DEPTH, Side, Subtyping, normal

WHERE = Location("spec.yaml")
STR, INT, FLOAT, BOOL = ir.Prim("str"), ir.Prim("int"), ir.Prim("float"), ir.Prim("bool")
ANY, NONE = ir.Prim("any"), ir.Prim("none")
EMPTY = Side({})


def covers(a: ir.TypeExpr, b: ir.TypeExpr, side: Side = EMPTY) -> bool:
    return Subtyping().covers(a, side, b, side)


@pytest.mark.parametrize(
    ("wide", "narrow"),
    [
        (FLOAT, INT),
        (ir.Nullable(STR), STR),
        (ir.Nullable(STR), NONE),
        (ANY, ir.Array(INT)),
        (STR, ir.Literal(("a", "b"))),
        (ir.Literal(("a", "b", "c")), ir.Literal(("a", "b"))),
        (ir.Union((STR, INT)), INT),
        (ir.Array(FLOAT), ir.Array(INT)),
        (ir.Map(ANY), ir.Map(INT)),
        (ir.Prim("object"), ir.Map(STR)),
        (ir.Tuple((FLOAT, STR)), ir.Tuple((INT, STR))),
    ],
)
def test_widening_is_one_way(wide: ir.TypeExpr, narrow: ir.TypeExpr) -> None:
    assert covers(wide, narrow)
    assert not covers(narrow, wide)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (INT, BOOL),  # a bool is never an int here
        (ir.Literal((1,)), ir.Literal((True,))),  # equal in Python, different JSON values
        (ir.Ref("A"), ir.Ref("B")),
        (ir.Tuple((INT,)), ir.Tuple((INT, INT))),
    ],
)
def test_unrelated_types(a: ir.TypeExpr, b: ir.TypeExpr) -> None:
    assert not covers(a, b) and not covers(b, a)


def test_spellings_of_the_same_type_are_equal() -> None:
    assert normal(ir.Union((STR, NONE))) == ir.Nullable(STR)
    assert normal(ir.Map(ANY)) == ir.Prim("object")
    assert normal(ir.Literal(("a", None))) == ir.Nullable(ir.Literal(("a",)))
    assert normal(ir.Union((STR, ANY))) == ANY
    assert covers(ir.Union((STR, NONE)), ir.Nullable(STR))
    assert covers(ir.Nullable(STR), ir.Union((NONE, STR)))


def test_references_stand_for_what_they_name_on_their_own_side() -> None:
    old = Side({"Color": ir.Enum("Color", "m", ("red", "blue"), None, WHERE)})
    new = Side({"Color": ir.Enum("Color", "m", ("red", "blue", "green"), None, WHERE)})
    types = Subtyping()
    # The new enum takes every old value, not the reverse.
    assert types.covers(ir.Ref("Color"), new, ir.Ref("Color"), old) is True  # same name
    assert types.covers(ir.Literal(("red", "blue", "green")), new, ir.Ref("Color"), old)
    assert not types.covers(ir.Ref("Color"), old, ir.Literal(("green",)), new)
    assert types.literal(ir.Nullable(ir.Ref("Color")), new) == (("red", "blue", "green"), True)
    names = Side({"Names": ir.Alias("Names", "m", ir.Array(STR), None, WHERE)})
    assert types.covers(ir.Array(STR), names, ir.Ref("Names"), names)
    maybe = Side({"Maybe": ir.Alias("Maybe", "m", ir.Nullable(INT), None, WHERE)})
    assert types.allows_none(ir.Ref("Maybe"), maybe)


def test_a_cycle_of_aliases_ends_at_the_depth_limit() -> None:
    loop = Side(
        {
            "A": ir.Alias("A", "m", ir.Ref("B"), None, WHERE),
            "B": ir.Alias("B", "m", ir.Ref("A"), None, WHERE),
        }
    )
    types = Subtyping()
    assert not types.covers(STR, loop, ir.Ref("A"), loop)
    assert not types.allows_none(ir.Ref("A"), loop)
    assert types.literal(ir.Ref("A"), loop) is None
    assert MAX_DEPTH > 0
