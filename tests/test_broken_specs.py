"""Broken specs: every file in tests/broken/ gives exactly the diagnostics in its `.expected` file.

`oagen validate` runs in-process with the working folder set to tests/broken, so file names print
relative to it; the summary's timing is replaced by `N.NN s`. Set OAGEN_UPDATE_EXPECTED=1 to
(re)write the `.expected` files from the current output, then review the diff: a wrong line number
or a poor message there is a bug to fix, not a result to keep.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator.cli import EXIT_FAILED, EXIT_OK, main

BROKEN = Path(__file__).resolve().parent / "broken"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.suffix in (".yaml", ".json"))
UPDATE = os.environ.get("OAGEN_UPDATE_EXPECTED") == "1"

# Cases whose `.expected` file holds the output oagen *should* print once a known bug is fixed.
# OAGEN_UPDATE_EXPECTED leaves them alone; remove an entry once its bug is fixed.
KNOWN_BUGS = {}

_TIMING = re.compile(r", \d+\.\d+ s$")


def _validate(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(BROKEN)
    code = main(["validate", "--config", "oagen.toml", name])
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [_TIMING.sub(", N.NN s", line) for line in captured.err.splitlines()]
    return code, "".join(line + "\n" for line in lines)


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 10
    orphans = sorted(
        p.name for p in BROKEN.glob("*.expected") if p.name.removesuffix(".expected") not in CASES
    )
    assert orphans == []
    assert set(KNOWN_BUGS) <= set(CASES)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_BUGS[name], strict=True))
        if name in KNOWN_BUGS
        else name
        for name in CASES
    ],
)
def test_broken_spec(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, actual = _validate(name, monkeypatch, capsys)
    expected_file = BROKEN / f"{name}.expected"
    if UPDATE and name not in KNOWN_BUGS:
        expected_file.write_text(actual, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert actual.splitlines() == expected.splitlines()
    assert actual == expected
    assert "Traceback" not in actual
    # The exit code agrees with the summary line: 1 when the spec cannot be used, else 0.
    summary = actual.splitlines()[-1]
    assert summary.startswith(f"oagen: {name}: ")
    assert code == (EXIT_FAILED if f"oagen: {name}: invalid:" in summary else EXIT_OK)
