"""`generator.review.diff`: client-level changes between two versions of a spec, classified.

Pairs of real specs: `spec/openrouter.yaml` against copies with one known edit each (written to a
temporary folder from the loaded spec, as JSON, so the copy is read exactly as the original),
corpus specs with controlled edits, a fixture pair exercising every classification rule
(`tests/specs_diff/rules`), and a git repository whose previous commit is read with `REV:PATH`.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator.config import Config
from generator.diagnostics import Diagnostics
from generator.load.sources import read_source
from generator.model import ir
from generator.pipeline import Run, analyse
from generator.review.diff import (
    Change,
    Impact,
    as_dict,
    diff_apis,
    diff_specs,
    render_json,
    render_markdown,
    suggested_bump,
)
from generator.review.gitrev import RevisionError, revision_root, spec_at

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "openrouter.yaml"
FIXTURES = Path(__file__).resolve().parent / "specs_diff"
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

B, N, D = Impact.BREAKING, Impact.NON_BREAKING, Impact.DOCS

Triple = tuple[Impact, str, str]


def load(path: Path) -> dict[str, Any]:
    data = read_source(path, path.name, Diagnostics()).data
    assert isinstance(data, dict)
    return data


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def changes_between(old: Path, new: Path) -> list[Change]:
    result = diff_specs(old, new, Config())
    assert result.ok, [
        d.format() for d in (*result.old_run.diagnostics, *result.new_run.diagnostics)
    ]
    return result.changes


def triples(changes: list[Change]) -> list[Triple]:
    return [(c.severity, c.kind, c.location) for c in changes]


@pytest.fixture(scope="module")
def openrouter() -> dict[str, Any]:
    return load(SPEC)


@pytest.fixture
def edited(
    openrouter: dict[str, Any], tmp_path: Path
) -> Callable[[Callable[[dict[str, Any]], None]], list[Change]]:
    """Diff the real spec (read from its file) against a copy changed by `edit`."""

    def run(edit: Callable[[dict[str, Any]], None]) -> list[Change]:
        document = copy.deepcopy(openrouter)
        edit(document)
        return changes_between(SPEC, write(tmp_path, "edited", document))

    return run


def _response_schema(
    document: dict[str, Any], path: str, method: str = "get", content: str = "application/json"
) -> dict[str, Any]:
    schema = document["paths"][path][method]["responses"]["200"]["content"][content]["schema"]
    assert isinstance(schema, dict)
    return schema


# --- spec/openrouter.yaml with known edits -------------------------------------------------------


def test_an_unchanged_spec_has_no_changes(tmp_path: Path, openrouter: dict[str, Any]) -> None:
    changes = changes_between(SPEC, write(tmp_path, "same", openrouter))
    assert changes == []
    assert suggested_bump(changes) == "none"
    assert json.loads(render_json(changes)) == {
        "breaking": [],
        "non_breaking": [],
        "docs": [],
        "suggested_bump": "none",
    }
    assert "No changes" in render_markdown(changes)


def test_removing_an_operation_is_breaking(edited: Any) -> None:
    changes = edited(lambda d: d["paths"]["/keys/{hash}"].pop("delete"))
    assert triples(changes) == [
        (B, "method-removed", "client.keys.delete()"),
        (B, "model-removed", "models.DeleteKeyResponse"),
    ]
    assert "DELETE /keys/{hash} was removed" in changes[0].message
    assert suggested_bump(changes) == "major"


def test_renaming_an_operation_id_keeps_the_call_path_and_renames_its_inline_models(
    edited: Any,
) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/keys"]["get"]["operationId"] = "listApiKeys"

    changes = edited(edit)
    # The call path comes from the path and method: `client.keys.list()` is unchanged.
    assert triples(changes) == [
        (B, "model-renamed", "models.ListApiKeysResponse"),
        (B, "model-renamed", "models.ListApiKeysResponseDataItem"),
    ]
    assert "`ListKeysResponse` is now `ListApiKeysResponse`" in changes[0].message


def test_a_renamed_call_path_is_reported_as_a_rename(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/keys"]["get"]["x-oagen-name"] = "all"

    changes = edited(edit)
    assert triples(changes) == [(B, "method-renamed", "client.keys.all()")]
    assert "`client.keys.list()` is now `client.keys.all()`" in changes[0].message


def test_a_new_required_parameter_is_breaking(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/models"]["get"]["parameters"].append(
            {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
        )

    changes = edited(edit)
    assert triples(changes) == [(B, "parameter-added", "client.models.list(region=)")]
    assert "new required argument `region: str`" in changes[0].message


def test_a_new_optional_parameter_is_non_breaking(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/models"]["get"]["parameters"].append(
            {"name": "region", "in": "query", "schema": {"type": "string"}}
        )

    changes = edited(edit)
    assert triples(changes) == [(N, "parameter-added", "client.models.list(region=)")]
    assert suggested_bump(changes) == "minor"


def test_adding_enum_values_is_non_breaking_in_requests_and_responses(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        category = document["paths"]["/models"]["get"]["parameters"][0]
        assert category["name"] == "category"
        category["schema"]["enum"].append("music")
        chunk = _response_schema(document, "/chat/completions", "post", "text/event-stream")
        reason = chunk["properties"]["choices"]["items"]["properties"]["finish_reason"]
        reason["enum"].insert(-1, "paused")  # before the trailing null

    changes = edited(edit)
    assert triples(changes) == [
        (N, "parameter-enum-value-added", "client.models.list(category=)"),
        (N, "field-enum-value-added", "models.ChatCompletionChunkChoicesItem.finish_reason"),
    ]
    assert "accepts new value(s) 'music'" in changes[0].message
    assert "may now be 'paused'" in changes[1].message
    assert suggested_bump(changes) == "minor"


def test_removing_a_value_from_a_request_enum_is_breaking(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/models"]["get"]["parameters"][0]["schema"]["enum"].remove("legal")

    changes = edited(edit)
    assert triples(changes) == [
        (B, "parameter-enum-value-removed", "client.models.list(category=)")
    ]
    assert "no longer accepts 'legal'" in changes[0].message


def test_removing_a_response_field_is_breaking(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        data = _response_schema(document, "/credits")["properties"]["data"]
        del data["properties"]["total_usage"]
        data["required"].remove("total_usage")

    changes = edited(edit)
    assert triples(changes) == [(B, "field-removed", "models.GetCreditsResponseData.total_usage")]
    assert "`.total_usage` fails" in changes[0].message


def test_a_response_field_that_becomes_optional_is_breaking(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        data = _response_schema(document, "/credits")["properties"]["data"]
        data["required"].remove("total_usage")

    changes = edited(edit)
    assert triples(changes) == [(B, "field-optional", "models.GetCreditsResponseData.total_usage")]
    assert "typed `float | None`" in changes[0].message


def test_a_request_body_property_that_becomes_optional_is_non_breaking(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        request = document["components"]["schemas"]["ChatCompletionRequest"]
        request["required"].remove("model")

    changes = edited(edit)
    # Reported on the method that takes it as a keyword, not again on the exploded model.
    assert triples(changes) == [
        (N, "body-field-optional", "client.chat.completions.create(model=)")
    ]


def test_changing_only_descriptions_is_docs_only(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/credits"]["get"]["description"] = "The account's credits."
        document["paths"]["/credits"]["get"]["summary"] = "Credits"
        data = _response_schema(document, "/credits")["properties"]["data"]
        data["properties"]["total_usage"]["description"] = "Credits used so far, in USD."
        document["paths"]["/models"]["get"]["parameters"][1]["description"] = "Filter."

    changes = edited(edit)
    assert triples(changes) == [
        (D, "description-changed", "client.credits.retrieve()"),
        (D, "summary-changed", "client.credits.retrieve()"),
        (D, "description-changed", "client.models.list(supported_parameters=)"),
        (D, "description-changed", "models.GetCreditsResponseData.total_usage"),
    ]
    assert suggested_bump(changes) == "patch"


def test_server_and_security_changes(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["servers"][0]["url"] = "https://openrouter.ai/api/v2"
        document["paths"]["/credits"]["get"]["security"] = [{"managementKey": []}]
        document["components"]["securitySchemes"]["managementKey"] = {
            "type": "apiKey",
            "in": "header",
            "name": "X-Management-Key",
        }

    changes = edited(edit)
    assert triples(changes) == [
        # Two schemes: the single `api_key` argument becomes one argument per scheme.
        (B, "auth-changed", "client(bearer_auth=)"),
        (B, "auth-changed", "client(bearer_auth=)"),
        (B, "server-changed", "client.base_url"),
        (B, "auth-changed", "client.credits.retrieve()"),
        (N, "auth-scheme-added", "client(management_key=)"),
    ]


def test_allowing_anonymous_access_everywhere_is_one_non_breaking_change(edited: Any) -> None:
    changes = edited(lambda d: d.__setitem__("security", [{"bearerAuth": []}, {}]))
    assert triples(changes) == [(N, "auth-changed", "client")]
    assert changes[0].message.startswith("every operation now accepts bearerAuth or anonymous")


def test_type_widening_and_narrowing(edited: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        parameters = document["paths"]["/keys"]["get"]["parameters"]
        offset = next(p for p in parameters if p["name"] == "offset")
        offset["schema"]["type"] = "number"  # an argument widened
        data = _response_schema(document, "/credits")["properties"]["data"]["properties"]
        data["total_credits"]["type"] = "integer"  # a response narrowed
        data["total_usage"]["type"] = "string"  # a response changed

    changes = edited(edit)
    assert triples(changes) == [
        (B, "field-type-changed", "models.GetCreditsResponseData.total_usage"),
        (N, "parameter-type-changed", "client.keys.list(offset=)"),
        (N, "field-type-changed", "models.GetCreditsResponseData.total_credits"),
    ]


# --- every rule, on a fixture pair ---------------------------------------------------------------


def test_the_classification_rules() -> None:
    changes = changes_between(FIXTURES / "rules" / "old.yaml", FIXTURES / "rules" / "new.yaml")
    assert triples(changes) == [
        (B, "body-field-added", "client.items.create(kind=)"),
        (B, "body-field-removed", "client.items.create(tags=)"),
        (B, "method-removed", "client.items.delete()"),
        # `page` and `limit` added: the list now pages, and returns a page
        (B, "paging-added", "client.items.list()"),
        (B, "parameter-type-changed", "client.items.list(cursor=)"),
        (B, "parameter-removed", "client.items.list(legacy=)"),
        (B, "parameter-required", "client.items.list(q=)"),
        (B, "parameter-enum-value-removed", "client.items.list(sort=)"),
        (B, "field-optional", "models.Item.name"),
        (B, "field-removed", "models.Item.note"),
        (B, "field-type-changed", "models.Item.size"),
        (N, "method-path-changed", "client.items.archive()"),
        (N, "body-field-type-changed", "client.items.create(size=)"),
        (N, "parameter-type-changed", "client.items.list(limit=)"),
        (N, "parameter-added", "client.items.list(page=)"),
        (N, "parameter-moved", "client.items.list(since=)"),
        (N, "parameter-optional", "client.items.list(x_trace=)"),
        (N, "field-added", "models.Item.color"),
        (N, "field-enum-value-added", "models.Item.status"),
        (N, "field-type-changed", "models.Item.weight"),
        (D, "api-version-changed", "client"),
        (D, "summary-changed", "client.items.list()"),
        (D, "description-changed", "models.Item.name"),
    ]
    by_location = {c.location: c.message for c in changes}
    assert "(widened" in by_location["client.items.list(limit=)"]
    assert "(narrowed" in by_location["models.Item.weight"]
    assert "(None is now accepted)" in by_location["client.items.create(size=)"]


def test_the_diff_is_symmetric_in_what_it_finds() -> None:
    """Swapping the sides finds the same places; additions become removals."""
    forward = changes_between(FIXTURES / "rules" / "old.yaml", FIXTURES / "rules" / "new.yaml")
    backward = changes_between(FIXTURES / "rules" / "new.yaml", FIXTURES / "rules" / "old.yaml")
    kinds = {c.kind for c in backward}
    assert {"method-added", "parameter-added", "field-added", "field-removed"} <= kinds
    assert len(backward) == len(forward)


# --- the corpus, with controlled edits -----------------------------------------------------------


@pytest.fixture
def petstore(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None]], list[Change]]:
    source = CORPUS / "oai-learn-v3.0" / "petstore.yaml"
    if not source.is_file():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    original = load(source)

    def run(edit: Callable[[dict[str, Any]], None]) -> list[Change]:
        document = copy.deepcopy(original)
        edit(document)
        return changes_between(source, write(tmp_path, "petstore", document))

    return run


def test_corpus_petstore_new_optional_filter_is_minor(petstore: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["paths"]["/pets"]["get"]["parameters"].append(
            {
                "name": "status",
                "in": "query",
                "schema": {"type": "string", "enum": ["available", "sold"]},
            }
        )

    changes = petstore(edit)
    assert triples(changes) == [(N, "parameter-added", "client.pets.list(status=)")]
    assert as_dict(changes)["suggested_bump"] == "minor"


def test_corpus_petstore_model_used_both_ways(petstore: Any) -> None:
    """`Pet` is the body of createPets (exploded into arguments) and the answer of showPetById."""

    def edit(document: dict[str, Any]) -> None:
        pet = document["components"]["schemas"]["Pet"]
        pet["required"].append("tag")
        pet["properties"]["color"] = {"type": "string"}

    changes = petstore(edit)
    assert triples(changes) == [
        (B, "body-field-required", "client.pets.create(tag=)"),
        (N, "body-field-added", "client.pets.create(color=)"),
        (N, "field-added", "models.Pet.color"),
        (N, "field-required", "models.Pet.tag"),
    ]


def test_corpus_petstore_renamed_component_and_server(petstore: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        schemas["Animal"] = schemas.pop("Pet")
        text = json.dumps(document).replace(
            '"#/components/schemas/Pet"', '"#/components/schemas/Animal"'
        )
        document.clear()
        document.update(json.loads(text))
        document["servers"][0]["url"] = "https://petstore.example.com/v2"

    changes = petstore(edit)
    assert triples(changes) == [
        (B, "server-changed", "client.base_url"),
        (B, "model-renamed", "models.Animal"),
    ]


def test_corpus_petstore_security_added(petstore: Any) -> None:
    def edit(document: dict[str, Any]) -> None:
        document["components"]["securitySchemes"] = {
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"}
        }
        document["security"] = [{"key": []}]

    changes = petstore(edit)
    assert triples(changes) == [
        (B, "auth-changed", "client"),
        (N, "auth-scheme-added", "client(api_key=)"),
    ]


def test_corpus_openrouter_full_against_the_showcase() -> None:
    """A large real diff completes, is deterministic and classifies every change."""
    full = CORPUS / "openrouter" / "openapi.yaml"
    if not full.is_file():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    first = changes_between(SPEC, full)
    assert first == changes_between(SPEC, full)
    assert first == sorted(first, key=Change.sort_key)
    assert suggested_bump(first) == "major"
    assert {c.severity for c in first} == {B, N, D}


# --- output --------------------------------------------------------------------------------------


def test_render_json_groups_and_bumps() -> None:
    changes = changes_between(FIXTURES / "rules" / "old.yaml", FIXTURES / "rules" / "new.yaml")
    document = json.loads(render_json(list(reversed(changes))))
    assert list(document) == ["breaking", "non_breaking", "docs", "suggested_bump"]
    assert document["suggested_bump"] == "major"
    assert len(document["breaking"]) == 11 and len(document["docs"]) == 3
    assert all(
        set(item) == {"kind", "location", "message"}
        for group in ("breaking", "non_breaking", "docs")
        for item in document[group]
    )
    assert document == json.loads(render_json(changes))  # order of the input does not matter


def test_render_json_escapes_bidirectional_and_c1_controls() -> None:
    # A description's text may hold a "Trojan Source" override or a C1 CSI: the JSON a terminal
    # shows has them as \u escapes, and reads back as the same strings.
    message = "renamed \u202eevil\u2066 \x9b2J"
    text = render_json([Change("k", B, "#/paths/~1a\u2067", message)])
    assert not any(char in text for char in "\u202e\u2066\u2067\x9b")
    assert json.loads(text)["breaking"][0]["message"] == message


def test_render_markdown_is_grouped_and_stable() -> None:
    changes = changes_between(FIXTURES / "rules" / "old.yaml", FIXTURES / "rules" / "new.yaml")
    text = render_markdown(changes)
    assert text == render_markdown(list(reversed(changes)))
    assert text.startswith(
        "## API changes\n\n**11** breaking, **9** non-breaking, **3** "
        "documentation-only; suggested version bump: **major**\n"
    )
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    assert headings == [
        "### Breaking changes (11)",
        "### Non-breaking changes (9)",
        "### Documentation only (3)",
    ]
    assert "- `client.items.delete()` (method-removed): DELETE /items/{id} was removed" in text


@pytest.mark.parametrize(
    ("severities", "bump"), [((), "none"), ((D,), "patch"), ((D, N), "minor"), ((N, B, D), "major")]
)
def test_suggested_bump(severities: tuple[Impact, ...], bump: str) -> None:
    changes = [Change("k", severity, "loc", "m") for severity in severities]
    assert suggested_bump(changes) == bump


def test_diff_apis_on_built_irs() -> None:
    run = Run(Config())
    api = analyse(run, SPEC, validate=False)
    assert api is not None
    assert diff_apis(api, api) == []


# --- git revisions -------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=oagen",
            "-c",
            "user.email=oagen@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "repo"
    folder.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    _git(folder, "init", "-q")
    return folder


def test_diff_against_the_previous_commit(
    repo: Path, openrouter: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = repo / "spec.yaml"
    spec.write_text(json.dumps(openrouter, indent=1), encoding="utf-8")
    _git(repo, "add", "spec.yaml")
    _git(repo, "commit", "-q", "-m", "v1")
    edited = copy.deepcopy(openrouter)
    del edited["paths"]["/keys/{hash}"]["delete"]
    edited["paths"]["/credits"]["get"]["description"] = "Credits."
    spec.write_text(json.dumps(edited, indent=1), encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "v2")

    monkeypatch.chdir(repo)
    with spec_at("HEAD~1:spec.yaml") as old:
        assert old.is_file() and old != spec
        folder = old.parent
        changes = changes_between(old, Path("spec.yaml"))
    assert not folder.exists()  # the materialised revision is cleaned up
    assert triples(changes) == [
        (B, "method-removed", "client.keys.delete()"),
        (B, "model-removed", "models.DeleteKeyResponse"),
        (D, "description-changed", "client.credits.retrieve()"),
    ]


def test_a_multi_file_spec_at_a_revision_keeps_its_references(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(FIXTURES / "multi", repo, dirs_exist_ok=True)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    pet = repo / "api" / "schemas" / "pet.yaml"
    pet.write_text(pet.read_text() + "  color:\n    type: string\n")
    errors = repo / "common" / "errors.yaml"
    errors.write_text(errors.read_text().replace("    code:\n      type: integer\n", ""))
    _git(repo, "commit", "-q", "-am", "v2")

    new = repo / "api" / "openapi.yaml"
    with spec_at("HEAD~1:api/openapi.yaml", cwd=repo) as old:
        top = old.parents[1]
        assert (top / "api" / "schemas" / "pet.yaml").is_file()  # the folder's tree
        assert (top / "common" / "errors.yaml").is_file()  # reached by a ../ $ref
        # ../common is outside each spec's folder: refused on both sides without a root...
        refused = diff_specs(old, new, Config())
        assert not refused.ok
        codes = {d.code for run in (refused.old_run, refused.new_run) for d in run.diagnostics}
        assert "E005" in codes
        # ...and read with the repository as the root, which maps into the copy from git.
        assert revision_root(repo, old, "HEAD~1:api/openapi.yaml", cwd=repo) == top
        assert revision_root(repo / "api", old, "HEAD~1:api/openapi.yaml", cwd=repo) == top / "api"
        config = Config(root=repo)
        result = diff_specs(old, new, config, replace(config, root=top))
        assert result.ok, [d.format() for d in result.old_run.diagnostics]
        changes = result.changes
    assert triples(changes) == [
        (B, "field-removed", "models.GetPetErrorDEFAULT.code"),
        (N, "field-added", "models.GetPetResponse.color"),
    ]
    # The command line: refused without a root, compared with one.
    from generator.cli import main

    monkeypatch.chdir(repo)
    args = ["diff", "HEAD~1:api/openapi.yaml", "api/openapi.yaml", "--format", "json"]
    assert main(args) == 1
    capsys.readouterr()
    assert main([*args, "--root", str(repo)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert "models.GetPetResponse.color" in json.dumps(printed)
    # A path relative to the current folder, as git reads `REV:./path`.
    with spec_at("HEAD:./openapi.yaml", cwd=repo / "api") as current:
        assert current.read_text() == (repo / "api" / "openapi.yaml").read_text()


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("nope:spec.yaml", "unknown revision 'nope'"),
        ("HEAD:missing.yaml", "missing.yaml does not exist at HEAD"),
        ("HEAD:folder", "folder at HEAD is a folder, not a spec file"),
        (":spec.yaml", "no revision before ':'"),
        ("HEAD:", "no file after ':'"),
        ("HEAD:../outside.yaml", "outside the repository"),
    ],
)
def test_revision_errors_are_clear(repo: Path, argument: str, message: str) -> None:
    (repo / "folder").mkdir()
    (repo / "folder" / "a.yaml").write_text("a: 1\n")
    (repo / "spec.yaml").write_text("openapi: 3.1.0\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    with (
        pytest.raises(RevisionError, match=message.replace("(", r"\(")),
        spec_at(argument, cwd=repo),
    ):
        pass


def test_plain_paths_and_paths_with_colons_are_used_as_they_are(repo: Path) -> None:
    odd = repo / "v1:spec.yaml"
    odd.write_text("openapi: 3.1.0\n")
    with spec_at("v1:spec.yaml", cwd=repo) as path:
        assert path == odd
    with spec_at(str(odd)) as path:
        assert path == odd
    with spec_at("spec/openrouter.yaml") as path:
        assert path == Path("spec/openrouter.yaml")


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with (
        pytest.raises(RevisionError, match="not inside a git repository"),
        spec_at("HEAD:spec.yaml", cwd=tmp_path),
    ):
        pass


def test_a_revision_error_prints_no_raw_control_character(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    (repo / "spec.yaml").write_text("openapi: 3.1.0\n", encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "v1")
    monkeypatch.chdir(repo)
    assert main(["diff", "HEAD:evil\x1b]52;c;aGk=\x07.yaml", "spec.yaml"]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b]52;" in err


def test_a_method_moved_to_another_resource_is_a_rename_with_both_call_paths(
    edited: Any,
) -> None:
    def edit(document: dict[str, Any]) -> None:
        for method in ("get", "post"):
            if method in document["paths"]["/credits"]:
                document["paths"]["/credits"][method]["x-oagen-group"] = "billing"
        document["paths"]["/keys"]["get"]["x-oagen-group"] = "billing"

    changes = edited(edit)
    kinds = {(c.severity, c.kind) for c in changes}
    assert (B, "method-removed") not in kinds and (N, "method-added") not in kinds
    renamed = [c for c in changes if c.kind == "method-renamed"]
    assert [(c.severity, c.location) for c in renamed] == [
        (B, "client.billing.get_credits()"),
        (B, "client.billing.list_keys()"),
    ]
    assert "`client.keys.list()` is now `client.billing.list_keys()` (GET /keys)" in (
        renamed[1].message
    )
    (added,) = [c for c in changes if c.kind == "resource-added"]
    assert added.message == (
        "new resource `client.billing`; `get_credits()`, `list_keys()` moved here "
        "(see their renames)"
    )
    (removed,) = [c for c in changes if c.kind == "resource-removed"]
    assert removed.location == "client.credits"
    assert "`retrieve()` moved (see their renames)" in removed.message
    assert "with its methods" not in removed.message


def test_renames_to_nested_call_paths_compare_whole_call_paths() -> None:
    """Methods are matched by HTTP method and path, whatever their call paths: a method moved
    to `client.chat.completions` is a rename, and that resource is not `client.completions`."""
    new = analyse(Run(Config()), SPEC, validate=False)
    assert new is not None
    # The old client: the same operations under flat call paths.
    paths = {
        "chat.completions.create": ("chat", "create_chat_completion"),
        "keys.list": ("keys", "list_keys"),
    }

    def flattened(op: ir.Operation) -> ir.Operation:
        call = f"{op.resource}.{op.method_name}"
        resource, method = paths.get(call, (op.resource, op.method_name))
        return replace(op, resource=resource, method_name=method)

    old = replace(
        new,
        resources=tuple(
            replace(r, operations=tuple(flattened(op) for op in r.operations))
            for r in new.resources
        ),
    )
    changes = diff_apis(old, new)
    assert triples(changes) == [
        (B, "resource-removed", "client.chat"),
        (B, "method-renamed", "client.chat.completions.create()"),
        (B, "method-renamed", "client.keys.list()"),
        (N, "resource-added", "client.chat.completions"),
    ]
    assert changes[1].message.startswith(
        "`client.chat.create_chat_completion()` is now `client.chat.completions.create()` "
        "(POST /chat/completions)"
    )
    assert "`create_chat_completion()` moved" in changes[0].message
    assert changes[3].message == (
        "new resource `client.chat.completions`; `create()` moved here (see their renames)"
    )
