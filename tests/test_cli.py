"""The `oagen` command line: exit codes, located diagnostics, config, generate/check, inspect.

Most tests call `generator.cli.main` in-process on tiny specs written to a temporary folder; one
runs `python -m generator` in a subprocess to prove the entry point. Full generation (render and
black) is slow, so it runs in a single test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

REPO = Path(__file__).resolve().parents[1]

PETS = """\
openapi: 3.1.0
info:
  title: Pet Store
  version: 1.0.0
paths:
  /pets/{petId}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - name: petId
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Pet"
components:
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name:
          type: string
        age:
          type: integer
"""

# Two spec violations the generator can still interpret: W100 warnings at lines 5 and 10.
SLIGHTLY_INVALID = """\
openapi: 3.1.0
info:
  title: Warn
  version: 1.0.0
  description: 5
paths:
  /pets:
    get:
      operationId: listPets
      tags: pets
      responses:
        "200":
          description: ok
"""


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder whose pyproject.toml has no [tool.oagen]: no settings leak in."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "scratch"\n', encoding="utf-8")
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def _diagnostics(err: str) -> list[str]:
    """The diagnostic lines of stderr (not hints, not the closing summary)."""
    return [line for line in err.splitlines() if not line.startswith(("    hint:", "oagen: "))]


# --- usage ------------------------------------------------------------------------------------


def test_no_command_prints_help_and_is_a_usage_error(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys)
    assert code == EXIT_USAGE == 2
    assert "usage: oagen" in err and "generate" in err and out == ""


def test_unknown_command_and_bad_flag_are_usage_errors(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["frobnicate"], ["validate", "--no-such-flag", "x.yaml"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "usage: oagen" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from generator import __version__

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"oagen {__version__}"


def test_no_spec_is_a_usage_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "validate")
    assert code == EXIT_USAGE
    assert err.startswith("oagen: no spec given")


def test_generate_without_output_is_a_usage_error(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "pets.yaml").write_text(PETS, encoding="utf-8")
    code, _, err = _run(capsys, "generate", "pets.yaml")
    assert code == EXIT_USAGE
    assert "no output folder" in err
    assert sorted(p.name for p in work.iterdir()) == ["pets.yaml", "pyproject.toml"]


# --- load errors ------------------------------------------------------------------------------


def test_missing_spec_file_is_one_located_line(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "validate", "nope.yaml")
    assert code != EXIT_OK
    assert _diagnostics(err) == ["error E001 file not found: nope.yaml"]
    assert out == ""


def test_missing_spec_file_is_a_usage_error(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("validate", "generate", "check", "inspect"):
        argv = [command, "nope.yaml"] + (["-o", "out"] if command in ("generate", "check") else [])
        code, _, _ = _run(capsys, *argv)
        assert code == EXIT_USAGE, command


def test_malformed_yaml_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "bad.yaml").write_text(
        "openapi: 3.1.0\ninfo:\n  title: Bad\n  version: 1.0.0\npaths:\n"
        "  /pets:\n    summary: a: b\n",
        encoding="utf-8",
    )
    code, out, err = _run(capsys, "validate", "bad.yaml")
    assert (code, out) == (EXIT_FAILED, "")
    # the second colon of `    summary: a: b`
    assert _diagnostics(err) == [
        "bad.yaml:7:15: error E002 malformed YAML: mapping values are not allowed in this context"
    ]
    assert "    hint: " in err


def test_malformed_json_is_located(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "bad.json").write_text(
        '{\n  "openapi": "3.1.0",\n  "info": {"title": "Bad", "version": "1"},\n'
        '  "paths": {"/pets": {"get": {}},}\n}\n',
        encoding="utf-8",
    )
    code, _, err = _run(capsys, "validate", "bad.json")
    assert code == EXIT_FAILED
    assert _diagnostics(err) == [
        "bad.json:4:34: error E002 malformed JSON: Expecting property name enclosed in double "
        "quotes"
    ]


def test_document_without_openapi_key_is_e003(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "plain.yaml").write_text("info:\n  title: not a spec\n", encoding="utf-8")
    code, _, err = _run(capsys, "validate", "plain.yaml")
    assert code == EXIT_FAILED
    [line] = _diagnostics(err)
    assert line.startswith("plain.yaml:1:1: error E003 not an OpenAPI document")


def test_unsupported_version_is_e004_at_the_version_key(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "old.yaml").write_text(
        "info:\n  title: x\n  version: '1'\nopenapi: 2.5.0\n", encoding="utf-8"
    )
    code, _, err = _run(capsys, "validate", "old.yaml")
    assert code == EXIT_FAILED
    assert _diagnostics(err) == [
        "old.yaml:4:1: error E004 unsupported OpenAPI version '2.5.0' (at #/openapi)"
    ]


def test_unresolved_ref_is_w201_at_the_ref(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An unresolved $ref is loosened to Any with a located warning; --strict makes it fatal."""
    (work / "pets.yaml").write_text(PETS.replace('schemas/Pet"', 'schemas/Pets"'), encoding="utf-8")
    code, _, err = _run(capsys, "validate", "pets.yaml")
    assert code == EXIT_OK
    found = [line for line in _diagnostics(err) if " W201 " in line]
    assert found == [
        "pets.yaml:22:17: warning W201 unresolved $ref '#/components/schemas/Pets': no `Pets` in "
        "pets.yaml#/components/schemas; it is typed as Any (at #/paths/~1pets~1{petId}/get/"
        "responses/200/content/application~1json/schema/$ref)"
    ]
    strict, _, _ = _run(capsys, "validate", "pets.yaml", "--strict")
    assert strict == EXIT_FAILED


def test_unresolved_ref_does_not_dump_the_document(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "pets.yaml").write_text(PETS.replace('schemas/Pet"', 'schemas/Pets"'), encoding="utf-8")
    _, _, err = _run(capsys, "validate", "pets.yaml")
    assert "'openapi': '3.1.0'" not in err
    assert max(len(line) for line in err.splitlines()) < 400


# --- validate ---------------------------------------------------------------------------------


def test_validate_reports_warnings_with_lines_and_succeeds(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    code, out, err = _run(capsys, "validate", "warn.yaml")
    assert code == EXIT_OK
    # Code, place and pointer are oagen's; the words after "spec violation:" are the validator's.
    found = _diagnostics(err)
    assert [line.split(" spec violation: ")[0] for line in found] == [
        "warn.yaml:5:3: warning W100",
        "warn.yaml:10:7: warning W100",
    ]
    assert [line.rsplit(" (at ", 1)[1] for line in found] == [
        "#/info/description)",
        "#/paths/~1pets/get/tags)",
    ]
    assert err.count("    hint: ") == 2
    assert err.splitlines()[-1].startswith("oagen: warn.yaml: usable: 0 error(s), 2 warning(s)")
    assert out == ""


def test_validate_strict_fails_on_warnings(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    code, _, err = _run(capsys, "validate", "--strict", "warn.yaml")
    assert code == EXIT_FAILED
    assert len(_diagnostics(err)) == 2
    assert err.splitlines()[-1].startswith("oagen: warn.yaml: invalid: 0 error(s), 2 warning(s)")


def test_validate_quiet_prints_errors_only(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    assert _run(capsys, "validate", "-q", "warn.yaml") == (EXIT_OK, "", "")


def test_generate_strict_writes_nothing(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    code, _, err = _run(capsys, "generate", "--strict", "warn.yaml", "-o", "out")
    assert code == EXIT_FAILED
    assert "warnings are errors under --strict; nothing was written" in err
    assert not (work / "out").exists()


def _findings_once_written(job: list[object]) -> list[list[object]]:  # runs in the child
    """A validation that waits (a while) for the output to be written, and says if it was."""
    import time

    manifest = Path("out") / ".oagen-manifest.json"
    deadline = time.monotonic() + 30
    while not manifest.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    seen = "written" if manifest.exists() else "not written"
    return [[1, "W100", f"spec violation: the output was {seen}", "", "/info", "hint"]]


def test_generate_writes_the_files_while_the_validator_runs(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its findings are warnings, which cannot change the files: they are written before it
    finishes, and its findings printed after (with --strict they could stop the write: see
    above)."""
    from generator import pipeline

    monkeypatch.setattr(pipeline, "_findings_of", _findings_once_written)
    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")
    (work / "pets.yaml").write_text(PETS, encoding="utf-8")
    code, _, err = _run(capsys, "generate", "pets.yaml", "-o", "out")
    assert code == EXIT_OK, err
    assert "W100 spec violation: the output was written" in err
    assert err.index("W100") < err.index("operations, ")  # findings, then the summary


# --- config -----------------------------------------------------------------------------------


def _pyproject(work: Path, table: str) -> None:
    (work / "pyproject.toml").write_text(
        f'[project]\nname = "scratch"\n\n[tool.oagen]\n{table}', encoding="utf-8"
    )


def test_config_unknown_key_is_a_located_usage_error(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "pets.yaml").write_text(PETS, encoding="utf-8")
    _pyproject(work, 'spec = "pets.yaml"\n\nspecs = "other.yaml"\n')
    code, _, err = _run(capsys, "validate")
    assert code == EXIT_USAGE
    assert err.splitlines() == [
        "pyproject.toml:7:1: error E010 unknown key `specs` in [tool.oagen] "
        "(at #/tool/oagen/specs)",
        "    hint: did you mean `spec`?",
    ]


def test_config_unknown_key_without_a_close_match_lists_the_known_keys(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pyproject(work, 'colour = "blue"\n')
    code, _, err = _run(capsys, "validate", "pets.yaml")
    assert code == EXIT_USAGE
    first, hint = err.splitlines()
    assert first.startswith("pyproject.toml:5:1: error E010 unknown key `colour`")
    assert hint.startswith("    hint: known keys: spec, output, package")


def test_config_wrong_type_is_e010(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _pyproject(work, 'spec = "pets.yaml"\nstrict = "yes"\noutput = 3\n')
    code, _, err = _run(capsys, "validate")
    assert code == EXIT_USAGE
    assert _diagnostics(err) == [
        "pyproject.toml:6:1: error E010 `strict` must be a bool, got str (at #/tool/oagen/strict)",
        "pyproject.toml:7:1: error E010 `output` must be a str, got int (at #/tool/oagen/output)",
    ]


def test_config_malformed_toml_is_e010(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _pyproject(work, 'spec = "pets.yaml\n')
    code, _, err = _run(capsys, "validate")
    assert code == EXIT_USAGE
    assert "error E010 malformed TOML in pyproject.toml" in err


def test_config_is_found_from_a_subfolder_and_paths_are_relative_to_it(
    work: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (work / "api").mkdir()
    (work / "api" / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    _pyproject(work, 'spec = "api/warn.yaml"\nstrict = true\n')
    (work / "src" / "deep").mkdir(parents=True)
    monkeypatch.chdir(work / "src" / "deep")
    code, _, err = _run(capsys, "validate")
    assert code == EXIT_FAILED  # strict = true from the file
    assert "W100" in err and "warn.yaml" in err
    assert _run(capsys, "validate", "-q", str(work / "api" / "warn.yaml"))[0] == EXIT_FAILED


def test_explicit_config_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    (work / "oagen.toml").write_text('spec = "warn.yaml"\nstrict = true\n', encoding="utf-8")
    code, _, _ = _run(capsys, "validate", "-q", "--config", "oagen.toml")
    assert code == EXIT_FAILED
    (work / "bad.toml").write_text("[tool.oagen]\nstirct = true\n", encoding="utf-8")
    code, _, err = _run(capsys, "validate", "--config", "bad.toml", "warn.yaml")
    assert code == EXIT_USAGE
    assert err.startswith("bad.toml:2:1: error E010 unknown key `stirct`")


# --- generate and check -----------------------------------------------------------------------


def test_generate_then_check_then_stale(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "pets.yaml").write_text(PETS, encoding="utf-8")
    _pyproject(work, 'spec = "pets.yaml"\noutput = "client"\npackage = "petstore_sdk"\n')

    code, out, err = _run(capsys, "generate")
    assert code == EXIT_OK, err
    assert out == ""
    assert re.search(
        r"^oagen: 1 of 1 operations, 1 models .* written, 0 unchanged, 0 removed", err, re.M
    ), err
    package = work / "client" / "petstore_sdk"
    assert (package / "__init__.py").is_file()
    assert (work / "client" / ".oagen-manifest.json").is_file()
    manifest = json.loads((work / "client" / ".oagen-manifest.json").read_text("utf-8"))
    assert manifest["spec"] == "pets.yaml"
    generated = sorted(manifest["files"])
    assert "petstore_sdk/__init__.py" in generated

    code, out, err = _run(capsys, "check")
    assert code == EXIT_OK, out + err
    assert out == "" and "client is up to date" in err

    # A user's own file is not staleness; an edited and a deleted generated file are.
    (package / "my_extension.py").write_text("# mine\n", encoding="utf-8")
    edited = "petstore_sdk/__init__.py"
    deleted = next(path for path in generated if path != edited and path.endswith(".py"))
    original = (work / "client" / edited).read_text(encoding="utf-8")
    (work / "client" / edited).write_text(original + "HACKED = True\n", encoding="utf-8")
    (work / "client" / deleted).unlink()
    code, out, err = _run(capsys, "check")
    assert code == EXIT_FAILED
    assert f"--- a/{edited}\n+++ b/{edited}\n" in out
    assert "\n-HACKED = True\n" in out
    assert f"--- a/{deleted}\n+++ b/{deleted}\n" in out
    assert "my_extension" not in out
    assert "is stale: 2 file(s) differ, 0 to remove" in err
    # check never writes
    assert "HACKED" in (work / "client" / edited).read_text(encoding="utf-8")
    assert not (work / "client" / deleted).exists()


# --- inspect ----------------------------------------------------------------------------------


def test_inspect_json_structure(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "pets.yaml").write_text(PETS, encoding="utf-8")
    code, out, err = _run(capsys, "inspect", "--format", "json-structure", "pets.yaml")
    assert (code, err) == (EXIT_OK, "")
    document = json.loads(out)
    assert list(document) == [
        "kind",
        "title",
        "version",
        "schemaCount",
        "operationCount",
        "schemas",
        "operations",
    ]
    assert document["kind"] == "json-structure"
    assert (document["title"], document["version"]) == ("Pet Store", "1.0.0")
    assert (document["schemaCount"], document["operationCount"]) == (1, 1)
    assert document["schemas"] == [
        {"name": "Pet", "type": "object", "propertyCount": 2, "required": ["name"]}
    ]
    assert document["operations"] == [
        {"method": "GET", "path": "/pets/{petId}", "operationId": "getPet", "tags": ["pets"]}
    ]


def test_inspect_of_a_non_spec_fails_with_e003(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    code, out, err = _run(capsys, "inspect", "list.yaml")
    assert (code, out) == (EXIT_FAILED, "")
    assert _diagnostics(err) == [
        "list.yaml:1:1: error E003 not an OpenAPI document: the top level is not a mapping"
    ]


def test_inspect_string_tags_are_not_split_into_characters(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "warn.yaml").write_text(SLIGHTLY_INVALID, encoding="utf-8")
    code, out, _ = _run(capsys, "inspect", "warn.yaml")
    assert code == EXIT_OK
    assert json.loads(out)["operations"][0]["tags"] in ([], ["pets"])


# --- the entry point, in a subprocess ---------------------------------------------------------


def _python_m_generator(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "generator", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_python_m_generator_entry_point(work: Path) -> None:
    (work / "pets.yaml").write_text(PETS, encoding="utf-8")
    result = _python_m_generator(work, "inspect", "pets.yaml")
    assert result.returncode == EXIT_OK, result.stderr
    assert json.loads(result.stdout)["operations"][0]["operationId"] == "getPet"

    result = _python_m_generator(work, "validate", "missing.yaml")
    assert result.returncode != EXIT_OK
    assert result.stderr.splitlines()[0] == "error E001 file not found: missing.yaml"
    assert "Traceback" not in result.stderr

    result = _python_m_generator(work)
    assert result.returncode == EXIT_USAGE
    assert "usage: oagen" in result.stderr
