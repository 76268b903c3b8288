"""The output folder never loses or exposes what the user keeps there: conflicts are refused
unless forced, modes survive, manifest entries cannot reach outside, a symlinked output is
written through, and what an interrupted run left beside the output is restored or tidied."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator.write import swap
from generator.write.emit import MANIFEST, EmitError, emit, manifest_bytes, plan, read_manifest
from generator.write.place import refusal

META = {"oagen_version": "0.0.test", "spec": "pets.yaml", "spec_sha256": "0" * 64}
FILES = {
    "README.md": b"# Pets\n",
    "pyproject.toml": b"[project]\nname = 'pets'\n",
    "pets/__init__.py": b"from ._client import Pets\n",
    "pets/_client.py": b"class Pets:\n    pass\n",
}


def _user_folder(out: Path) -> dict[str, bytes]:
    """A folder a user already keeps things in: what oagen must not lose."""
    kept = {
        "README.md": b"# my project\n",
        "pyproject.toml": b"[project]\nname = 'mine'\n",
        ".ssh/id_ed25519": b"secret\n",
        "lib/shared.py": b"x = 1\n",
        "__pycache__/tool.cpython-311.pyc": b"\x00bytecode",
        "stray.pyc": b"\x00old bytecode",
        "pets/__pycache__/_client.cpython-311.pyc": b"\x00user's cache",
    }
    for path, content in kept.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    os.chmod(out, 0o750)
    os.chmod(out / ".ssh", 0o700)
    os.chmod(out / "lib", 0o2770 | stat.S_ISVTX)
    os.chmod(out / ".ssh" / "id_ed25519", 0o600)
    return kept


def _modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(os.lstat(root).st_mode)}
    for path in root.rglob("*"):
        found[path.relative_to(root).as_posix()] = stat.S_IMODE(os.lstat(path).st_mode)
    return found


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_first_generation_into_a_used_folder_is_refused_and_lists_the_conflicts(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _user_folder(out)
    before = _tree(out), _modes(out)
    with pytest.raises(EmitError) as error:
        emit(out, FILES, META)
    message = str(error.value)
    assert "has no .oagen-manifest.json" in message
    assert "README.md, pyproject.toml" in message and "--force" in message
    assert "lib/shared.py" not in message  # only what would be overwritten is listed
    assert (_tree(out), _modes(out)) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_forced_first_generation_replaces_generated_paths_and_keeps_everything_else(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    kept = _user_folder(out)
    modes = _modes(out)
    inodes = {path: os.lstat(out / path).st_ino for path in kept}
    emit(out, FILES, META, force=True)
    tree = _tree(out)
    for path, content in FILES.items():
        assert tree[path] == content, path
    for path, content in kept.items():
        if path not in FILES:
            assert tree[path] == content, path
            assert os.lstat(out / path).st_ino == inodes[path], path  # the same file, linked
    after = _modes(out)
    for path, mode in modes.items():
        if path not in FILES:
            assert after[path] == mode, path
    assert after["."] == 0o750 and after[".ssh"] == 0o700
    assert after["lib"] == 0o2770 | stat.S_ISVTX  # setgid and sticky bits too
    # Later runs know the user's files are not oagen's, and keep them.
    emit(out, {k: v for k, v in FILES.items() if k != "pets/_client.py"}, META)
    for path, content in kept.items():
        if path not in FILES:
            assert (out / path).read_bytes() == content, path
    assert _modes(out)["lib"] == 0o2770 | stat.S_ISVTX


def test_a_generated_folder_where_the_user_has_a_file_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "pets").write_bytes(b"a file named like the package\n")
    (out / "README.md").mkdir()
    (out / "README.md" / "inside.txt").write_bytes(b"mine\n")
    with pytest.raises(EmitError, match=r"README\.md, pets"):
        emit(out, FILES, META)
    assert (out / "pets").read_bytes() == b"a file named like the package\n"
    emit(out, FILES, META, force=True)
    assert _tree(out) == {**FILES, MANIFEST: manifest_bytes(FILES, META)}


def test_with_a_manifest_a_foreign_file_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    (out / "pets" / "extra.py").write_bytes(b"# the user's\n")
    more = {**FILES, "pets/extra.py": b"# generated\n"}
    with pytest.raises(EmitError, match=r"were not written by oagen.*pets/extra\.py"):
        emit(out, more, META)
    assert (out / "pets" / "extra.py").read_bytes() == b"# the user's\n"
    emit(out, more, META, force=True)
    assert (out / "pets" / "extra.py").read_bytes() == b"# generated\n"


def test_user_bytecode_caches_survive_regeneration(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    (out / "pets" / "__pycache__").mkdir()
    (out / "pets" / "__pycache__" / "_client.cpython-311.pyc").write_bytes(b"\x00cache")
    (out / "legacy.pyc").write_bytes(b"\x00legacy")
    emit(out, {**FILES, "pets/_client.py": b"class Pets:\n    x = 1\n"}, META)
    assert (out / "pets" / "__pycache__" / "_client.cpython-311.pyc").read_bytes() == b"\x00cache"
    assert (out / "legacy.pyc").read_bytes() == b"\x00legacy"


@pytest.mark.parametrize(
    "entry",
    [
        "../victim.txt",
        "/ABSOLUTE",
        "pets\\..\\..\\victim.txt",
        "pets/\x00",
        "./pets/../../victim.txt",
        "",
        "link/victim.txt",
    ],
)
def test_manifest_entries_outside_the_output_are_never_deleted(tmp_path: Path, entry: str) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me\n")
    (tmp_path / "ABSOLUTE").write_bytes(b"keep me too\n")
    (out / "link").symlink_to(tmp_path, target_is_directory=True)
    manifest = read_manifest(out)
    assert isinstance(manifest["files"], dict)
    manifest["files"][entry.replace("/ABSOLUTE", str(tmp_path / "ABSOLUTE"))] = "0" * 64
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    assert plan(out, FILES).removed == []
    result = emit(out, FILES, META)
    assert result.removed == []
    assert len(result.warnings) == 1 and "is corrupt" in result.warnings[0]
    assert victim.read_bytes() == b"keep me\n"
    assert (tmp_path / "ABSOLUTE").read_bytes() == b"keep me too\n"
    assert (out / "link").is_symlink() and (out / "link" / "victim.txt").is_file()


def test_a_symlinked_output_is_written_through_and_the_link_kept(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real, target_is_directory=True)
    emit(link, FILES, META)
    emit(link, {**FILES, "README.md": b"# v2\n"}, META)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "README.md").read_bytes() == b"# v2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "real"]


# --- where the output may be --------------------------------------------------------------------


def test_refused_output_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    project = home / "project"
    (project / "spec").mkdir(parents=True)
    spec = project / "spec" / "api.yaml"
    spec.write_bytes(b"openapi: 3.1.0\n")
    config = project / "pyproject.toml"
    config.write_bytes(b"[tool.oagen]\n")
    (project / "README.md").write_bytes(b"x")
    monkeypatch.setenv("HOME", str(home))
    inputs = [("the spec", spec), ("the config file", config)]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cases = {
        Path("/"): "filesystem root",
        home: "home folder",
        tmp_path: "home folder",  # holds it
        spec: "is a file",
        project / "spec": "holds the spec",
        project: "holds the spec",
        elsewhere: "current folder",
    }
    for output, reason in cases.items():
        problem = refusal(output, inputs, elsewhere)
        assert problem is not None and reason in problem, (output, problem)
    assert refusal(project / "generated", inputs, elsewhere) is None
    for inside_git in (project / ".git", project / ".git" / "hooks"):
        assert "inside a .git folder" in str(refusal(inside_git, inputs, elsewhere))
    assert refusal(project / "spec" / "out", inputs, elsewhere) is None
    (project / ".git").mkdir()
    assert "git repository" in str(refusal(project, [], elsewhere))
    (project / MANIFEST).write_bytes(b"{}")  # a previous output: its own files are known
    assert refusal(project, inputs, elsewhere) is None


# --- interrupted runs -------------------------------------------------------------------------


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _interrupted_between_renames(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The state a SIGKILL between the two renames leaves: no output, a retired copy, a staging
    folder and the journal."""
    out = tmp_path / "out"
    emit(out, FILES, META)
    (out / "mine.txt").write_bytes(b"mine\n")
    staging = swap.new_staging(out)
    (staging / "README.md").write_bytes(b"# new\n")
    retired = tmp_path / f".out.oagen-retired-{'ab' * 8}"
    swap._write_journal(
        swap.journal_path(out),
        {"staging": staging.name, "retired": retired.name, "manifest_sha256": "f" * 64},
    )
    os.unlink(swap.marker(staging))
    os.replace(out, retired)
    return out, staging, retired


def test_recovery_restores_an_output_missing_after_the_first_rename(tmp_path: Path) -> None:
    out, _staging, retired = _interrupted_between_renames(tmp_path)
    before = _tree(retired)
    notes = swap.recover(out)
    assert any("restored" in note for note in notes)
    assert _tree(out) == before and (out / "mine.txt").read_bytes() == b"mine\n"
    assert _names(tmp_path) == ["out"]


def test_recovery_removes_the_retired_copy_once_the_new_output_is_in_place(tmp_path: Path) -> None:
    out, staging, _retired = _interrupted_between_renames(tmp_path)
    os.replace(staging, out)
    (out / MANIFEST).write_bytes(b"new manifest")
    journal = json.loads(swap.journal_path(out).read_bytes())
    journal["manifest_sha256"] = swap.manifest_digest(out)
    swap.journal_path(out).write_text(json.dumps(journal), encoding="utf-8")
    assert swap.recover(out) == []
    assert _names(tmp_path) == ["out"]


def test_recovery_keeps_a_retired_copy_it_cannot_match(tmp_path: Path) -> None:
    out, staging, retired = _interrupted_between_renames(tmp_path)
    out.mkdir()  # someone else made a folder there since
    notes = swap.recover(out)
    assert retired.is_dir() and any("kept" in note for note in notes)
    assert not staging.exists()


def test_recovery_removes_marked_staging_folders_only(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    stale = swap.new_staging(out)
    (stale / "half.py").write_bytes(b"x")
    lookalike = tmp_path / f".out.oagen-staging-{'cd' * 8}"
    lookalike.mkdir()
    (lookalike / "user.txt").write_bytes(b"not oagen's\n")
    swap.journal_path(out).write_text(
        json.dumps({"staging": "../../etc", "retired": "../victim", "manifest_sha256": "x"}),
        encoding="utf-8",
    )
    notes = swap.recover(out)
    assert any("not a swap record" in note for note in notes)
    assert _names(tmp_path) == sorted([".out.oagen-staging-" + "cd" * 8, "out"])
    assert (lookalike / "user.txt").read_bytes() == b"not oagen's\n"


def test_carried_over_folders_keep_their_extended_attributes(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    (out / "private").mkdir()
    try:
        os.setxattr(out / "private", "user.owner-note", b"keep")
        os.setxattr(out / "pets", "user.label", b"generated folder, user's label")
    except OSError:
        pytest.skip("this filesystem has no user extended attributes")
    emit(out, {**FILES, "README.md": b"# v2\n"}, META)
    assert os.getxattr(out / "private", "user.owner-note") == b"keep"
    assert os.getxattr(out / "pets", "user.label") == b"generated folder, user's label"


def _mount_tmpfs(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "oagen-test", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root): " + mounted.stderr.decode()[:100])


def test_a_mount_point_inside_or_at_the_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    volume = out / "data"
    _mount_tmpfs(volume)
    try:
        (volume / "precious.db").write_bytes(b"keep\n")
        with pytest.raises(EmitError, match=r"data is a mount point inside the output"):
            emit(out, {**FILES, "README.md": b"# v2\n"}, META)
        assert (volume / "precious.db").read_bytes() == b"keep\n"
        assert (out / "README.md").read_bytes() == FILES["README.md"]
        assert _names(tmp_path) == ["out"]
        with pytest.raises(EmitError, match=r"is a mount point; oagen writes a new folder"):
            emit(volume, FILES, META)
        assert (volume / "precious.db").read_bytes() == b"keep\n"
    finally:
        subprocess.run(["umount", str(volume)], check=False)


@pytest.mark.parametrize(
    "path", ["../escaped.py", "/tmp/abs.py", "pets/../../x.py", "a\\b.py", "pets//x.py", MANIFEST]
)
def test_a_generated_path_outside_the_output_writes_nothing(tmp_path: Path, path: str) -> None:
    out = tmp_path / "nested" / "out"
    with pytest.raises(EmitError, match="would not be a plain file inside"):
        emit(out, {**FILES, path: b"x = 1\n"}, META)
    assert _names(tmp_path) == []


_AS_A_USER = """
import json, os, stat, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from generator.write.emit import EmitError, emit
root = Path(sys.argv[2])
files = {"README.md": b"# Pets\\n", "pets/__init__.py": b"x = 1\\n"}
meta = {"oagen_version": "0", "spec": "pets.yaml", "spec_sha256": "0" * 64}
out = root / "out"
emit(out, files, meta)
(out / "frozen").mkdir()
(out / "frozen" / "keep.txt").write_bytes(b"kept\\n")
os.chmod(out / "frozen", 0o555)
emit(out, {**files, "README.md": b"# v2\\n"}, meta)
report = {"kept": (out / "frozen" / "keep.txt").read_bytes().decode(),
          "mode": oct(stat.S_IMODE(os.lstat(out / "frozen").st_mode))}
(out / "hidden").mkdir()
(out / "hidden" / "secret.txt").write_bytes(b"mine\\n")
os.chmod(out / "hidden", 0o300)
try:
    emit(out, {**files, "README.md": b"# v3\\n"}, meta)
    report["unreadable"] = "written"
except EmitError as error:
    report["unreadable"] = str(error)
os.chmod(out / "hidden", 0o700)
report["secret"] = (out / "hidden" / "secret.txt").read_bytes().decode()
report["readme"] = (out / "README.md").read_bytes().decode()
os.chmod(out / "frozen", 0o755)
report["beside"] = sorted(p.name for p in root.iterdir())
print(json.dumps(report))
"""


def test_as_an_ordinary_user_read_only_folders_are_kept_and_unreadable_ones_stop_the_run(
    tmp_path: Path,
) -> None:
    """Root ignores folder permissions, so this runs as `nobody` when the tests run as root."""
    import shutil as shell_tools
    import tempfile

    repo = Path(__file__).resolve().parents[1]
    if os.geteuid() != 0:
        python, user = sys.executable, None
    else:
        python = shell_tools.which("python3", path="/usr/local/bin:/usr/bin:/bin") or ""
        user = 65534
        probe = (
            subprocess.run(
                [python, "-c", "import sys; assert sys.version_info >= (3, 11)"],
                user=user,
                group=user,
                capture_output=True,
                check=False,
                cwd="/",
            )
            if python
            else None
        )
        if probe is None or probe.returncode != 0:
            pytest.skip("no Python 3.11+ that the user nobody can run")
    work = Path(tempfile.mkdtemp(prefix="oagen-as-user-"))
    try:
        if user is not None:
            os.chown(work, user, user)
        result = subprocess.run(
            [python, "-c", _AS_A_USER, str(repo), str(work)],
            user=user,
            group=user,
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
    finally:
        shell_tools.rmtree(work, ignore_errors=True)
    assert report["kept"] == "kept\n" and report["mode"] == "0o555"
    assert report["unreadable"].startswith("cannot list ") and "hidden" in report["unreadable"]
    assert report["secret"] == "mine\n" and report["readme"] == "# v2\n"
    assert report["beside"] == ["out"]  # the retired copy with its read-only folder is gone


def test_user_files_named_like_oagens_own_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    for name in (".oagen-staging", ".oagen-swap.json", ".out.oagen-lock"):
        (out / name).write_bytes(b"mine\n")
    emit(out, {**FILES, "README.md": b"# v2\n"}, META)
    for name in (".oagen-staging", ".oagen-swap.json", ".out.oagen-lock"):
        assert (out / name).read_bytes() == b"mine\n", name
    assert _names(tmp_path) == ["out"]


def test_a_folder_where_oagen_wrote_a_file_is_a_conflict(tmp_path: Path) -> None:
    out = tmp_path / "out"
    emit(out, FILES, META)
    for path in ("README.md", "pets/_client.py"):  # generated again, and dropped from the set
        (out / path).unlink()
        (out / path).mkdir()
        (out / path / "notes.txt").write_bytes(b"mine\n")
    fewer = {k: v for k, v in FILES.items() if k != "pets/_client.py"}
    with pytest.raises(EmitError, match=r"would be overwritten: README\.md"):
        emit(out, fewer, META)
    (out / "README.md" / "notes.txt").unlink()
    (out / "README.md").rmdir()
    with pytest.raises(EmitError, match=r"would be overwritten: pets/_client\.py"):
        emit(out, fewer, META)
    assert (out / "pets" / "_client.py" / "notes.txt").read_bytes() == b"mine\n"
    emit(out, fewer, META, force=True)
    assert not (out / "pets" / "_client.py").exists()
    assert _names(tmp_path) == ["out"]
