"""Regenerating from unchanged inputs: the output is checked, not rewritten, and only when it is
exactly what a generation would write; any change to an input or to the output, and any forged
or corrupted record, makes the run generate as usual.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from generator import cache
from generator.cli import EXIT_OK, main
from scripts import corpus as corpus_script
from scripts import spec_edits

from .conftest import require_corpus
from .support.specs import PETS_SPEC

UP_TO_DATE = "up to date, nothing written"
SPLIT_SPEC = """\
openapi: 3.1.0
info: {title: Pet Store, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: getPet
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
components:
  schemas:
    Pet: {$ref: "pet.yaml"}
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OAGEN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "pets.yaml").write_text(PETS_SPEC, encoding="utf-8")
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    return tmp_path


def _generate(capsys: pytest.CaptureFixture[str], output: str = "out", *extra: str) -> str:
    code = main(["generate", "pets.yaml", "-o", output, "--config", "empty.toml", *extra])
    err = capsys.readouterr().err
    assert code == EXIT_OK, err
    return err


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _cold(work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as patched:
        patched.setenv("OAGEN_CACHE_DIR", "off")
        _generate(capsys, "cold")


def test_unchanged_inputs_leave_the_output_alone(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _generate(capsys)
    assert UP_TO_DATE not in first
    manifest = work / "out" / ".oagen-manifest.json"
    before, written = _tree(work / "out"), manifest.stat().st_mtime_ns
    again = _generate(capsys)
    assert UP_TO_DATE in again, again
    # The summary is the recorded one: same operations, models and warnings.
    assert again.split("files:")[0] == first.split("files:")[0]
    assert _tree(work / "out") == before
    assert manifest.stat().st_mtime_ns == written


def test_an_edited_output_file_is_regenerated(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _generate(capsys)
    before = _tree(work / "out")
    client = next((work / "out").rglob("_client.py"))
    client.write_text(client.read_text("utf-8") + "# edited\n", encoding="utf-8")
    err = _generate(capsys)
    assert UP_TO_DATE not in err and "1 written" in err, err
    assert _tree(work / "out") == before


def test_a_folder_replaced_by_a_link_is_regenerated(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _generate(capsys)
    models = next((work / "out").rglob("models"))
    models.rename(work / "elsewhere")
    models.symlink_to(work / "elsewhere", target_is_directory=True)
    assert UP_TO_DATE not in _generate(capsys, "out", "--force")


def test_an_edited_spec_is_generated_as_a_cold_run_would(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _generate(capsys)
    spec = work / "pets.yaml"
    edited = spec.read_text("utf-8").replace(
        "operationId: listPets", "operationId: listPets\n      description: Edited", 1
    )
    spec.write_text(edited, "utf-8")
    assert UP_TO_DATE not in _generate(capsys)
    _cold(work, capsys, monkeypatch)
    warm = _tree(work / "out")
    cold = _tree(work / "cold")
    assert warm.keys() == cold.keys()
    assert {p: c for p, c in warm.items() if p != ".oagen-manifest.json"} == {
        p: c for p, c in cold.items() if p != ".oagen-manifest.json"
    }


def test_a_changed_referenced_file_is_noticed(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "pets.yaml").write_text(SPLIT_SPEC, encoding="utf-8")
    (work / "pet.yaml").write_text(
        "type: object\nproperties:\n  name:\n    type: string\n", encoding="utf-8"
    )
    _generate(capsys)
    assert UP_TO_DATE in _generate(capsys)
    (work / "pet.yaml").write_text(
        "type: object\nproperties:\n  nickname:\n    type: string\n", encoding="utf-8"
    )
    assert UP_TO_DATE not in _generate(capsys)
    models = "".join(p.read_text("utf-8") for p in (work / "out").rglob("models/*.py"))
    assert "nickname" in models


def test_other_settings_are_another_generation(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _generate(capsys)
    assert UP_TO_DATE not in _generate(capsys, "out", "--package", "other_name")


def test_a_forged_or_corrupted_record_is_ignored(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _generate(capsys)
    records = [p for p in (work / "cache").glob("uptodate-*/??/*") if p.is_file()]
    assert len(records) == 1
    record = records[0]
    header, _, content = record.read_bytes().partition(b"\n")
    # A forged record claiming other diagnostics, with the signature left as it was: a miss.
    forged = content.replace(b'"diagnostics": []', b'"diagnostics": [[1, "\\u001b]52;c;x"]]')
    assert forged != content
    record.write_bytes(header + b"\n" + forged)
    err = _generate(capsys)
    assert UP_TO_DATE not in err and "\x1b" not in err
    # The run recorded itself anew; now a corrupted one (half the file): a miss again.
    data = record.read_bytes()
    record.write_bytes(data[: len(data) // 2])
    assert UP_TO_DATE not in _generate(capsys)
    # Signed with a key other than the cache's own: a miss.
    content = record.read_bytes().partition(b"\n")[2]
    other = hashlib.sha256(b"another key").hexdigest().encode()
    record.write_bytes(b"oagen-hmac-sha256 " + other + b"\n" + content)
    assert UP_TO_DATE not in _generate(capsys)
    assert cache.read(record.parent.parent, record.name) is not None  # rewritten, valid again
    assert UP_TO_DATE in _generate(capsys)


def test_caching_off_always_generates(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import uptodate

    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")
    hashed: list[Path] = []
    monkeypatch.setattr(uptodate, "_digest", lambda path: hashed.append(path) or "")
    _generate(capsys)
    assert UP_TO_DATE not in _generate(capsys)
    assert hashed == []  # nothing can be recorded or checked, so no input is hashed


# --- after an edit, the reused modules give what a cold run writes ------------------------------

CORPUS_ENTRIES = [
    "notion-notion-openapi",  # 3.1, JSON
    "apis-guru-circleci.com-v1-swagger",  # 2.0, YAML
    "openapi-python-client-baseline_openapi_3.0",  # 3.0, many shapes of schema
]


@pytest.mark.parametrize("name", CORPUS_ENTRIES)
def test_each_edit_gives_what_a_cold_run_gives(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    require_corpus()
    entry = {e.name: e for e in corpus_script.load_index()}[name]
    document = yaml.safe_load(entry.spec.read_text("utf-8"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.toml").write_text("", encoding="utf-8")
    spec = tmp_path / "spec.json"

    def generate(output: str, cache_dir: str) -> dict[str, bytes]:
        monkeypatch.setenv("OAGEN_CACHE_DIR", cache_dir)
        code = main(["generate", "spec.json", "-o", output, "--config", "empty.toml", "-q"])
        assert code == EXIT_OK, capsys.readouterr().err
        return _tree(tmp_path / output)

    spec.write_text(json.dumps(document, indent=2), encoding="utf-8")
    generate("warm", str(tmp_path / "cache"))  # fills the cache
    for kind, edit in spec_edits.EDITS.items():
        edit(document, kind)
        spec.write_text(json.dumps(document, indent=2), encoding="utf-8")
        warm = generate("warm", str(tmp_path / "cache"))
        cold = generate(f"cold-{kind}", "off")
        assert warm.keys() == cold.keys(), kind
        different = [path for path in warm if warm[path] != cold[path]]
        assert not different, (kind, different)


def test_a_quiet_record_does_not_stand_in_for_a_full_one(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quiet run prints (and locates) only errors: its record cannot replay the warnings a
    later run without -q must print, so that run generates; the reverse is fine."""
    _generate(capsys, "out", "-q")
    assert UP_TO_DATE not in _generate(capsys)
    assert UP_TO_DATE in _generate(capsys)
    main(["generate", "pets.yaml", "-o", "out", "--config", "empty.toml", "-q"])
    assert capsys.readouterr().err == ""


def test_check_trusts_a_record_only_while_the_output_matches_it(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`check` after a generation answers from the record; an edited output file is still
    found stale (the record no longer matches, so the output is generated and compared)."""
    _generate(capsys)
    argv = ["check", "pets.yaml", "-o", "out", "--config", "empty.toml"]
    assert main(argv) == EXIT_OK
    assert "out is up to date" in capsys.readouterr().err
    client = next((work / "out").rglob("_client.py"))
    client.write_text(client.read_text("utf-8") + "# edited\n", encoding="utf-8")
    assert main(argv) == 1
    assert "is stale" in capsys.readouterr().err


THREE_TAGS = """\
openapi: 3.1.0
info: {title: Shop, version: 1.0.0}
paths:
  /pets:
    get: {operationId: listPets, tags: [pets], responses: {"200": {description: ok}}}
  /toys:
    get: {operationId: listToys, tags: [toys], responses: {"200": {description: ok}}}
  /food:
    get:
      operationId: listFood
      tags: [food]
      description: Food one
      responses: {"200": {description: ok}}
"""


def test_api_md_sections_of_unchanged_resources_are_reused(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.render import reuse

    rendered: list[str] = []
    original = reuse._Sections.__call__

    def counting(self: reuse._Sections, resource: object, render: object) -> str:
        def fresh() -> str:
            rendered.append(getattr(resource, "path", ""))
            return render()  # type: ignore[operator,no-any-return]

        return original(self, resource, fresh)  # type: ignore[arg-type]

    monkeypatch.setattr(reuse._Sections, "__call__", counting)
    spec = work / "pets.yaml"
    spec.write_text(THREE_TAGS, "utf-8")
    _generate(capsys)
    assert sorted(rendered) == ["food", "pets", "toys"]
    rendered.clear()
    spec.write_text(THREE_TAGS.replace("Food one", "Food two"), "utf-8")
    _generate(capsys)
    assert rendered == ["food"]
    _cold(work, capsys, monkeypatch)
    assert (work / "out" / "api.md").read_bytes() == (work / "cold" / "api.md").read_bytes()
    assert b"Food two" in (work / "out" / "api.md").read_bytes()
