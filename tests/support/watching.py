"""A real `oagen watch` process for tests: started in a project folder, its output in a log, and
stopped with Ctrl-C (SIGINT) at the end, which must end it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# A description with one operation and one model (`Thing`, in models/thing.py).
SPEC = """\
openapi: 3.1.0
info: {title: Watched, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"""

_SUMMARY = re.compile(r"^oagen: \d+ of \d+ operations", re.MULTILINE)


@dataclass
class Watch:
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def summaries(self) -> int:
        """How many generations have ended (the first one included)."""
        return len(_SUMMARY.findall(self.text()))

    def changed(self) -> list[str]:
        """The `changed:` lines printed so far, without their prefix."""
        prefix = "oagen: changed: "
        return [line[len(prefix) :] for line in self.text().splitlines() if line.startswith(prefix)]

    def wait_for(self, condition: Callable[[], object], what: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except FileNotFoundError:  # between the two renames that swap a new output in
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; log:\n{self.text()[-3000:]}")

    def wait_for_generations(self, count: int, what: str) -> None:
        self.wait_for(lambda: self.summaries() >= count, what)


def _default_sigint() -> None:
    # As from a terminal: a shell that runs the suite in the background starts it with SIGINT
    # ignored, and the child would inherit that and never see the Ctrl-C that stops it.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def watching(
    project: Path, log: Path, arguments: Sequence[str] = (), cache: Path | None = None
) -> Iterator[Watch]:
    """`oagen watch ARGUMENTS` run in `project`, printing to `log`, once it watches; on leaving,
    stopped with Ctrl-C and checked to have stopped cleanly. No cache unless `cache` is given."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": str(cache or "off")}
    with log.open("w") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch", *arguments],
            cwd=project,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_default_sigint,
        )
    watch = Watch(process, log)
    try:
        watch.wait_for(lambda: "oagen: watching" in watch.text(), "the first generation", 90)
        yield watch
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    text = watch.text()
    assert code == 0, text[-2000:]
    assert "stopped watching" in text and "Traceback" not in text, text[-2000:]
