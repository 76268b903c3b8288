"""Progress shows on a terminal for runs over a second, and never in logs or pipes."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, SPEC
from .support.specs import write_schemas_spec

COMMAND = [sys.executable, "-m", "generator", "generate", str(SPEC), "-q"]


def _large_spec(folder: Path) -> Path:
    """A description big enough that generating it takes well over the one-second delay."""
    schemas = {
        f"Model{n}": {
            "type": "object",
            "description": f"Model number {n}.",
            "properties": {
                f"field_{k}": {"type": "string", "enum": [f"v{j}" for j in range(k + 2)]}
                for k in range(12)
            },
        }
        for n in range(3000)
    }
    return write_schemas_spec(folder / "large.json", schemas, "Model0")


def _on_a_terminal(out: Path, extra_env: dict[str, str]) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off", **extra_env}
    env.pop("CI", None) if "CI" not in extra_env else None
    spec = _large_spec(out.parent / "spec")
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child process
        os.execve(
            sys.executable,
            [
                sys.executable,
                "-m",
                "generator",
                "generate",
                str(spec),
                "-o",
                str(out),
                "--package",
                "large",
            ],
            env,
        )
    captured = b""
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        captured += data
    os.waitpid(pid, 0)
    return captured


def test_progress_on_a_terminal(tmp_path: Path) -> None:
    captured = _on_a_terminal(tmp_path / "out", {})
    # Over a second into the run some stage shows (which one depends on the machine's speed).
    assert re.search(rb"\r\x1b\[2Koagen: (?:validating|building|rendering|laying out)", captured), (
        captured[-2000:]
    )
    assert b"\r\x1b[2Koagen: 1 of 1 operations" in captured  # cleared before the summary


def test_no_progress_in_ci_or_pipes(tmp_path: Path) -> None:
    in_ci = _on_a_terminal(tmp_path / "ci" / "out", {"CI": "true"})
    assert b"laying out" not in in_ci and b"\x1b" not in in_ci
    spec = _large_spec(tmp_path / "piped")
    piped = subprocess.run(
        [*COMMAND[:3], "generate", str(spec), "-o", str(tmp_path / "out"), "--package", "large"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off"},
        timeout=300,
    )
    assert piped.returncode == 0, piped.stderr[-2000:]
    assert b"laying out" not in piped.stderr and b"\x1b" not in piped.stderr
