"""Emit: atomic replacement of the output folder, guided by the manifest."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from generator.write import emit as emit_module
from generator.write.emit import MANIFEST, EmitError, emit, manifest_bytes, plan, read_manifest

META = {"oagen_version": "0.0.test", "spec": "pets.yaml", "spec_sha256": "0" * 64}

FILES = {
    "README.md": b"# Pets\n",
    "pets/__init__.py": b"from ._client import Pets\n",
    "pets/_client.py": b"class Pets:\n    pass\n",
    "pets/models/pet.py": b"class Pet:\n    pass\n",
}

OLD = 1_000_000_000  # a modification time far in the past, to see whether a file was rewritten


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _stats(root: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _age(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "out"


def test_first_write_creates_files_and_manifest(out: Path) -> None:
    result = emit(out, FILES, META)
    assert result.written == sorted(FILES)
    assert result.unchanged == [] and result.removed == []
    assert _tree(out) == {**FILES, MANIFEST: manifest_bytes(FILES, META)}
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["generator"] == "oagen"
    assert {key: manifest[key] for key in META} == META
    assert manifest["files"] == {
        path: hashlib.sha256(content).hexdigest() for path, content in FILES.items()
    }
    assert list(manifest["files"]) == sorted(FILES)
    assert read_manifest(out) == manifest


def test_manifest_bytes_do_not_depend_on_insertion_order() -> None:
    reordered = dict(reversed(list(FILES.items())))
    assert manifest_bytes(reordered, dict(reversed(list(META.items())))) == manifest_bytes(
        FILES, META
    )
    assert manifest_bytes(FILES, META).endswith(b"}\n")


def test_identical_rewrite_keeps_inode_and_mtime(out: Path) -> None:
    emit(out, FILES, META)
    _age(out)
    before = _stats(out)
    result = emit(out, FILES, META)
    assert result.written == [] and result.removed == []
    assert result.unchanged == sorted(FILES)
    assert _stats(out) == before
    assert all(mtime == OLD * 10**9 for _, mtime in before.values())


def test_changed_file_is_rewritten_and_the_others_keep_their_inode(out: Path) -> None:
    emit(out, FILES, META)
    _age(out)
    before = _stats(out)
    changed = {**FILES, "pets/_client.py": b"class Pets:\n    x = 1\n"}
    result = emit(out, changed, META)
    assert result.written == ["pets/_client.py"]
    assert result.unchanged == sorted(set(FILES) - {"pets/_client.py"})
    after = _stats(out)
    for path in result.unchanged:
        assert after[path] == before[path], path
    assert after["pets/_client.py"][1] != OLD * 10**9
    assert after[MANIFEST] != before[MANIFEST]  # the hash of _client.py changed
    assert _tree(out) == {**changed, MANIFEST: manifest_bytes(changed, META)}


def test_file_dropped_from_the_set_is_removed(out: Path) -> None:
    emit(out, FILES, META)
    fewer = {k: v for k, v in FILES.items() if k != "pets/models/pet.py"}
    result = emit(out, fewer, META)
    assert result.removed == ["pets/models/pet.py"]
    assert not (out / "pets/models/pet.py").exists()
    assert set(_tree(out)) == {*fewer, MANIFEST}
    assert "pets/models/pet.py" not in read_manifest(out)["files"]  # type: ignore[operator]


def test_plan_reports_without_touching_the_output(out: Path) -> None:
    emit(out, FILES, META)
    before = _tree(out), _stats(out)
    new = {
        **{k: v for k, v in FILES.items() if k != "README.md"},
        "pets/_client.py": b"changed\n",
        "pets/extra.py": b"x = 1\n",
    }
    result = plan(out, new)
    assert result.written == ["pets/_client.py", "pets/extra.py"]
    assert result.unchanged == ["pets/__init__.py", "pets/models/pet.py"]
    assert result.removed == ["README.md"]
    assert (_tree(out), _stats(out)) == before


def test_user_files_survive_regenerations(out: Path) -> None:
    emit(out, FILES, META)
    user = {
        "NOTES.txt": b"mine\n",
        "pets/_custom.py": b"# hand-written, beside generated files\n",
        "pets/models/extra/deep.py": b"# in a subfolder of a generated folder\n",
        "extensions/__init__.py": b"# a folder the generator never writes\n",
    }
    for path, content in user.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    (out / "extensions" / "empty").mkdir()
    changed = {k: v for k, v in FILES.items() if k != "README.md"}
    changed["pets/_client.py"] = b"class Pets:\n    y = 2\n"
    for files in (changed, FILES, changed):
        result = emit(out, files, META)
        assert not set(result.removed) & set(user)
        tree = _tree(out)
        for path, content in user.items():
            assert tree[path] == content, path
        assert (out / "extensions" / "empty").is_dir()
        assert ("README.md" in tree) == ("README.md" in files)


def test_user_files_in_a_folder_without_manifest_survive_the_first_generation(out: Path) -> None:
    (out / "pets").mkdir(parents=True)
    (out / "pets" / "_custom.py").write_bytes(b"# mine\n")
    with pytest.raises(EmitError, match=r"is not empty and has no \.oagen-manifest\.json.*--force"):
        emit(out, FILES, META)  # a folder oagen did not fill is only written when forced
    emit(out, FILES, META, force=True)
    assert (out / "pets" / "_custom.py").read_bytes() == b"# mine\n"
    assert "pets/_custom.py" not in read_manifest(out)["files"]  # type: ignore[operator]


def test_foreign_file_at_a_generated_path_is_an_error_and_nothing_changes(out: Path) -> None:
    emit(out, FILES, META)
    (out / "pets" / "extra.py").write_bytes(b"# the user's own extra.py\n")
    before = _tree(out), _stats(out)
    with pytest.raises(
        EmitError,
        match=r"not written by oagen and would be overwritten: "
        r"pets/extra\.py; move them away",
    ):
        emit(out, {**FILES, "pets/extra.py": b"# generated extra.py\n"}, META)
    assert (_tree(out), _stats(out)) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_foreign_file_with_identical_content_is_adopted(out: Path) -> None:
    emit(out, FILES, META)
    (out / "pets" / "extra.py").write_bytes(b"x = 1\n")
    result = emit(out, {**FILES, "pets/extra.py": b"x = 1\n"}, META)
    assert result.unchanged == sorted({*FILES, "pets/extra.py"})
    assert "pets/extra.py" in read_manifest(out)["files"]  # type: ignore[operator]


def test_failure_while_writing_leaves_the_previous_output(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emit(out, FILES, META)
    (out / "user.txt").write_bytes(b"mine\n")
    before = _tree(out), _stats(out)
    original = emit_module._write
    calls: list[Path] = []

    def failing(target: Path, data: bytes) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        original(target, data)

    monkeypatch.setattr(emit_module, "_write", failing)
    changed = {path: content + b"# v2\n" for path, content in FILES.items()}
    with pytest.raises(OSError, match="No space left"):
        emit(out, changed, META)
    monkeypatch.undo()
    assert len(calls) >= 2  # writes run on several threads; others may finish
    assert (_tree(out), _stats(out)) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_interrupt_while_writing_leaves_nothing_behind(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emit(out, FILES, META)
    before = _tree(out)

    def interrupted(target: Path, data: bytes) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(emit_module, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        emit(out, {**FILES, "pets/_client.py": b"new\n"}, META)
    monkeypatch.undo()
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_failure_during_the_swap_restores_the_previous_output(
    out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emit(out, FILES, META)
    before = _tree(out)
    original = os.replace
    calls: list[tuple[str, str]] = []

    def failing(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        calls.append((Path(source).name, Path(target).name))
        if Path(target) == out and ".oagen-staging-" in Path(source).name:
            raise OSError(18, "Invalid cross-device link")
        original(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OSError, match="cross-device"):
        emit(out, {**FILES, "pets/_client.py": b"new\n"}, META)
    monkeypatch.undo()
    assert len(calls) == 3  # retire the output, fail to install the new one, put the old back
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]


def test_output_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    target = tmp_path / "out"
    target.write_bytes(b"not a folder\n")
    with pytest.raises(EmitError, match="is not a folder"):
        emit(target, FILES, META)
    assert target.read_bytes() == b"not a folder\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_user_symlink_to_a_folder_survives(out: Path, tmp_path: Path) -> None:
    emit(out, FILES, META)
    shared = tmp_path / "shared_ext"
    shared.mkdir()
    (shared / "helpers.py").write_bytes(b"# shared\n")
    (out / "pets" / "ext").symlink_to(shared, target_is_directory=True)
    emit(out, FILES, META)
    assert (out / "pets" / "ext").is_symlink()
    assert (out / "pets" / "ext" / "helpers.py").read_bytes() == b"# shared\n"
