from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# Make `tests.fault_server` and `tests.runtime.fake_api` importable however pytest is started.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.fault_server import FaultServer  # noqa: E402


@pytest.fixture(scope="session")
def fault_server() -> Iterator[FaultServer]:
    with FaultServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests must not see a developer's real settings.
    for name in ("FAKE_API_KEY", "FAKE_BASE_URL", "FAKE_LOG"):
        monkeypatch.delenv(name, raising=False)
