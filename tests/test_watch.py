"""`oagen watch` regenerates on real file changes and rewrites only what changed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import REPO

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


def _wait_for(condition: object, seconds: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; log:\n{log.read_text()[-3000:]}")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_watch_regenerates_changed_files_only(tmp_path: Path) -> None:
    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "watched"\n',
        encoding="utf-8")
    log = tmp_path / "watch.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off"}
    with log.open("w") as stream:
        # As from a terminal: a shell that runs the suite in the background starts it with
        # SIGINT ignored, and the child would inherit that and never see the Ctrl-C below.
        process = subprocess.Popen([sys.executable, "-m", "generator", "watch"], cwd=tmp_path,
                                   stdout=stream, stderr=subprocess.STDOUT, env=env,
                                   preexec_fn=_default_sigint)
    try:
        _wait_for(lambda: "watching" in log.read_text(), 90, "the first generation", log)
        model = tmp_path / "out" / "watched" / "models" / "thing.py"
        runtime = tmp_path / "out" / "watched" / "_runtime" / "_client.py"
        runtime_mtime = runtime.stat().st_mtime_ns
        assert "size" not in model.read_text()
        time.sleep(0.2)
        (tmp_path / "spec.yaml").write_text(
            SPEC.replace("name: {type: string}", "name: {type: string}\n        size: "
                         "{type: integer}"), encoding="utf-8")
        _wait_for(lambda: "size" in model.read_text(), 60, "the regeneration", log)
        # The files are swapped in before the summary line is printed.
        _wait_for(lambda: log.read_text().count("operations") >= 2, 60, "the second summary",
                  log)
        assert runtime.stat().st_mtime_ns == runtime_mtime, "an unchanged file was rewritten"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert code == 0, log.read_text()[-2000:]
    assert "stopped watching" in log.read_text()
    assert "Traceback" not in log.read_text()
