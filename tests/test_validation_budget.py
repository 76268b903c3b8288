"""openapi-spec-validator runs in a child process with a time and a memory budget.

Its cost grows faster than the document on some shapes (a few thousand schemas with names the
specification forbids took gigabytes; operationIds are checked in quadratic time), so a document
is validated in a child that is stopped at its budget: the run goes on with a
W103 warning instead of hanging or exhausting the machine, and the work is never redone without a
budget in the generator's own process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import workers

REPO = Path(__file__).resolve().parents[1]


def _badly_named_schemas(count: int) -> dict[str, object]:
    # Each key breaks the specification's component-name pattern; the validator's Rust backend
    # copies the whole `schemas` object into every one of these errors.
    schemas = {
        f"S {i}!": {"type": "object", "properties": {"a": {"type": "string"}}} for i in range(count)
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Budget", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }


def _oagen(
    tmp_path: Path, document: dict[str, object], arguments: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`oagen <arguments...> spec.json` on `document`, without a cache."""
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "generator", arguments[0], str(spec), *arguments[1:]],
        cwd=tmp_path,
        env={**os.environ, "OAGEN_CACHE_DIR": "off", "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _validate(tmp_path: Path, document: dict[str, object], **env: str) -> tuple[int, str, float]:
    started = time.monotonic()
    result = _oagen(tmp_path, document, ["validate"], env)
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def test_a_validation_over_its_time_budget_is_stopped_and_reported(tmp_path: Path) -> None:
    # About ten seconds of validation on this machine (and gigabytes): stopped after one.
    code, printed, seconds = _validate(
        tmp_path, _badly_named_schemas(2_000), OAGEN_VALIDATE_TIMEOUT="1"
    )
    assert "Traceback" not in printed
    assert "warning W103 openapi-spec-validator did not finish within 1 s" in printed
    assert "OAGEN_VALIDATE_TIMEOUT" in printed  # what to do
    assert code == 0  # a warning: the generator can still build from the document
    assert seconds < 60


def test_a_validation_over_its_memory_budget_is_stopped_and_reported(tmp_path: Path) -> None:
    code, printed, _ = _validate(
        tmp_path, _badly_named_schemas(1_000), OAGEN_VALIDATE_MEMORY_MB="300"
    )
    assert "Traceback" not in printed
    assert "warning W103 openapi-spec-validator" in printed
    assert "not fully validated" in printed
    assert code == 0


def test_within_budget_the_findings_are_the_validators(tmp_path: Path) -> None:
    code, printed, _ = _validate(tmp_path, _badly_named_schemas(300))
    assert "W103" not in printed
    assert printed.count("warning W100 ") == 200  # the report's limit
    assert "warning W102 more than 200 spec violations" in printed
    assert code == 0


def test_the_child_budgets() -> None:
    sleeper = workers.Child(time.sleep, 30)
    assert sleeper.collect(timeout=0.5) is None
    assert sleeper.outcome == "timeout"

    hungry = workers.Child(bytearray, 2 << 30, memory=256 << 20)
    assert hungry.collect(timeout=60) is None
    assert hungry.outcome == "out-of-memory"

    fine = workers.Child(list, "two", memory=256 << 20)
    assert fine.collect(timeout=60) == ["t", "w", "o"]
    assert fine.outcome == "done"


def _prepared() -> None:
    os.environ["STANDBY_PREPARED"] = "yes"  # in the child only


def _job_seen(job: object) -> tuple[object, str]:
    return job, os.environ.get("STANDBY_PREPARED", "")


def test_a_child_on_standby_prepares_then_computes_the_job_it_is_sent() -> None:
    standby = workers.Standby(_prepared, _job_seen, memory=256 << 20)
    shared = {"a": [1, 2.5, None, True, "é"]}
    child = standby.send({"x": shared, "y": shared})
    assert child.collect(timeout=60) == ({"x": shared, "y": shared}, "yes")
    assert child.outcome == "done"
    assert "STANDBY_PREPARED" not in os.environ


def test_a_child_on_standby_that_is_not_needed_is_ended() -> None:
    standby = workers.Standby(_prepared, _job_seen)
    standby.discard()
    assert standby.child.collect(timeout=60) is None
    assert standby.child.outcome == "failed"


def test_a_job_that_is_not_plain_data_is_refused() -> None:
    standby = workers.Standby(_prepared, _job_seen)
    try:
        with pytest.raises(ValueError):
            standby.send({"a": object()})
    finally:
        standby.discard()


def _generate(tmp_path: Path, document: dict[str, object], **env: str) -> tuple[int, str]:
    result = _oagen(tmp_path, document, ["generate", "-o", str(tmp_path / "out")], env)
    return result.returncode, result.stdout + result.stderr


def test_generate_validates_in_a_child_started_before_the_spec_is_read(tmp_path: Path) -> None:
    """generate sends the document to a child that imported the validator meanwhile: the same
    findings as `validate`, under the same budgets."""
    code, printed = _generate(tmp_path, _badly_named_schemas(300))
    assert code == 0
    assert printed.count("warning W100 ") == 200
    assert "warning W102 more than 200 spec violations" in printed
    _, alone, _ = _validate(tmp_path, _badly_named_schemas(300))
    assert sorted(line for line in printed.splitlines() if " W10" in line) == sorted(
        line for line in alone.splitlines() if " W10" in line
    )
    code, printed = _generate(tmp_path, _badly_named_schemas(2_000), OAGEN_VALIDATE_TIMEOUT="1")
    assert "warning W103 openapi-spec-validator did not finish within 1 s" in printed
    assert "Traceback" not in printed
