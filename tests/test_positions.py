"""The line-walking YAML locator must place every pointer where the composed index does, or
say it is unsure (then the composed index is used); the JSON index places keys and values."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.load.positions import Positions, _BlockWalk, composed_index

SNIPPETS = {
    "compact sequences and quoted keys": """\
openapi: 3.1.0
paths:
  "/pets/{id}":
    get:
      parameters:
      - name: id
        in: path
        schema:
          type: string
      - $ref: '#/components/parameters/Limit'
      responses:
        '200':
          description: ok
  /plain:key:
    x: 1
tags:
  - name: a
  -   name: b
      description: c
""",
    "block scalars, comments and flow": """\
info:
  # a comment at key level
  description: |
    not: a key
    - not an item
  title: >-
    folded
  x-list: [a, b]
  x-map: {k: v}
components:
  schemas:
    A:
      required:
        - one
        - two
      enum:
      - 1
      -
        nested: 2
""",
    "anchors and repeated keys": """\
a: &anchor
  b: 1
c: *anchor
d:
  e: 1
  e: 2
""",
}


def _compare(text: str) -> tuple[int, int]:
    index = composed_index(text)
    walk = _BlockWalk(text)
    answered = 0
    for pointer, expected in index.items():
        found = walk.locate(pointer)
        if found is not None:
            assert found == expected, pointer
            answered += 1
    return answered, len(index)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippets_agree_with_the_composed_index(name: str) -> None:
    answered, total = _compare(SNIPPETS[name])
    assert answered > 0 and total > 0


def test_it_answers_for_ordinary_block_yaml() -> None:
    answered, total = _compare(SNIPPETS["compact sequences and quoted keys"])
    assert answered == total


@pytest.mark.parametrize(
    "relative",
    [
        "openrouter/openapi.yaml",
        "github/github.yaml",
        "asana/asana_oas.yaml",
        "spotify/fixed-spotify-open-api.yml",
    ],
)
def test_corpus_specs_agree_with_the_composed_index(corpus: Path, relative: str) -> None:
    path = corpus / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not in this corpus")
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip()[:1] in "{[":
        pytest.skip(f"{relative} is JSON")
    index = composed_index(text)
    walk = _BlockWalk(text)
    pointers = sorted(index)
    sample = ["", *random.Random(0).sample(pointers, min(100, len(pointers)))]
    answered = 0
    for pointer in sample:
        found = walk.locate(pointer)
        if found is not None:
            assert found == index[pointer], pointer
            answered += 1
    assert answered >= 0.9 * len(sample)


def test_hundreds_of_pointers_are_placed_without_composing_the_file(corpus: Path) -> None:
    """GitHub's description prints a note per inferred paging: each operation is placed by the
    walk, as the composed index places it, and the file is never composed for them."""
    path = corpus / "github" / "github.yaml"
    if not path.is_file():
        pytest.skip("github/github.yaml is not in this corpus")
    text = path.read_text(encoding="utf-8")
    index = composed_index(text)
    operations = sorted(p for p in index if p.startswith("/paths/") and p.count("/") == 3)
    assert len(operations) > 500
    positions = Positions(text, is_json=False)
    for pointer in operations:
        assert positions.locate(pointer) == index[pointer], pointer
    assert not positions.indexed


def test_a_pointer_the_walk_is_unsure_of_is_placed_by_the_composed_index() -> None:
    text = "a: &x\n  b: 1\nc: {d: 2}\n"
    positions = Positions(text, is_json=False)
    assert positions.locate("/c/d") == (3, 5)
    assert positions.indexed
    assert positions.locate("/c/missing") == (3, 1)  # the nearest ancestor


def test_json_pointers_are_placed_at_their_keys() -> None:
    text = '{\n  "a": {"b~c": [1, {"d": null}]},\n  "e": "x"\n}\n'
    positions = Positions(text, is_json=True)
    assert positions.locate("/a") == (2, 3)
    assert positions.locate("/a/b~0c/1/d") == (2, 21)
    assert positions.locate("/e/missing") == (3, 3)
    assert positions.locate("") == (1, 1)
