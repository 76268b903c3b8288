"""`oagen watch` regenerates on real file changes and rewrites only what changed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from .conftest import REPO
from .support.watching import SPEC, watching


def test_watch_regenerates_changed_files_only(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "watched"\n', encoding="utf-8"
    )
    with watching(project, tmp_path / "watch.log") as watch:
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
        watch.wait_for(lambda: "size" in model.read_text(), "the regeneration")
        # The files are swapped in before the summary line is printed.
        watch.wait_for_generations(2, "the second summary")
        watch.wait_for(lambda: watch.text().count("oagen: rewrote") >= 2, "what it rewrote")
        assert runtime.stat().st_mtime_ns == runtime_mtime, "an unchanged file was rewritten"
        # What changed is printed: the input saved, then the files the regeneration rewrote.
        printed = watch.text()
        assert "oagen: changed: spec.yaml" in printed, printed
        rewrote = [line for line in printed.splitlines() if line.startswith("oagen: rewrote")][-1]
        assert "watched/models/thing.py" in rewrote and "_runtime" not in rewrote, rewrote


def _overlay(name: str) -> str:
    return (
        'overlay: 1.0.0\ninfo: {title: o, version: "1"}\nactions:\n'
        "- target: $.components.schemas.Thing.properties\n"
        f"  update: {{{name}: {{type: integer}}}}\n"
    )


def test_watch_survives_a_vanishing_overlay_and_a_device_spec(tmp_path: Path) -> None:
    """In a folder, and with an overlay, whose names hold a terminal escape: the overlay is
    deleted, then comes back changed; the spec becomes a link to /dev/zero, then comes back.
    Each problem is reported and watching goes on; nothing hangs, and no control character is
    printed raw."""
    if not os.path.exists("/dev/zero"):
        import pytest

        pytest.skip("no /dev/zero here")
    project = tmp_path / "pro\x1b[2Jj\x07"
    project.mkdir()
    (project / "spec.yaml").write_text(SPEC, encoding="utf-8")
    overlay = project / "fi\x1b[2Jx\x07.yaml"
    overlay.write_text(_overlay("weight"), encoding="utf-8")
    (project / "pyproject.toml").write_text(
        '[tool.oagen]\nspec = "spec.yaml"\noutput = "out"\npackage = "watched"\n'
        'overlays = ["fi\\u001b[2Jx\\u0007.yaml"]\n',
        encoding="utf-8",
    )
    model = project / "out" / "watched" / "models" / "thing.py"
    with watching(project, tmp_path / "watch.log") as watch:
        assert "weight" in model.read_text()
        overlay.unlink()
        watch.wait_for(lambda: "overlay not found" in watch.text(), "the missing overlay")
        overlay.write_text(_overlay("size"), encoding="utf-8")
        watch.wait_for(lambda: "size" in model.read_text(), "the changed overlay")
        (project / "spec.yaml").unlink()
        (project / "spec.yaml").symlink_to("/dev/zero")
        watch.wait_for(lambda: "is not a regular file" in watch.text(), "the device spec")
        (project / "spec.yaml").unlink()
        (project / "spec.yaml").write_text(
            SPEC.replace("name: {type: string}", "label: {type: string}"), encoding="utf-8"
        )
        watch.wait_for(lambda: "label" in model.read_text(), "the restored spec")
        assert watch.process.poll() is None, watch.text()[-2000:]
    text = watch.text()
    assert not any(char in text for char in "\x1b\x07"), text[-2000:]
    assert "oagen: changed: fi\\x1b[2Jx\\x07.yaml" in text


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
