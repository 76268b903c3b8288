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

# The validator's own words (W100 violations, W101 early stops) belong to its backend and change
# with its versions; the expectations pin what oagen decides: the code, the location, the JSON
# pointer and the hint. Every other diagnostic is oagen's own text and is compared verbatim.
_VALIDATOR_WORDS = re.compile(
    r"^(?P<head>\S.*?: (?:warning|error) W10[01] )"
    r"(?P<lead>spec violation: |the validator stopped early: )"
    r"(?P<words>.*?)(?P<tail> \(at #[^)]*\))?$"
)
VALIDATOR_TEXT = "<validator message>"


def _mask_validator_words(line: str) -> str:
    match = _VALIDATOR_WORDS.match(line)
    if match is None or not match.group("words"):
        return line
    return (
        match.group("head")
        + (match.group("lead") or "")
        + VALIDATOR_TEXT
        + (match.group("tail") or "")
    )


def _validate(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    monkeypatch.chdir(BROKEN)
    code = main(["validate", "--config", "oagen.toml", name])
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = [
        _mask_validator_words(_TIMING.sub(", N.NN s", line)) for line in captured.err.splitlines()
    ]
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


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "a.yaml:14:7: warning W100 spec violation: Operation ID 'x' is not unique (at #/paths)",
            f"a.yaml:14:7: warning W100 spec violation: {VALIDATOR_TEXT} (at #/paths)",
        ),
        (
            "a.yaml:1:1: warning W101 the validator stopped early: Unresolvable: ./p.yaml#/Pet",
            f"a.yaml:1:1: warning W101 the validator stopped early: {VALIDATOR_TEXT}",
        ),
        (
            "a.yaml:1:1: warning W101 the validator gave up on deeply recursive references",
            "a.yaml:1:1: warning W101 the validator gave up on deeply recursive references",
        ),
        (
            "a.yaml:7:5: warning W406 listPets declares no responses; it returns None (at #/p)",
            "a.yaml:7:5: warning W406 listPets declares no responses; it returns None (at #/p)",
        ),
        ("    hint: generation goes on", "    hint: generation goes on"),
    ],
)
def test_only_the_validators_own_words_are_masked(line: str, masked: str) -> None:
    assert _mask_validator_words(line) == masked
