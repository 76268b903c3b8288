"""Runs that are killed, interrupted or run side by side: whatever happens, the next run leaves
the old or the new output, the user's files, and nothing else beside it.

Each test runs `python -m generator generate` in subprocesses on a one-operation spec.
OAGEN_TEST_SWAP_PAUSE makes a run wait between its two renames, the moment the output is
missing, so a kill or a Ctrl-C can land exactly there.
"""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from .conftest import REPO

SPEC = """\
openapi: 3.1.0
info:
  title: Pet Store
  version: {version}
paths:
  /pets/{{petId}}:
    get:
      operationId: getPet
      tags: [pets]
      parameters:
        - name: petId
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: ok
"""
VERSIONS = ("1.0.0", "2.0.0")
USER_FILE = "mine.txt"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "OAGEN_CACHE_DIR": "off", **extra}


def _command() -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        "generate",
        "pets.yaml",
        "-o",
        "out",
        "--config",
        "empty.toml",
        "-q",
    ]


def _project(folder: Path, version: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "empty.toml").write_text("", encoding="utf-8")
    (folder / "pets.yaml").write_text(SPEC.format(version=version), encoding="utf-8")
    return folder


def _generate(folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(), cwd=folder, env=_env(**env), capture_output=True, text=True, timeout=120
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _references(tmp_path: Path) -> dict[str, dict[str, bytes]]:
    """The output of a clean run of each spec version."""
    trees = {}
    for version in VERSIONS:
        folder = _project(tmp_path / f"reference-{version}", version)
        assert _generate(folder).returncode == 0
        trees[version] = _tree(folder / "out")
    return trees


def _user_output(folder: Path) -> None:
    assert _generate(folder).returncode == 0
    (folder / "out" / USER_FILE).write_bytes(b"the user's own file\n")


def _check_settled(folder: Path, expected: dict[str, bytes]) -> None:
    assert _tree(folder / "out") == {**expected, USER_FILE: b"the user's own file\n"}
    assert sorted(p.name for p in folder.iterdir()) == ["empty.toml", "out", "pets.yaml"]


def test_sigkill_at_any_moment_then_the_next_run_leaves_the_new_output_and_nothing_else(
    tmp_path: Path,
) -> None:
    references = _references(tmp_path)
    work = _project(tmp_path / "work", VERSIONS[0])
    _user_output(work)
    draw = random.Random(20261204)
    for attempt in range(10):
        old, new = VERSIONS[attempt % 2], VERSIONS[(attempt + 1) % 2]
        _project(work, new)
        pause = "0.4" if attempt % 2 else ""  # half the runs wait between the renames
        process = subprocess.Popen(
            _command(),
            cwd=work,
            env=_env(OAGEN_TEST_SWAP_PAUSE=pause),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(draw.uniform(0.0, 0.9))
        process.kill()
        process.wait()
        out = work / "out"
        if out.exists():  # killed before the first rename or after the second
            tree = {k: v for k, v in _tree(out).items() if k != USER_FILE}
            assert tree in (references[old], references[new]), attempt
        # else killed between the renames: the next run puts the old output back first
        result = _generate(work)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        _check_settled(work, references[new])


def test_ctrl_c_between_the_renames_completes_the_swap_and_says_so(tmp_path: Path) -> None:
    references = _references(tmp_path)
    work = _project(tmp_path / "work", VERSIONS[0])
    _user_output(work)
    _project(work, VERSIONS[1])
    process = subprocess.Popen(
        _command(),
        cwd=work,
        env=_env(OAGEN_TEST_SWAP_PAUSE="1.5"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for _ in range(6000):  # until the first rename has retired the output (bounded)
        if any(p.name.startswith(".out.oagen-retired-") for p in work.iterdir()):
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "interrupted after the output folder was replaced" in err
    assert "was not changed" not in err and "Traceback" not in err
    _check_settled(work, references[VERSIONS[1]])


def test_concurrent_runs_into_one_folder_serialise(tmp_path: Path) -> None:
    references = _references(tmp_path)
    work = _project(tmp_path / "work", VERSIONS[0])
    _user_output(work)
    for attempt in range(5):
        version = VERSIONS[attempt % 2]
        _project(work, version)
        processes = [
            subprocess.Popen(
                _command(),
                cwd=work,
                env=_env(),
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        for process in processes:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert "Traceback" not in err
        _check_settled(work, references[version])


def test_a_run_waits_for_the_lock_and_gives_up_with_a_clear_message(tmp_path: Path) -> None:
    work = _project(tmp_path / "work", VERSIONS[0])
    _user_output(work)
    before = _tree(work / "out")
    _project(work, VERSIONS[1])
    descriptor = os.open(work / ".out.oagen-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        result = _generate(work, OAGEN_LOCK_TIMEOUT="0.5")
    finally:
        os.close(descriptor)
    assert result.returncode == 1
    assert f"another oagen run is writing {work / 'out'}; waiting" in result.stderr
    assert "is still writing" in result.stderr and "OAGEN_LOCK_TIMEOUT" in result.stderr
    assert _tree(work / "out") == before
    assert _generate(work).returncode == 0  # once the lock is free
    assert not (work / ".out.oagen-lock").exists()


def test_a_symlink_at_the_lock_path_is_refused(tmp_path: Path) -> None:
    work = _project(tmp_path / "work", VERSIONS[0])
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep\n")
    (work / ".out.oagen-lock").symlink_to(victim)
    result = _generate(work)
    assert result.returncode == 1
    assert "is a symbolic link" in result.stderr and "Traceback" not in result.stderr
    assert victim.read_bytes() == b"keep\n" and not (work / "out").exists()
