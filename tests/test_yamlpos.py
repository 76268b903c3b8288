"""The line-walking YAML locator must place every pointer where the composed index does, or
say it is unsure (then the composed index is used)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from generator.load import yamlpos
from generator.load.sourcemap import index_positions

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
    index = index_positions(text, False)
    lines = text.split("\n")
    answered = 0
    for pointer, expected in index.items():
        if not pointer:
            continue
        found = yamlpos.locate(lines, pointer)
        if found is not None:
            assert found == expected, pointer
            answered += 1
    return answered, len(index) - 1


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
    index = index_positions(text, False)
    lines = text.split("\n")
    pointers = sorted(p for p in index if p)
    sample = random.Random(0).sample(pointers, min(100, len(pointers)))
    answered = 0
    for pointer in sample:
        found = yamlpos.locate(lines, pointer)
        if found is not None:
            assert found == index[pointer], pointer
            answered += 1
    assert answered >= 0.9 * len(sample)
