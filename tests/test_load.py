"""Load: YAML and JSON files become plain data, and JSON pointers map back to lines and columns."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics, Location
from generator.load.sources import LoadError, SourceFile, Sources, read_source

YAML_SPEC = """\
openapi: 3.1.0
info:
  title: Pets
  version: 1.0.0
paths:
  /pets/{petId}:
    get:
      tags: [pets, animals]
      parameters:
        - name: petId
          in: path
        -   name: verbose
            in: query
      responses:
        200:
          description: ok
"""

JSON_SPEC = """\
{
  "openapi": "3.1.0",
  "info": {"title": "Pets", "version": "1.0.0"},
  "paths": {
    "/pets/{petId}": {
      "get": {
        "parameters": [
          {"name": "petId", "in": "path"},
            {"name": "verbose", "in": "query"}
        ],
        "responses": {"200": {"description": "ok"}}
      }
    },
    "a~b": {"x": [true, -1.5e3, null, "s\\"q"]}
  }
}
"""


def _load(tmp_path: Path, name: str, text: str | bytes) -> SourceFile:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return read_source(path, name, Diagnostics())


def _failure(tmp_path: Path, name: str, text: str | bytes) -> Diagnostics:
    diagnostics = Diagnostics()
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError):
        read_source(path, name, diagnostics)
    return diagnostics


# --- the YAML source map ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        ("", (1, 1)),
        ("/openapi", (1, 1)),
        ("/info/title", (3, 3)),
        ("/paths/~1pets~1{petId}", (6, 3)),
        ("/paths/~1pets~1{petId}/get", (7, 5)),
        # flow sequence items: where each value starts
        ("/paths/~1pets~1{petId}/get/tags/0", (8, 14)),
        ("/paths/~1pets~1{petId}/get/tags/1", (8, 20)),
        # block sequence items: the mapping after `- ` (and after `-   `)
        ("/paths/~1pets~1{petId}/get/parameters/0", (10, 11)),
        ("/paths/~1pets~1{petId}/get/parameters/0/in", (11, 11)),
        ("/paths/~1pets~1{petId}/get/parameters/1", (12, 13)),
        ("/paths/~1pets~1{petId}/get/parameters/1/in", (13, 13)),
        ("/paths/~1pets~1{petId}/get/responses/200/description", (16, 11)),
    ],
)
def test_yaml_source_map_points_at_keys_and_items(
    tmp_path: Path, pointer: str, position: tuple[int, int]
) -> None:
    source = _load(tmp_path, "pets.yaml", YAML_SPEC)
    assert not source.is_json
    assert source.locate(pointer) == position


def test_locate_falls_back_to_the_nearest_ancestor(tmp_path: Path) -> None:
    source = _load(tmp_path, "pets.yaml", YAML_SPEC)
    get = source.locate("/paths/~1pets~1{petId}/get")
    assert get == (7, 5)
    assert source.locate("/paths/~1pets~1{petId}/get/requestBody/content") == get
    assert source.locate("/paths/~1pets~1{petId}/get/parameters/7/name") == (9, 7)
    assert source.locate("/nowhere/at/all") == (1, 1)


def test_locate_in_an_empty_document_is_none(tmp_path: Path) -> None:
    source = _load(tmp_path, "empty.yaml", "# nothing here\n")
    assert source.data is None
    assert source.locate("/paths") is None


def test_sources_locate_by_display_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pets.yaml").write_text(YAML_SPEC, encoding="utf-8")
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "pet.yaml").write_text("Pet:\n  type: object\n", encoding="utf-8")
    sources = Sources(tmp_path, Diagnostics())
    root = sources.load(tmp_path / "pets.yaml")
    part = sources.load(tmp_path / "parts" / "pet.yaml")
    assert (root.display, part.display) == ("pets.yaml", str(Path("parts", "pet.yaml")))
    assert sources.load(tmp_path / "parts" / ".." / "pets.yaml") is root  # loaded once
    assert sources.locate(Location(part.display, "/Pet/type")) == (2, 3)
    assert sources.locate(Location("pets.yaml", "/info/version")) == (4, 3)
    assert sources.locate(Location("other.yaml", "/info")) is None


# --- the JSON source map ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "position"),
    [
        ("", (1, 1)),
        ("/info", (3, 3)),
        ("/info/version", (3, 29)),
        ("/paths/~1pets~1{petId}/get", (6, 7)),
        ("/paths/~1pets~1{petId}/get/parameters/0", (8, 11)),
        ("/paths/~1pets~1{petId}/get/parameters/0/in", (8, 29)),
        ("/paths/~1pets~1{petId}/get/parameters/1", (9, 13)),
        ("/paths/~1pets~1{petId}/get/responses/200/description", (11, 31)),
        ("/paths/a~0b/x/1", (14, 25)),
        ("/paths/a~0b/x/3", (14, 39)),
    ],
)
def test_json_source_map(tmp_path: Path, pointer: str, position: tuple[int, int]) -> None:
    source = _load(tmp_path, "pets.json", JSON_SPEC)
    assert source.is_json
    assert source.data == json.loads(JSON_SPEC)
    assert source.locate(pointer) == position


def test_json_content_in_a_yaml_named_file_uses_the_json_reader(tmp_path: Path) -> None:
    source = _load(tmp_path, "pets.yaml", JSON_SPEC)
    assert source.is_json
    assert source.locate("/paths/~1pets~1{petId}/get/parameters/1") == (9, 13)


def test_json_with_surrogate_escapes_loads(tmp_path: Path) -> None:
    text = '{\n  "openapi": "3.1.0",\n  "x-emoji": "\\ud83d\\ude00",\n  "\\ud83d\\ude00": 1\n}\n'
    source = _load(tmp_path, "emoji.json", text)
    assert source.data["x-emoji"] == "\U0001f600"
    assert source.data["\U0001f600"] == 1
    assert source.locate("/\U0001f600") == (4, 3)


def test_json_with_a_utf8_bom_loads(tmp_path: Path) -> None:
    source = _load(tmp_path, "bom.json", b'\xef\xbb\xbf{"openapi": "3.1.0"}')
    assert source.data == {"openapi": "3.1.0"}


# --- YAML scalars -----------------------------------------------------------------------------


def test_yaml_keys_keep_their_text(tmp_path: Path) -> None:
    source = _load(
        tmp_path,
        "keys.yaml",
        "responses:\n  200:\n    a: 1\n  4XX: {}\n  default: {}\nyes: 1\nnull: 2\n1.10: 3\n",
    )
    responses = source.data["responses"]
    assert list(responses) == ["200", "4XX", "default"]
    assert all(isinstance(key, str) for key in responses)
    assert source.data["yes"] == 1 and source.data["null"] == 2 and source.data["1.10"] == 3


def test_yaml_timestamps_stay_strings(tmp_path: Path) -> None:
    source = _load(
        tmp_path,
        "dates.yaml",
        "example: 2024-01-02\nwhen: 2001-12-14t21:59:43.10-05:00\nenum: [2020-02-29, 2021-03-01]\n",
    )
    assert source.data == {
        "example": "2024-01-02",
        "when": "2001-12-14t21:59:43.10-05:00",
        "enum": ["2020-02-29", "2021-03-01"],
    }


def test_yaml_merge_keys_still_work(tmp_path: Path) -> None:
    source = _load(
        tmp_path,
        "merge.yaml",
        "base: &base {type: string, maxLength: 3}\nderived:\n  <<: *base\n  maxLength: 9\n",
    )
    assert source.data["derived"] == {"type": "string", "maxLength": 9}


def test_yaml_1_1_booleans_stay_strings(tmp_path: Path) -> None:
    source = _load(tmp_path, "countries.yaml", "enum: [SE, NO, DK]\nflag: true\n")
    assert source.data == {"enum": ["SE", "NO", "DK"], "flag": True}


# --- load failures ----------------------------------------------------------------------------


def test_missing_file_is_e001(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    with pytest.raises(LoadError):
        read_source(tmp_path / "nope.yaml", "nope.yaml", diagnostics)
    [item] = diagnostics
    assert (item.code, item.message, item.location) == ("E001", "file not found: nope.yaml", None)


def test_directory_is_e001(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    with pytest.raises(LoadError):
        read_source(tmp_path, "spec-dir", diagnostics)
    [item] = diagnostics
    assert item.code == "E001" and "is a directory" in item.message


def test_malformed_yaml_is_located(tmp_path: Path) -> None:
    diagnostics = _failure(tmp_path, "bad.yaml", "openapi: 3.1.0\ninfo:\n  title: [x\n  y: 1\n")
    [item] = diagnostics
    assert item.code == "E002" and item.message.startswith("malformed YAML: ")
    assert (item.location, item.line, item.column) == (Location("bad.yaml"), 4, 4)


def test_malformed_json_is_located(tmp_path: Path) -> None:
    diagnostics = _failure(tmp_path, "bad.json", '{\n  "openapi": "3.1.0",\n  "info": }\n')
    [item] = diagnostics
    assert item.code == "E002" and item.message.startswith("malformed JSON: ")
    assert (item.line, item.column) == (3, 11)


def test_not_utf8_is_e002(tmp_path: Path) -> None:
    diagnostics = _failure(tmp_path, "latin1.yaml", b"openapi: 3.1.0\ntitle: caf\xe9\n")
    [item] = diagnostics
    assert item.code == "E002" and "not UTF-8" in item.message and "byte 25" in item.message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("dup.yaml", "paths:\n  /pets:\n    get: {}\n  /pets:\n    post: {}\n"),
        ("dup.json", '{"paths": {"/pets": {"get": {}}, "/pets": {"post": {}}}}'),
    ],
    ids=["yaml", "json"],
)
def test_duplicate_keys_are_reported(tmp_path: Path, name: str, text: str) -> None:
    diagnostics = Diagnostics()
    (tmp_path / name).write_text(text, encoding="utf-8")
    with contextlib.suppress(LoadError):
        read_source(tmp_path / name, name, diagnostics)
    assert any("duplicate" in item.message and "/pets" in item.message for item in diagnostics)
