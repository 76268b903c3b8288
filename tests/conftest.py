"""Shared fixtures: where the repository, the showcase spec and the shared corpus are."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Every run starts with an empty cache of its own: results never depend on what a developer's
# ~/.cache/oagen holds from older versions. Tests of the cache set OAGEN_CACHE_DIR themselves.
os.environ["OAGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="oagen-test-cache-")

# Property tests draw the same examples on every run and machine, so a red CI run is a change,
# not a lucky draw. OAGEN_EXPLORE=1 draws fresh examples (and keeps failures in the local
# hypothesis database) for a longer hunt.
settings.register_profile("oagen-ci", derandomize=True, database=None)
settings.register_profile("oagen-explore", derandomize=False)
settings.load_profile("oagen-explore" if os.environ.get("OAGEN_EXPLORE") else "oagen-ci")

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "spec" / "openrouter.yaml"
GENERATED = REPO / "generated"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed"


def require_corpus() -> Path:
    if not (CORPUS / "INDEX.tsv").is_file():
        pytest.skip(
            f"the shared corpus is not at {os.path.relpath(CORPUS, REPO)}; "
            "corpus tests need ../shared/corpus beside the repository"
        )
    return CORPUS


@pytest.fixture
def corpus() -> Path:
    return require_corpus()
