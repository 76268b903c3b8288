"""`specdata.Copier`: the one deep copy of spec data (overlays bound it, conversion does not)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.load.bounds import MAX_DEPTH
from generator.load.specdata import Copier, LimitError


def test_a_copy_shares_nothing_but_scalars() -> None:
    original: dict[str, Any] = {"a": [1, {"b": "c"}], "d": None}
    copied = Copier().copy(original)
    assert copied == original
    assert copied is not original and copied["a"] is not original["a"]
    assert copied["a"][1] is not original["a"][1]


def test_a_cycle_is_kept_within_the_copy() -> None:
    node: dict[str, Any] = {"name": "loop"}
    node["self"] = node
    copied = Copier().copy(node)
    assert copied["self"] is copied and copied is not node


def test_the_budget_and_the_depth_are_bounds() -> None:
    with pytest.raises(LimitError, match="past 10 nodes"):
        Copier(10).copy(list(range(20)))
    deep: Any = 1
    for _ in range(MAX_DEPTH):
        deep = [deep]
    Copier().copy(deep)  # as deep as the loader allows
    with pytest.raises(LimitError, match="levels deep"):
        Copier().copy([deep])


def test_walk_says_how_far_a_pointer_leads() -> None:
    from generator.load.specdata import MISSING, follow, walk

    document = {"a": [{"b": 1}]}
    assert walk(document, ["a", "0", "b"]) == (1, 3)
    assert walk(document, ["a", "1", "b"]) == ([{"b": 1}], 1)
    assert follow(document, ["a", "0", "c"]) is MISSING
