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
        try:
            if condition():  # type: ignore[operator]
                return
        except FileNotFoundError:  # between the two renames that swap a new output in
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; log:\n{log.read_text()[-3000:]}")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_watch_regenerates_changed_files_only(tmp_path: Path) -> None:
    # The log is kept out of the watched folder: each line written to it would be a change.
    log = tmp_path / "watch.log"
    project = tmp_path / "project"
    project.mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "watched"\n', encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off"}
    with log.open("w") as stream:
        # As from a terminal: a shell that runs the suite in the background starts it with
        # SIGINT ignored, and the child would inherit that and never see the Ctrl-C below.
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch"],
            cwd=project,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_default_sigint,
        )
    try:
        _wait_for(lambda: "watching" in log.read_text(), 90, "the first generation", log)
        model = project / "out" / "watched" / "models" / "thing.py"
        runtime = project / "out" / "watched" / "_runtime" / "_errors.py"
        runtime_mtime = runtime.stat().st_mtime_ns
        assert "size" not in model.read_text()
        time.sleep(0.2)
        (project / "spec.yaml").write_text(
            SPEC.replace(
                "name: {type: string}", "name: {type: string}\n        size: {type: integer}"
            ),
            encoding="utf-8",
        )
        _wait_for(lambda: "size" in model.read_text(), 60, "the regeneration", log)
        # The files are swapped in before the summary line is printed.
        _wait_for(lambda: log.read_text().count("operations") >= 2, 60, "the second summary", log)
        _wait_for(lambda: log.read_text().count("oagen: rewrote") >= 2, 60, "what it rewrote", log)
        assert runtime.stat().st_mtime_ns == runtime_mtime, "an unchanged file was rewritten"
        # What changed is printed: the input saved, then the files the regeneration rewrote.
        printed = log.read_text()
        assert "oagen: changed: spec.yaml" in printed, printed
        rewrote = [line for line in printed.splitlines() if line.startswith("oagen: rewrote")][-1]
        assert "watched/models/thing.py" in rewrote and "_runtime" not in rewrote, rewrote
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


def _overlay(name: str) -> str:
    return (
        'overlay: 1.0.0\ninfo: {title: o, version: "1"}\nactions:\n'
        "- target: $.components.schemas.Thing.properties\n"
        f"  update: {{{name}: {{type: integer}}}}\n"
    )


def test_watch_survives_a_vanishing_overlay_and_a_device_spec(tmp_path: Path) -> None:
    """In a folder whose name holds a terminal escape: the overlay is deleted, then comes back
    changed; the spec becomes a link to /dev/zero, then comes back. Each problem is reported
    and watching goes on; nothing hangs, and no control character is printed raw."""
    if not os.path.exists("/dev/zero"):
        import pytest

        pytest.skip("no /dev/zero here")
    project = tmp_path / "pro\x1b[2Jj\x07"
    project.mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (project / "fix.yaml").write_text(_overlay("weight"), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "watched"\n'
        'overlays = ["fix.yaml"]\n',
        encoding="utf-8",
    )
    log = tmp_path / "watch.log"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off"}
    with log.open("w") as stream:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "watch"],
            cwd=project,
            stdout=stream,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_default_sigint,
        )
    model = project / "out" / "watched" / "models" / "thing.py"
    try:
        _wait_for(lambda: "watching" in log.read_text(), 90, "the first generation", log)
        assert "weight" in model.read_text()
        (project / "fix.yaml").unlink()
        _wait_for(lambda: "overlay not found" in log.read_text(), 60, "the missing overlay", log)
        (project / "fix.yaml").write_text(_overlay("size"), encoding="utf-8")
        _wait_for(lambda: "size" in model.read_text(), 60, "the changed overlay", log)
        (project / "spec.yaml").unlink()
        (project / "spec.yaml").symlink_to("/dev/zero")
        _wait_for(lambda: "is not a regular file" in log.read_text(), 60, "the device spec", log)
        (project / "spec.yaml").unlink()
        (project / "spec.yaml").write_text(
            SPEC.replace("name: {type: string}", "label: {type: string}"), encoding="utf-8"
        )
        _wait_for(lambda: "label" in model.read_text(), 60, "the restored spec", log)
        assert process.poll() is None, log.read_text()[-2000:]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    text = log.read_text()
    assert code == 0, text[-2000:]
    assert "Traceback" not in text and "stopped watching" in text
    assert not any(char in text for char in "\x1b\x07"), text[-2000:]
    assert "pro\\x1b[2Jj\\x07" in text


def test_a_spec_swapped_for_a_fifo_or_device_mid_run_is_reported_not_read(tmp_path: Path) -> None:
    """The manifest hashes the spec again after generating; watch regenerates while others
    write the folder, and a FIFO put in the spec's place then hung that read for ever (a link to
    /dev/zero would have filled memory). Checked in a child, so a hang fails the test."""
    os.mkfifo(tmp_path / "fifo.yaml")
    targets = ["fifo.yaml"]
    if os.path.exists("/dev/zero"):
        (tmp_path / "zero.yaml").symlink_to("/dev/zero")
        targets.append("zero.yaml")
    program = (
        "import sys\nfrom pathlib import Path\n"
        "from generator.cli.produce import manifest_metadata\n"
        "from generator.config import Config\n"
        "print(manifest_metadata(Config(spec=Path(sys.argv[1])), '1.0.0'))\n"
    )
    for name in targets:
        done = subprocess.run(
            [sys.executable, "-c", program, name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            check=False,
        )
        assert done.stdout.strip() == "None", done.stdout + done.stderr
        assert f"error: {name} changed while oagen ran (not a regular file)" in done.stderr
        assert "Traceback" not in done.stderr
