"""Emit: write the generated files so that a failure never leaves a half-written output folder.

The new tree is assembled in a temporary folder beside the output and swapped into place with two
renames. A manifest (`.oagen-manifest.json`) lists the files oagen wrote: files from the previous
generation that are no longer produced are removed, files oagen did not write (a user's own
additions) are carried over untouched, and unchanged files keep their inode and modification time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".oagen-manifest.json"


class EmitError(Exception):
    """The output could not be written; the previous output is left as it was."""


@dataclass(slots=True)
class EmitResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def read_manifest(output: Path) -> dict[str, object]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def manifest_bytes(files: dict[str, bytes], metadata: dict[str, str]) -> bytes:
    entries = {path: hashlib.sha256(content).hexdigest() for path, content in sorted(files.items())}
    document = {"generator": "oagen", **dict(sorted(metadata.items())), "files": entries}
    return (json.dumps(document, indent=2, sort_keys=False) + "\n").encode("utf-8")


def plan(output: Path, files: dict[str, bytes]) -> EmitResult:
    """What `emit` would do, without doing it."""
    result = EmitResult()
    previous = _previous_files(output)
    for path, content in sorted(files.items()):
        target = output / path
        if target.is_file() and target.read_bytes() == content:
            result.unchanged.append(path)
        else:
            result.written.append(path)
    result.removed = sorted(p for p in previous if p not in files and (output / p).exists())
    return result


def emit(output: Path, files: dict[str, bytes], metadata: dict[str, str]) -> EmitResult:
    """Replace `output` with `files` (plus the manifest), atomically."""
    all_files = dict(files)
    all_files[MANIFEST] = manifest_bytes(files, metadata)
    previous = _previous_files(output)
    if output.exists() and not output.is_dir():
        raise EmitError(f"{output} exists and is not a folder; move it away or choose another "
                        "output")
    conflicts = [
        path for path in sorted(files)
        if path not in previous and (output / path).is_file()
        and (output / path).read_bytes() != files[path]
    ]
    if conflicts and previous:
        raise EmitError(
            f"{output / conflicts[0]} was not written by oagen and would be overwritten; move it "
            "away (or delete it) and run again"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    result = EmitResult()
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.oagen-", dir=output.parent))
    try:
        for folder in sorted({(staging / path).parent for path in all_files}):
            folder.mkdir(parents=True, exist_ok=True)

        def put(path: str) -> bool:
            """Whether the file is new or changed (an unchanged one is linked)."""
            content, target, old = all_files[path], staging / path, output / path
            if old.is_file() and old.read_bytes() == content:
                _link_or_copy(old, target)
                return False
            _write(target, content)
            return True

        # Opening a file is a system call that releases the GIL, and a large client has a
        # thousand files: threads write them several at a time.
        paths = sorted(all_files)
        with ThreadPoolExecutor(max_workers=8) as pool:
            changed = list(pool.map(put, paths))
        for path, is_changed in zip(paths, changed, strict=True):
            if path != MANIFEST:
                (result.written if is_changed else result.unchanged).append(path)
        if output.is_dir():
            _carry_over_user_files(output, staging, set(all_files), previous)
            result.removed = sorted(p for p in previous if p not in all_files
                                    and (output / p).exists())
        _swap(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


def _write(target: Path, content: bytes) -> None:
    """A new file, through the system calls alone (Python's buffered file objects cost more than
    the write itself for a small file)."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view):]
    finally:
        os.close(descriptor)


def _previous_files(output: Path) -> set[str]:
    files = read_manifest(output).get("files")
    return set(files) if isinstance(files, dict) else set()


def _carry_over_user_files(output: Path, staging: Path, generated: set[str],
                           previous: set[str]) -> None:
    for root, dirs, names in os.walk(output):
        for name in [d for d in dirs if (Path(root) / d).is_symlink()]:
            names.append(name)  # a link to a folder is carried over as the link itself
        dirs[:] = [d for d in dirs if d != "__pycache__" and not (Path(root) / d).is_symlink()]
        for name in names:
            source = Path(root) / name
            relative = source.relative_to(output).as_posix()
            if relative in generated or relative in previous or name.endswith(".pyc"):
                continue
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(source, target)
        for name in dirs:
            (staging / Path(root).relative_to(output) / name).mkdir(parents=True, exist_ok=True)


def _link_or_copy(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _swap(staging: Path, output: Path) -> None:
    if not output.exists():
        os.replace(staging, output)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
    retired.rmdir()
    os.replace(output, retired)
    try:
        os.replace(staging, output)
    except OSError:
        os.replace(retired, output)  # put the previous output back
        raise
    shutil.rmtree(retired, ignore_errors=True)
