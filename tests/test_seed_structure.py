"""`oagen inspect` on the showcase spec reproduces the seed's structure exactly."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from .conftest import REPO, SEED, SPEC


def _seed() -> dict[str, object]:
    files = sorted(SEED.glob("*.txt")) if SEED.is_dir() else []
    if not files:
        pytest.skip("the seed (../shared/seed) is not beside the repository")
    text = files[0].read_text(encoding="utf-8")
    match = re.search(r"^\{.*^\}", text, re.DOTALL | re.MULTILINE)
    assert match, "the seed holds no JSON document"
    return json.loads(match.group())  # type: ignore[no-any-return]


def test_inspect_matches_the_seed_structure() -> None:
    seed = _seed()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "inspect", str(SPEC), "--format", "json-structure"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    structure = json.loads(result.stdout)
    assert structure["kind"] == "json-structure"
    for key in ("schemaCount", "operationCount", "schemas", "operations"):
        assert structure[key] == seed[key], key
