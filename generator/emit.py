"""Emit: write the generated files so that a failure never leaves a half-written output folder
and nothing oagen did not write is lost.

The new tree is assembled in a staging folder beside the output and swapped into place by
`swap.py`. A manifest (`.oagen-manifest.json`) lists the files oagen wrote: files from the previous
generation that are no longer produced are removed, everything else (a user's own files, folders,
links, `__pycache__`) is carried over with its mode, and unchanged files keep their inode and
modification time. A generated path that holds something oagen did not write is a conflict: the
run stops and lists them, unless `force` says to replace them. Manifest entries that could name
something outside the output folder are ignored (and reported): oagen never deletes through them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import swap

MANIFEST = ".oagen-manifest.json"
_LISTED = 10  # conflicts named in the message; the rest are counted


class EmitError(Exception):
    """The output could not be written; the previous output is left as it was."""


@dataclass(slots=True)
class EmitResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


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
    previous = previous_files(output, result.warnings)
    for path, content in sorted(files.items()):
        if _same_file(output / path, content):
            result.unchanged.append(path)
        else:
            result.written.append(path)
    result.removed = sorted(p for p in previous if p not in files
                            and os.path.lexists(output / p))
    return result


def emit(output: Path, files: dict[str, bytes], metadata: dict[str, str], *,
         force: bool = False) -> EmitResult:
    """Replace `output` with `files` (plus the manifest), atomically. A symbolic link at `output`
    is kept: the folder it points to is written."""
    output = Path(os.path.realpath(output))
    outside = [path for path in files if not _plain_relative(path) or path == MANIFEST]
    if outside:  # names are checked upstream; this is the last line of defence
        raise EmitError(f"the generated path {outside[0]!r} would not be a plain file inside "
                        f"{output}; nothing was written (please report this)")
    all_files = dict(files)
    all_files[MANIFEST] = manifest_bytes(files, metadata)
    result = EmitResult()
    previous = previous_files(output, result.warnings)
    if os.path.lexists(output) and not output.is_dir():
        raise EmitError(f"{output} exists and is not a folder; move it away or choose another "
                        "output")
    if output.is_dir() and os.lstat(output).st_dev != os.lstat(output.parent).st_dev:
        raise EmitError(f"{output} is a mount point; oagen writes a new folder beside the output "
                        "and renames it into place, which cannot replace a mount point: "
                        "choose a folder inside it, e.g. " + str(output / "generated"))
    conflicts = conflicting_paths(output, files, previous)
    if conflicts and not force:
        raise EmitError(_conflict_message(output, conflicts, bool(previous)))
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = swap.new_staging(output)
    try:
        for folder in sorted({(staging / path).parent for path in all_files}):
            folder.mkdir(parents=True, exist_ok=True)

        def put(path: str) -> bool:
            """Whether the file is new or changed (an unchanged one is linked)."""
            content, target, old = all_files[path], staging / path, output / path
            if _same_file(old, content):
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
            _carry_over(output, staging, set(all_files), previous, force)
            result.removed = sorted(p for p in previous if p not in all_files
                                    and os.path.lexists(output / p))
        swap.install(staging, output, hashlib.sha256(all_files[MANIFEST]).hexdigest())
    except BaseException:
        swap.remove_tree(staging)
        raise
    return result


def previous_files(output: Path, warnings: list[str]) -> set[str]:
    """The manifest's files that are plainly inside `output`. An entry that is absolute, climbs
    out with `..`, holds a backslash or NUL, or passes through a symbolic link is not oagen's: it
    is never deleted nor counted, and the manifest is reported as corrupt."""
    files = read_manifest(output).get("files")
    if not isinstance(files, dict):
        return set()
    folders: dict[str, bool] = {}  # relative folder -> a real folder (or absent), not a link
    kept: set[str] = set()
    rejected: list[str] = []
    for path in files:
        if _plain_relative(path) and _no_link_above(output, path, folders):
            kept.add(path)
        else:
            rejected.append(repr(path))
    if rejected:
        warnings.append(f"{output / MANIFEST} is corrupt: {len(rejected)} entr"
                        f"{'y' if len(rejected) == 1 else 'ies'} outside the output folder "
                        f"({', '.join(sorted(rejected)[:3])}) ignored; nothing was deleted through "
                        "them")
    return kept


def conflicting_paths(output: Path, files: dict[str, bytes], previous: set[str]) -> list[str]:
    """Paths inside `output` that generation would replace but oagen did not write: a different
    file at a generated path, or anything other than a real folder where a generated folder
    goes."""
    if not output.is_dir():
        return []
    kinds: dict[str, int | None] = {}  # relative path -> st_mode (None: absent)

    def mode(relative: str) -> int | None:
        if relative not in kinds:
            try:
                kinds[relative] = os.lstat(output / relative).st_mode
            except FileNotFoundError:
                kinds[relative] = None
        return kinds[relative]

    found: dict[str, None] = {}
    for path in sorted(files):
        if path in previous:
            continue
        parts = path.split("/")
        blocked = None
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            kind = mode(folder)
            if kind is None:
                break
            if not stat.S_ISDIR(kind):
                blocked = folder
                break
        if blocked is not None:
            found[blocked] = None
        elif mode(path) is not None and not _same_file(output / path, files[path]):
            found[path] = None
    return list(found)


def _conflict_message(output: Path, conflicts: list[str], has_manifest: bool) -> str:
    listed = ", ".join(conflicts[:_LISTED])
    more = f" and {len(conflicts) - _LISTED} more" if len(conflicts) > _LISTED else ""
    if has_manifest:
        return (f"{len(conflicts)} path(s) in {output} were not written by oagen and would be "
                f"overwritten: {listed}{more}; move them away (or delete them) and run again, or "
                "pass --force to replace them")
    return (f"{output} has no {MANIFEST} (oagen has not written it) and generation would "
            f"overwrite {len(conflicts)} path(s) there: {listed}{more}; choose a new or empty "
            "output folder, move those away, or pass --force to replace them (everything else "
            "in the folder is kept)")


def through_link(output: Path, path: str) -> bool:
    """Whether `output/path` is, or passes through, a symbolic link inside `output`."""
    return os.path.islink(output / path) or not _no_link_above(output, path, {})


def _plain_relative(path: object) -> bool:
    if not isinstance(path, str) or not path or "\\" in path or "\0" in path \
            or path.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _no_link_above(output: Path, path: str, folders: dict[str, bool]) -> bool:
    parts = path.split("/")
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        if folder not in folders:
            try:
                folders[folder] = not stat.S_ISLNK(os.lstat(output / folder).st_mode)
            except OSError:
                folders[folder] = True
        if not folders[folder]:
            return False
    return True


def _same_file(path: Path, content: bytes) -> bool:
    """Whether `path` is a regular file (not a link) holding exactly `content`."""
    try:
        info = os.lstat(path)
        return stat.S_ISREG(info.st_mode) and info.st_size == len(content) \
            and path.read_bytes() == content
    except OSError:
        return False


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


def _carry_over(output: Path, staging: Path, generated: set[str], previous: set[str],
                force: bool) -> None:
    """Everything in `output` that is neither generated now nor listed in the manifest goes into
    `staging` as it is: files and links by hard link (same inode, mode and time), folders
    recreated with their mode, owner where allowed, and setgid/sticky bits. A generated path
    wins over what stood there (that only happens under --force: otherwise it is a conflict)."""
    device = os.lstat(output).st_dev
    owned = generated | previous
    folders: list[tuple[Path, Path]] = []

    def unreadable(error: OSError) -> None:
        raise EmitError(f"cannot list {error.filename} ({error.strerror}); oagen carries over "
                        "everything in the output folder and would lose what it cannot see: "
                        "make the folder readable, or move it out of the output") from error

    for root, dirs, names in os.walk(output, onerror=unreadable):
        here = Path(root)
        relative_root = here.relative_to(output)
        if os.lstat(here).st_dev != device:
            raise EmitError(f"{here} is a mount point inside the output; oagen replaces the "
                            "output folder as a whole and would copy it, then remove the old "
                            f"folder with what is mounted there: unmount it or move it out of "
                            f"{output}")
        folders.append((here, staging / relative_root))
        for name in [d for d in dirs if (here / d).is_symlink()]:
            names.append(name)  # a link to a folder is carried over as the link itself
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        taken = [d for d in dirs if (relative_root / d).as_posix() in owned]
        if taken and not force:  # a folder where oagen wrote a file: the user's now
            raise EmitError(_conflict_message(output, [(relative_root / taken[0]).as_posix()],
                                              True))
        dirs[:] = [d for d in dirs if d not in taken]
        for name in names:
            relative = (relative_root / name).as_posix()
            if relative in generated or relative in previous:
                continue
            target = staging / relative
            if os.path.lexists(target):
                continue  # a generated folder stands here (--force)
            target.parent.mkdir(parents=True, exist_ok=True)
            _link_or_copy(here / name, target)
        for name in dirs:
            (staging / relative_root / name).mkdir(parents=True, exist_ok=True)
    for source, target in reversed(folders):  # once filled, deepest first: a folder the user
        _copy_mode(source, target)            # keeps read-only must not stop the copying


def _copy_mode(source: Path, target: Path) -> None:
    info, current = os.lstat(source), os.lstat(target)
    if (current.st_uid, current.st_gid) != (info.st_uid, info.st_gid):
        with contextlib.suppress(OSError):  # another owner: only the superuser may set it
            os.chown(target, info.st_uid, info.st_gid)
    os.chmod(target, stat.S_IMODE(info.st_mode))  # after chown, which clears setgid
    _copy_xattrs(source, target)


def _copy_xattrs(source: Path, target: Path) -> None:
    """A folder's extended attributes: its ACLs (access and default, which new files inherit),
    security labels and the user's own. Those the filesystem or the user may not set are
    skipped, as `cp -a` does."""
    try:
        names = os.listxattr(source, follow_symlinks=False)
    except OSError:
        return  # no extended attributes here
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(target, name, os.getxattr(source, name, follow_symlinks=False),
                        follow_symlinks=False)


def _link_or_copy(source: Path, target: Path) -> None:
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
