"""Real-world descriptions through the whole pipeline: a fast subset of the shared corpus, and the
full OpenRouter description (also under `mypy --strict`).

Each test generates into its own temporary folder with `scripts/corpus.py`'s `run_entry` (the
generator, the import probe and mypy each in a subprocess), so the tests are independent and
spread over pytest-xdist workers. `make corpus` runs every entry and writes `docs/corpus.md`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scripts import corpus as corpus_script

from .conftest import require_corpus

# Small and medium entries covering Swagger 2.0, OpenAPI 3.0, 3.1 and 3.2, YAML and JSON, and a
# description split over several files.
SUBSET = [
    "oai-learn-v2.0-petstore-separate-spec-swagger",  # 2.0, YAML, external $refs to other files
    "oai-learn-v2.0-uber",  # 2.0, YAML
    "apis-guru-circleci.com-v1-swagger",  # 2.0, YAML, 22 operations
    "oai-learn-v3.0-petstore-json",  # 3.0, JSON
    "apis-guru-xkcd.com-1.0.0-openapi",  # 3.0, YAML
    "oai-learn-v3.1-tictactoe",  # 3.1, YAML
    "notion-notion-openapi",  # 3.1, JSON, 24 operations
    "oai-learn-v3.2-3.2-tags-example",  # 3.2, YAML
    # 3.0, JSON, 50 operations, rejected by the validator; a field named `datetime` once shadowed
    # the `datetime` module in its model and broke the import.
    "openapi-python-client-baseline_openapi_3.0",
]
OPENROUTER = "openrouter-full"


def _entry(name: str) -> corpus_script.Entry:
    require_corpus()
    entries = {entry.name: entry for entry in corpus_script.load_index()}
    assert name in entries, f"{name} is not in the corpus INDEX.tsv"
    entry = entries[name]
    if not entry.spec.is_file():
        pytest.skip(f"{entry.path} is missing from the shared corpus")
    return entry


def _generated(result: corpus_script.Result) -> None:
    """No traceback, exit 0, every operation generated, the package and all its modules import,
    and black leaves it as it is (the generator lays out most files itself)."""
    assert corpus_script.TRACEBACK not in result.generate_output, result.generate_output[-5000:]
    assert result.status == "ok", (result.status, result.generate_output[-5000:])
    assert result.exit_code == 0, result.generate_output[-5000:]
    assert result.ops_generated is not None, (
        f"no summary line in the generator output:\n{result.generate_output[-3000:]}"
    )
    # Operations the description marks to be left out of SDKs (x-speakeasy-ignore) are I402.
    left_out = result.generate_output.count(" I402 ")
    assert result.ops_generated == result.ops_total - left_out, (
        f"{result.ops_generated} of {result.ops_total} operations:\n"
        f"{result.generate_output[-5000:]}"
    )
    assert result.ops_total == result.index_ops, (
        f"the generator counts {result.ops_total} operations, the corpus INDEX {result.index_ops}"
    )
    assert result.imports is True, result.import_output[-5000:]
    assert result.black_clean is True, f"black would reformat:\n{result.black_output[-3000:]}"


@pytest.mark.parametrize("name", SUBSET)
def test_corpus_entry_generates_and_imports(name: str, tmp_path: Path) -> None:
    result = corpus_script.run_entry(_entry(name), tmp_path, mypy=False)
    _generated(result)


def test_full_openrouter_description_generates_every_operation_and_passes_mypy_strict(
    tmp_path: Path,
) -> None:
    entry = _entry(OPENROUTER)
    result = corpus_script.run_entry(entry, tmp_path, mypy=True)
    _generated(result)
    assert (result.ops_generated, result.ops_total) == (95, 97)  # 2 marked x-speakeasy-ignore
    assert result.mypy_exit == 0 and result.mypy_errors == 0, result.mypy_output[-8000:]
    package = tmp_path / entry.name / entry.package
    # Its 5 generated event-stream operations stream (createMessages is x-speakeasy-ignore):
    # a method returning Stream[...] (always, or through the overload for stream=True) in the
    # sync resource classes.
    streaming = set()
    for module in (package / "resources").glob("*.py"):
        text = module.read_text(encoding="utf-8")
        for match in re.finditer(
            r"\n    def (\w+)\(.*?\n    \) -> (.*?):(?: \.\.\.)?\n", text, re.S
        ):
            if re.search(r"\bStream\[", match.group(2)):
                streaming.add((module.stem, match.group(1)))
    assert len(streaming) == 5, sorted(streaming)
    # Its 44 discriminators become pydantic tagged unions.
    tagged = sum(
        module.read_text(encoding="utf-8").count("tagged_by(")
        for module in (package / "models").glob("*.py")
    )
    assert tagged >= 44, tagged


# --- the script's own parsing ------------------------------------------------------------------


def test_generator_output_parsing() -> None:
    output = (
        "spec/a.yaml:12:7: warning W100 'x' is not valid (at #/paths/~1a)\n"
        "    hint: fix it\n"
        "spec/a.yaml:30:1: error E401 operation GET /b left out (at #/paths/~1b/get)\n"
        "info I401 something without a location\n"
        "oagen: 3 of 4 operations, 5 models (6 named schemas); 1 warning(s), 1 error(s); "
        "files: 24 written, 0 unchanged, 0 removed; 1.36 s\n"
    )
    result = corpus_script.Result("a", "a.yaml", "3.1.0", True, 4, "a")
    corpus_script.parse_generator_output(result, output)
    assert (result.ops_generated, result.ops_total, result.models, result.named_schemas) == (
        3,
        4,
        5,
        6,
    )
    assert (result.warnings, result.errors) == (1, 1)
    assert result.codes == {"E401": 1, "I401": 1, "W100": 1}


def test_safe_package_names() -> None:
    assert corpus_script.safe_name("oai-learn-v3.0-petstore") == "oai_learn_v3_0_petstore"
    assert corpus_script.safe_name("1forge.com") == "p_1forge_com"
    assert corpus_script.safe_name("class") == "class_"


def test_report_lists_every_failure() -> None:
    crashed = corpus_script.Result(
        "bad",
        "bad.yaml",
        "3.0.0",
        True,
        2,
        "bad",
        status="crash",
        exit_code=1,
        generate_output="Traceback (most recent call "
        "last):\n  File \"x.py\", line 1\nKeyError: 'boom'\n",
    )
    fine = corpus_script.Result(
        "good",
        "good.yaml",
        "3.0.0",
        True,
        1,
        "good",
        status="ok",
        exit_code=0,
        ops_generated=1,
        ops_total=1,
        models=0,
        named_schemas=0,
        imports=True,
        mypy_errors=0,
        mypy_exit=0,
    )
    text = corpus_script.render_report([crashed, fine], 1.0, "python scripts/corpus.py")
    assert "| no traceback | 1 of 2 (1 crashed) |" in text
    assert "### bad" in text and "KeyError: 'boom'" in text
    assert "### good" not in text
    assert text.index("| 1 | bad ") < text.index("| 2 | good ")
