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
import errno
import hashlib
import json
import os
import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from generator.load.plainfile import read_regular
from generator.write import swap

MANIFEST = swap.MANIFEST
MANIFEST_LIMIT = swap.MANIFEST_LIMIT
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
    return load_manifest(output)[0]


def load_manifest(output: Path) -> tuple[dict[str, object], str | None]:
    """The manifest's content and, when one is there but cannot be used, why. It is read only
    as a plain file inside `output`: never through a link, never from a FIFO or device (which
    could block or never end), never past MANIFEST_LIMIT bytes."""
    try:
        data = read_regular(output / MANIFEST, MANIFEST_LIMIT)
    except (FileNotFoundError, NotADirectoryError):
        return {}, None
    except OSError as error:
        return {}, _unreadable(error)
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {}, "is not valid UTF-8 JSON"
    if not isinstance(document, dict) or not isinstance(document.get("files", {}), dict):
        return {}, "is not an oagen manifest"
    return document, None


def _unreadable(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a symbolic link"
    if error.errno in (errno.EINVAL, errno.EFBIG):  # read_regular's own refusals
        return f"is {error.strerror}"
    return f"cannot be read: {error.strerror}"


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
    result.removed = sorted(p for p in previous if p not in files and os.path.lexists(output / p))
    return result


def emit(
    output: Path,
    files: dict[str, bytes],
    metadata: dict[str, str],
    *,
    force: bool = False,
    editable: dict[str, bytes] | None = None,
) -> EmitResult:
    """Replace `output` with `files` (plus the manifest), atomically. A symbolic link at `output`
    is kept: the folder it points to is written. `editable` files are the user's to change: each
    is written only where nothing stands at its path, and is not in the manifest, so it is
    carried over like any file of the user's (never overwritten, never removed)."""
    output = Path(os.path.realpath(output))
    editable = editable or {}
    outside = [
        path
        for path in (*files, *editable)
        if not _plain_relative(path) or path == MANIFEST or (path in files and path in editable)
    ]
    if outside:  # names are checked upstream; this is the last line of defence
        raise EmitError(
            f"the generated path {outside[0]!r} would not be a plain file inside "
            f"{output}; nothing was written (please report this)"
        )
    problem = _name_problem(files)
    if problem is not None:  # also checked upstream
        raise EmitError(f"{problem}; nothing was written (please report this)")
    all_files = dict(files)
    all_files[MANIFEST] = manifest_bytes(files, metadata)
    result = EmitResult()
    document, problem = load_manifest(output)
    previous = _previous(output, document, problem, result.warnings)
    if os.path.lexists(output) and not output.is_dir():
        raise EmitError(
            f"{output} exists and is not a folder; move it away or choose another output"
        )
    if output.is_dir() and os.lstat(output).st_dev != os.lstat(output.parent).st_dev:
        raise EmitError(
            f"{output} is a mount point; oagen writes a new folder beside the output "
            "and renames it into place, which cannot replace a mount point: "
            "choose a folder inside it, e.g. " + str(output / "generated")
        )
    has_manifest = isinstance(document.get("files"), dict)
    conflicts = conflicting_paths(output, files, previous)
    if conflicts and not force:
        raise EmitError(_conflict_message(output, conflicts, has_manifest, problem))
    if not has_manifest and not force and output.is_dir():
        held = sorted(os.listdir(output))
        if held:  # oagen would replace, as a whole, a folder someone else filled (/etc, say)
            raise EmitError(_unknown_folder_message(output, held, problem))
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
        for path in missing_editable(output, editable):
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            _write(staging / path, editable[path])
            result.written.append(path)
        if output.is_dir():
            _carry_over(output, staging, set(all_files), previous, force)
            result.removed = sorted(
                p for p in previous if p not in all_files and os.path.lexists(output / p)
            )
        swap.install(staging, output, hashlib.sha256(all_files[MANIFEST]).hexdigest())
    except BaseException:
        swap.remove_tree(staging)
        raise
    return result


def missing_editable(output: Path, editable: dict[str, bytes]) -> list[str]:
    """The editable files with nothing at their path in `output` (a link counts as there)."""
    return sorted(path for path in editable if not os.path.lexists(output / path))


def previous_files(output: Path, warnings: list[str]) -> set[str]:
    """The manifest's files that are plainly inside `output`. An entry that is absolute, climbs
    out with `..`, holds a backslash or NUL, or passes through a symbolic link is not oagen's: it
    is never deleted nor counted, and the manifest is reported as corrupt."""
    return _previous(output, *load_manifest(output), warnings)


def _previous(
    output: Path, document: dict[str, object], problem: str | None, warnings: list[str]
) -> set[str]:
    if problem is not None:
        warnings.append(
            f"{output / MANIFEST} {problem}; it was ignored, and nothing was deleted through it"
        )
    files = document.get("files")
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
        warnings.append(
            f"{output / MANIFEST} is corrupt: {len(rejected)} entr"
            f"{'y' if len(rejected) == 1 else 'ies'} outside the output folder "
            f"({', '.join(sorted(rejected)[:3])}) ignored; nothing was deleted through "
            "them"
        )
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


def _conflict_message(
    output: Path, conflicts: list[str], has_manifest: bool, problem: str | None = None
) -> str:
    listed = ", ".join(conflicts[:_LISTED])
    more = f" and {len(conflicts) - _LISTED} more" if len(conflicts) > _LISTED else ""
    if has_manifest:
        return (
            f"{len(conflicts)} path(s) in {output} were not written by oagen and would be "
            f"overwritten: {listed}{more}; move them away (or delete them) and run again, or "
            "pass --force to replace them"
        )
    return (
        f"{output} has {_no_manifest(problem)} (oagen has not written it) and generation would "
        f"overwrite {len(conflicts)} path(s) there: {listed}{more}; choose a new or empty "
        "output folder, move those away, or pass --force to replace them (everything else "
        "in the folder is kept)"
    )


def _unknown_folder_message(output: Path, held: list[str], problem: str | None) -> str:
    listed = ", ".join(repr(name) for name in held[:_LISTED])
    more = f" and {len(held) - _LISTED} more" if len(held) > _LISTED else ""
    return (
        f"{output} is not empty and has {_no_manifest(problem)} (oagen has not written it); "
        f"it holds {listed}{more}, and oagen replaces its output folder as a whole: choose a "
        "new or empty output folder, or pass --force to generate into this one (everything "
        "in it is kept)"
    )


def _no_manifest(problem: str | None) -> str:
    return f"no {MANIFEST}" if problem is None else f"no usable {MANIFEST} (it {problem})"


def through_link(output: Path, path: str) -> bool:
    """Whether `output/path` is, or passes through, a symbolic link inside `output`."""
    return os.path.islink(output / path) or not _no_link_above(output, path, {})


_NAME_BYTES = 255  # the longest file name most filesystems take (ext4, APFS, NTFS, tmpfs)


def _name_problem(files: dict[str, bytes]) -> str | None:
    """Generated paths that would be one file where case is ignored (macOS, Windows), or a name
    too long for the filesystem."""
    seen: dict[str, str] = {}
    for path in sorted(files):
        prefix = ""
        for part in path.split("/"):
            if len(part.encode("utf-8", "surrogatepass")) > _NAME_BYTES:
                return f"the generated path {path!r} has a name longer than {_NAME_BYTES} bytes"
            prefix = f"{prefix}/{part}" if prefix else part
            other = seen.setdefault(prefix.casefold(), prefix)
            if other != prefix:
                return (
                    f"the generated paths {other!r} and {prefix!r} differ only by case: they "
                    "would be one file on macOS and Windows"
                )
    return None


def _plain_relative(path: object) -> bool:
    if (
        not isinstance(path, str)
        or not path
        or "\\" in path
        or "\0" in path
        or path.startswith("/")
    ):
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
        return (
            stat.S_ISREG(info.st_mode)
            and info.st_size == len(content)
            and read_regular(path, len(content)) == content
        )
    except OSError:
        return False


def _write(target: Path, content: bytes) -> None:
    """A new file in the staging folder (one place, so a failed write can be simulated)."""
    swap.write_new(target, content, exclusive=True)


def _carry_over(
    output: Path, staging: Path, generated: set[str], previous: set[str], force: bool
) -> None:
    """Everything in `output` that is neither generated now nor listed in the manifest goes into
    `staging` as it is: files and links by hard link (same inode, mode and time), folders
    recreated with their mode, owner where allowed, and setgid/sticky bits. A generated path
    wins over what stood there (that only happens under --force: otherwise it is a conflict)."""
    device = os.lstat(output).st_dev
    owned = generated | previous
    folders: list[tuple[Path, Path]] = []

    def unreadable(error: OSError) -> None:
        raise EmitError(
            f"cannot list {error.filename} ({error.strerror}); oagen carries over "
            "everything in the output folder and would lose what it cannot see: "
            "make the folder readable, or move it out of the output"
        ) from error

    for root, dirs, names in os.walk(output, onerror=unreadable):
        here = Path(root)
        relative_root = here.relative_to(output)
        if os.lstat(here).st_dev != device:
            raise EmitError(
                f"{here} is a mount point inside the output; oagen replaces the "
                "output folder as a whole and would copy it, then remove the old "
                f"folder with what is mounted there: unmount it or move it out of "
                f"{output}"
            )
        folders.append((here, staging / relative_root))
        for name in [d for d in dirs if (here / d).is_symlink()]:
            names.append(name)  # a link to a folder is carried over as the link itself
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
        taken = [d for d in dirs if (relative_root / d).as_posix() in owned]
        if taken and not force:  # a folder where oagen wrote a file: the user's now
            raise EmitError(
                _conflict_message(output, [(relative_root / taken[0]).as_posix()], True)
            )
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
        _copy_mode(source, target)  # keeps read-only must not stop the copying


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
            os.setxattr(
                target,
                name,
                os.getxattr(source, name, follow_symlinks=False),
                follow_symlinks=False,
            )


def _link_or_copy(source: Path, target: Path) -> None:
    """`source` at `target`: a link as the link itself, anything else by hard link. Where the
    system refuses the hard link (a file of another user, a filesystem without them), a regular
    file is copied and a FIFO made anew; a device or socket is never opened (reading a device
    may never end), so the run stops and says so."""
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), target)
        return
    try:
        os.link(source, target, follow_symlinks=False)
        return
    except OSError as error:
        refused = error
    if refused.errno == errno.EXDEV:  # staging sits beside the output: only a mount differs
        raise EmitError(
            f"{source} is a mount point inside the output; oagen replaces the output "
            "folder as a whole and would leave what is mounted there behind, in the "
            "old folder: unmount it or move it out of the output"
        ) from refused
    if stat.S_ISREG(info.st_mode):
        _copy_regular(source, target)
    elif stat.S_ISFIFO(info.st_mode):
        os.mkfifo(target, stat.S_IMODE(info.st_mode))
        shutil.copystat(source, target, follow_symlinks=False)
    else:
        kind = "socket" if stat.S_ISSOCK(info.st_mode) else "device node"
        raise EmitError(
            f"cannot carry over {source}: a {kind} that oagen cannot link into the new "
            f"output ({refused.strerror}) and will not open; move it out of the "
            "output folder and run again"
        ) from refused


def _copy_regular(source: Path, target: Path) -> None:
    """A copy of a regular file that is opened without following a link or blocking, so a link
    or FIFO swapped in for it is refused rather than read."""
    reading = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(reading)
        if not stat.S_ISREG(info.st_mode):
            raise EmitError(f"{source} changed while it was being carried over; run again")
        writing = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            while chunk := os.read(reading, 1 << 20):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(writing, view) :]
        finally:
            os.close(writing)
    finally:
        os.close(reading)
    shutil.copystat(source, target, follow_symlinks=False)
