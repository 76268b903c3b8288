"""Writing the output under attack: a folder oagen never filled, a manifest that is a link, a FIFO,
too deep or too large, special files it cannot link, a full disk, paths that cannot be folders, a
lock file that is a FIFO, generated names that collide by case. Each ends in a clear message
(never a traceback or a hang) with the previous output as it was."""

from __future__ import annotations

import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from generator.write.emit import MANIFEST, EmitError, emit, plan
from generator.write.lock import LockError, lock_path, locked
from generator.write.place import refusal, unusable

REPO = Path(__file__).resolve().parents[1]
META = {"oagen_version": "0.0.test", "spec": "pets.yaml", "spec_sha256": "0" * 64}
FILES = {"README.md": b"# Pets\n", "pets/__init__.py": b"x = 1\n"}
SPEC = """\
openapi: 3.1.0
info: {title: Pet Store, version: 1.0.0}
paths:
  /pets:
    get:
      operationId: listPets
      responses: {"200": {description: ok}}
"""


def _beside(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir())


def _finishes(work: Callable[[], object]) -> object:
    """Run `work` in a thread; a hang (a FIFO opened for reading) fails instead of blocking the
    suite. The bound is generous: it only tells a hang from a run."""
    outcome: list[object] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # raised again in the test's own thread
            failure.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "blocked"
    if failure:
        raise failure[0]
    return outcome[0]


# --- a folder oagen did not fill -------------------------------------------------------------


def test_a_filled_folder_without_a_manifest_is_not_replaced_unless_forced(tmp_path: Path) -> None:
    """No generated path is taken (no conflict), yet the folder is someone else's (/etc as
    root was swapped whole): it needs --force."""
    out = tmp_path / "etc"
    out.mkdir()
    (out / "hosts").write_bytes(b"127.0.0.1 localhost\n")
    (out / "ssh").mkdir()
    inode = os.lstat(out).st_ino
    with pytest.raises(
        EmitError,
        match=r"is not empty and has no \.oagen-manifest\.json.*"
        r"'hosts', 'ssh'.*--force",
    ):
        emit(out, FILES, META)
    assert os.lstat(out).st_ino == inode and sorted(os.listdir(out)) == ["hosts", "ssh"]
    assert _beside(out) == ["etc"]
    emit(out, FILES, META, force=True)
    assert (out / "hosts").read_bytes() == b"127.0.0.1 localhost\n"
    emit(out, {**FILES, "README.md": b"# v2\n"}, META)  # a previous output now: no --force


def test_a_folder_at_the_top_of_the_filesystem_is_refused(tmp_path: Path) -> None:
    top = next((Path(p) for p in ("/etc", "/usr", "/var") if os.path.isdir(p)), None)
    if top is None:
        pytest.skip("no /etc, /usr or /var here")
    problem = refusal(top, [], tmp_path)
    assert problem is not None and "top of the filesystem" in problem


# --- the manifest as an attack -----------------------------------------------------------------


def _previous_output(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    emit(out, FILES, META)
    (out / "keep.txt").write_bytes(b"the user's\n")
    (out / MANIFEST).unlink()
    return out


def test_a_manifest_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    """A link to a manifest elsewhere listing the user's file: nothing is read through it, so
    the file is not taken for oagen's and deleted."""
    out = _previous_output(tmp_path)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"files": {"keep.txt": "0" * 64}}), encoding="utf-8")
    (out / MANIFEST).symlink_to(forged)
    with pytest.raises(EmitError, match=r"no usable \.oagen-manifest\.json \(it is a symbolic"):
        emit(out, FILES, META)
    result = emit(out, FILES, META, force=True)
    assert (out / "keep.txt").read_bytes() == b"the user's\n"
    assert any("is a symbolic link; it was ignored" in w for w in result.warnings)
    assert forged.exists() and not (out / MANIFEST).is_symlink()


@pytest.mark.parametrize("kind", ["fifo", "deep", "not utf-8", "too large", "not an object"])
def test_a_manifest_that_cannot_be_used_is_ignored_without_blocking(
    tmp_path: Path, kind: str
) -> None:
    out = _previous_output(tmp_path)
    manifest = out / MANIFEST
    if kind == "fifo":
        os.mkfifo(manifest)
    elif kind == "deep":
        manifest.write_text("[" * 200_000, encoding="utf-8")  # RecursionError in json
    elif kind == "not utf-8":
        manifest.write_bytes(b'{"files": {"\xff": "x"}}')
    elif kind == "too large":
        with open(manifest, "wb") as stream:  # sparse: 65 MiB that take no space
            stream.truncate(65 * 2**20)
    else:
        manifest.write_text('{"files": ["keep.txt"]}', encoding="utf-8")
    changes = _finishes(lambda: plan(out, FILES))  # what `oagen check` does
    assert changes is not None and changes.warnings  # type: ignore[attr-defined]
    with pytest.raises(EmitError, match=r"no usable \.oagen-manifest\.json"):
        _finishes(lambda: emit(out, FILES, META))
    result = _finishes(lambda: emit(out, FILES, META, force=True))
    assert "it was ignored" in result.warnings[0]  # type: ignore[attr-defined]
    assert (out / "keep.txt").read_bytes() == b"the user's\n"


# --- special files oagen cannot link -----------------------------------------------------------

_AS_NOBODY = """
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generator.write.emit import EmitError, emit
out = Path(sys.argv[2]) / "out"
files = {"README.md": b"# Pets\\n", "pets/__init__.py": b"x = 1\\n"}
meta = {"oagen_version": "0", "spec": "pets.yaml", "spec_sha256": "0" * 64}
if sys.argv[3] == "first":
    emit(out, files, meta)
else:
    try:
        emit(out, {**files, "README.md": b"# v2\\n"}, meta)
        print(json.dumps({"ok": True}))
    except EmitError as error:
        print(json.dumps({"ok": False, "error": str(error)}))
"""


def _as_nobody(work: Path, step: str, script: str = _AS_NOBODY) -> subprocess.CompletedProcess[str]:
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin") or ""
    return subprocess.run(
        [python, "-c", script, str(REPO), str(work), step],
        user=65534,
        group=65534,
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
        timeout=120,
    )


def _require_nobody() -> None:
    if os.geteuid() != 0:
        pytest.skip("making a device node and running as another user need root")
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    probe = (
        subprocess.run(
            [python or "", "-c", "import sys; assert sys.version_info >= (3, 11)"],
            user=65534,
            group=65534,
            capture_output=True,
            check=False,
            cwd="/",
        )
        if python
        else None
    )
    if probe is None or probe.returncode != 0:
        pytest.skip("no Python 3.11+ that the user nobody can run")


_LOCK_AS_NOBODY = """
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generator.write.lock import LockError, locked
try:
    with locked(Path(sys.argv[2]) / "out", lambda _message: None, timeout=0):
        print("locked")
except LockError as error:
    print(error)
"""


def test_an_output_whose_folder_the_user_may_not_write_is_a_clear_error(tmp_path: Path) -> None:
    """The output itself is the user's, but oagen writes its lock and staging folder beside
    it: the message says so."""
    _require_nobody()
    work = Path(tempfile.mkdtemp(prefix="oagen-beside-"))
    try:
        os.chmod(work, 0o755)  # root's: nobody may not write here
        (work / "out").mkdir()
        os.chown(work / "out", 65534, 65534)
        result = _as_nobody(work, "", _LOCK_AS_NOBODY)
        assert "Permission denied" in result.stdout and "beside the output" in result.stdout, (
            result.stdout + result.stderr
        )
        assert sorted(p.name for p in work.iterdir()) == ["out"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_special_files_another_user_owns_are_never_opened(tmp_path: Path) -> None:
    """Hard links to another user's files are refused (protected_hardlinks): a FIFO is made
    anew, a device node (/dev/zero here: copying it filled the disk) stops the run."""
    _require_nobody()
    work = Path(tempfile.mkdtemp(prefix="oagen-special-"))
    try:
        os.chown(work, 65534, 65534)
        assert _as_nobody(work, "first").returncode == 0
        out = work / "out"
        os.mkfifo(out / "pipe", 0o640)  # root's, not readable by nobody: no hard link
        result = _as_nobody(work, "second")
        assert json.loads(result.stdout) == {"ok": True}, result.stderr
        assert stat.S_ISFIFO(os.lstat(out / "pipe").st_mode)
        assert stat.S_IMODE(os.lstat(out / "pipe").st_mode) == 0o640
        try:
            os.mknod(out / "zero", 0o644 | stat.S_IFCHR, os.makedev(1, 5))
        except OSError:
            pytest.skip("device nodes cannot be made here")
        result = _as_nobody(work, "second")
        report = json.loads(result.stdout)
        assert not report["ok"] and "a device node" in report["error"], report
        assert (out / "README.md").read_bytes() == b"# v2\n"  # the previous output, as it was
        assert sorted(p.name for p in work.iterdir()) == ["out"]
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- a full disk -------------------------------------------------------------------------------


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))  # every write fails with EFBIG


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "project"
    (folder / "spec").mkdir(parents=True)
    (folder / "spec" / "api.yaml").write_text(SPEC, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("HOME", str(tmp_path))
    return folder


def test_a_run_that_cannot_write_says_why_and_leaves_nothing_beside_the_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file size limit stands in for a full disk: the staging folder's marker could not be
    written, and the staging folder stayed beside the output for ever."""
    assert main(["generate", "-q", "spec/api.yaml", "-o", "out"]) == EXIT_OK
    before = {p: p.read_bytes() for p in sorted((project / "out").rglob("*")) if p.is_file()}
    spec = project / "spec" / "api.yaml"
    spec.write_text(SPEC.replace("1.0.0", "1.0.1"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "-q", "spec/api.yaml", "-o", "out"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_limit_file_size,
        timeout=300,
    )
    assert result.returncode == EXIT_FAILED, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "ulimit -f" in result.stderr and "the previous output was left as it was" in result.stderr
    )
    assert sorted(p.name for p in project.iterdir()) == ["out", "spec"]
    assert {
        p: p.read_bytes() for p in sorted((project / "out").rglob("*")) if p.is_file()
    } == before


# --- paths that cannot be the output -----------------------------------------------------------


@pytest.mark.parametrize("command", ["generate", "check"])
@pytest.mark.parametrize(
    ("output", "reason"),
    [
        ("spec/api.yaml/out", "is a file, so"),
        ("x" * 300, "File name too long"),
        ("x" * 300 + "/out", "File name too long"),
    ],
)
def test_an_output_that_cannot_be_a_folder_is_a_clear_error(
    project: Path, capsys: pytest.CaptureFixture[str], command: str, output: str, reason: str
) -> None:
    code = main([command, "-q", "spec/api.yaml", "-o", output])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and reason in err and "Traceback" not in err
    assert sorted(p.name for p in project.iterdir()) == ["spec"]


def test_the_lock_reports_a_folder_it_cannot_create(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    with (
        pytest.raises(LockError, match="cannot create the folder"),
        locked(tmp_path / "file" / "sub" / "out", lambda _message: None, timeout=0),
    ):
        pass
    assert unusable(tmp_path / "file" / "sub" / "out") is not None


def test_a_lock_file_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    out = tmp_path / "out"
    os.mkfifo(lock_path(out))

    def take() -> str:
        try:
            with locked(out, lambda _message: None, timeout=0):
                return "locked"
        except LockError as error:
            return str(error)

    assert "is not a plain file" in str(_finishes(take))


# --- generated names, the last check -------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pets/Pet.py": b"", "pets/pet.py": b""}, "differ only by case"),
        ({"Pets/a.py": b"", "pets/b.py": b""}, "differ only by case"),
        ({"pets/" + "x" * 300 + ".py": b""}, "longer than 255 bytes"),
    ],
)
def test_generated_names_one_filesystem_cannot_keep_apart_are_refused(
    tmp_path: Path, files: dict[str, bytes], message: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(EmitError, match=message):
        emit(out, files, META)
    assert list(tmp_path.iterdir()) == []


# --- watch ---------------------------------------------------------------------------------------


def test_watch_stops_when_the_spec_is_inside_the_output(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Changes inside the output are ignored (each generation makes them), so watching a spec
    kept there would never regenerate."""
    assert main(["generate", "-q", "spec/api.yaml", "-o", "out"]) == EXIT_OK
    (project / "out" / "api.yaml").write_text(SPEC, encoding="utf-8")
    code = _finishes(lambda: main(["watch", "-q", "out/api.yaml", "-o", "out"]))
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "is inside the output folder" in err


def test_watch_stops_when_the_output_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _finishes(lambda: main(["watch", "-q", "spec/api.yaml", "-o", ".git/out"]))
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "will not write there" in err and "watching" not in err


def test_a_file_mounted_inside_the_output_stops_the_run(tmp_path: Path) -> None:
    """A bind-mounted file shares the folder's device number, so only the refused hard link
    (EXDEV) shows it: it was copied, and the mount stayed in the old folder beside the output
    with the journal."""
    out = tmp_path / "out"
    emit(out, FILES, META)
    source = tmp_path / "source.txt"
    source.write_bytes(b"mounted\n")
    (out / "hosts").write_bytes(b"")
    mounted = subprocess.run(
        ["mount", "--bind", str(source), str(out / "hosts")], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("bind mounts are not allowed here")
    try:
        with pytest.raises(EmitError, match="hosts is a mount point inside the output"):
            emit(out, {**FILES, "README.md": b"# v2\n"}, META)
        assert (out / "README.md").read_bytes() == FILES["README.md"]
        assert _beside(out) == ["out", "source.txt"]
    finally:  # where the mount went if the run went ahead (the old folder beside the output)
        for place in tmp_path.glob("*/hosts"):
            subprocess.run(["umount", str(place)], capture_output=True, check=False)


@pytest.mark.parametrize("target", ["loop", "{tmp}/nowhere/out"])
def test_an_output_through_a_dangling_or_looping_link_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """A checkout's `out` linked to a folder that is not there would have had oagen create
    that folder wherever the link pointed."""
    link = project / ("loop" if target == "loop" else "out")
    link.symlink_to(target.format(tmp=project.parent))
    for argv in (
        ["generate", "-q", "spec/api.yaml", "-o", link.name],
        ["generate", "-q", "spec/api.yaml", "-o", f"{link.name}/client"],
        ["check", "-q", "spec/api.yaml", "-o", link.name],
    ):
        code = main(argv)
        err = capsys.readouterr().err
        assert code == EXIT_USAGE and "which does not exist or loops" in err, err
    assert sorted(p.name for p in project.parent.iterdir()) == ["project"]


def test_an_output_inside_a_git_folder_in_any_case_is_refused(tmp_path: Path) -> None:
    problem = refusal(tmp_path / ".GIT" / "out", [], tmp_path / "elsewhere")
    assert problem is not None and "inside a .git folder" in problem


def test_progress_escapes_control_characters_from_file_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from generator.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    screen = Terminal()
    progress = Progress(screen)
    progress.started -= 60  # as if the run had been going a minute
    progress("loading api\x1b]52;c;cGF5bG9hZA==\x07.yaml")
    assert "\x1b]52" not in screen.getvalue() and "\\x1b]52" in screen.getvalue()


def test_check_does_not_compare_a_huge_or_special_file_at_a_generated_path(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A checkout's 1 GB README.md would be read whole and handed to difflib by `oagen check`
    in CI; a FIFO is not opened."""
    assert main(["generate", "-q", "spec/api.yaml", "-o", "out"]) == EXIT_OK
    with open(project / "out" / "README.md", "r+b") as stream:
        stream.truncate(5 * 2**20)  # sparse
    (project / "out" / "pyproject.toml").unlink()
    os.mkfifo(project / "out" / "pyproject.toml")
    code = _finishes(lambda: main(["check", "-q", "spec/api.yaml", "-o", "out"]))
    out = capsys.readouterr().out
    assert code == EXIT_FAILED
    assert "+++ b/README.md\n(not compared: larger than 4 MiB)" in out
    assert "+++ b/pyproject.toml\n(not compared: not a regular file)" in out


_READ_ONLY_OUTPUT = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generator.write.emit import EmitError, emit
out = Path(sys.argv[2]) / "out"
files = {"README.md": b"# Pets\\n", "pets/__init__.py": b"x = 1\\n"}
meta = {"oagen_version": "0", "spec": "pets.yaml", "spec_sha256": "0" * 64}
emit(out, files, meta)
(out / "mine.txt").write_bytes(b"mine\\n")
os.chmod(out, 0o555)
try:
    emit(out, {**files, "README.md": b"# v2\\n"}, meta)
    report = {"error": None}
except (EmitError, OSError) as error:
    report = {"error": str(error)}
report["readme"] = (out / "README.md").read_text()
report["mode"] = oct(os.lstat(out).st_mode & 0o7777)
report["beside"] = sorted(os.listdir(out.parent))
os.chmod(out, 0o755)
print(json.dumps(report))
"""


def test_an_output_the_user_made_read_only_is_still_replaced(tmp_path: Path) -> None:
    """The new folder takes the old one's mode (0555) before the swap, after which its
    marker could not be removed: every run failed and left its journal beside the output."""
    _require_nobody()
    work = Path(tempfile.mkdtemp(prefix="oagen-read-only-"))
    try:
        os.chown(work, 65534, 65534)
        result = _as_nobody(work, "", _READ_ONLY_OUTPUT)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {
            "error": None,
            "readme": "# v2\n",
            "mode": "0o555",
            "beside": ["out"],
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_an_error_inside_the_locked_block_is_not_taken_for_the_lock(tmp_path: Path) -> None:
    with (
        pytest.raises(FileNotFoundError),
        locked(tmp_path / "out", lambda _message: None, timeout=0),
    ):
        raise FileNotFoundError(2, "No such file or directory", str(tmp_path / "gone"))
    assert not lock_path(tmp_path / "out").exists()
