"""Progress shows on a terminal for runs over a second, and never in logs or pipes."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from .conftest import REPO, SPEC

COMMAND = [sys.executable, "-m", "generator", "generate", str(SPEC), "-q"]


def _on_a_terminal(out: Path, extra_env: dict[str, str]) -> bytes:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off", **extra_env}
    env.pop("CI", None) if "CI" not in extra_env else None
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child process
        os.execve(sys.executable, [*COMMAND[:-1], "-o", str(out)], env)
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
    assert b"oagen: formatting" in captured  # black takes over a second here, uncached
    assert b"\r\x1b[2Koagen: 12 of 12 operations" in captured  # cleared before the summary


def test_no_progress_in_ci_or_pipes(tmp_path: Path) -> None:
    in_ci = _on_a_terminal(tmp_path / "ci", {"CI": "true"})
    assert b"formatting" not in in_ci
    piped = subprocess.run([*COMMAND[:-1], "-o", str(tmp_path / "piped")], capture_output=True,
                           env={**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off"},
                           timeout=300)
    assert b"formatting" not in piped.stderr and b"\x1b" not in piped.stderr
