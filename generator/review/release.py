"""Release: the version bump and changelog entry of `oagen generate --bump auto`.

The manifest records the hash of the spec the output was generated from; git history gives that
spec back (the newest commit whose copy has that hash), `diff` says what changed for users, and
the change decides the bump: breaking -> major, additions -> minor, docs -> patch.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
from pathlib import Path

from generator.load.plainfile import read_regular
from generator.load.sources import MAX_FILE_BYTES
from generator.review.gitrev import Git, RevisionError

_MAX_COMMITS = 200
_CHANGELOG_LIMIT = 64 * 2**20  # bytes


class ReleaseError(Exception):
    """The previous spec or version cannot be established; the message says what to do."""


def previous_spec_revision(spec: Path, recorded_sha256: str) -> str:
    """`REV:PATH` of the committed spec whose bytes hash to `recorded_sha256`."""
    spec = spec.resolve()
    try:
        git = Git(spec.parent)
        relative = spec.relative_to(git.top.resolve()).as_posix()
        listing = git.run("log", f"-n{_MAX_COMMITS}", "--format=%H", "--", relative)
        commits = (listing or b"").decode().split()
        # One `git cat-file` run for all of them; a huge blob is never read into memory.
        digests = git.blob_digests([f"{commit}:{relative}" for commit in commits], MAX_FILE_BYTES)
    except (RevisionError, ValueError) as exc:
        raise ReleaseError(
            f"the spec is not in a git repository ({exc}); --bump auto needs "
            "the history of the spec"
        ) from None
    for commit in commits:
        if digests.get(f"{commit}:{relative}") == recorded_sha256:
            return f"{commit}:{relative}"
    raise ReleaseError(
        f"no commit of {relative} matches the spec the output was generated from; "
        "commit that spec, or set `version` yourself instead of --bump auto"
    )


def bump(version: str, level: str) -> str:
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)", version)
    if match is None:
        raise ReleaseError(f"cannot bump version {version!r}: --bump auto needs MAJOR.MINOR.PATCH")
    major, minor, patch = (int(part) for part in match.groups())
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    return version


def prepend_changelog(path: Path, entry: str) -> None:
    """Put `entry` at the top of the changelog (after its title), atomically. The changelog
    keeps its mode; a new one gets 0666 less the umask, as any new file (mkstemp's 0600 made
    it unreadable to the group that publishes the package). Only a plain file is read."""
    title = b"# Changelog\n\n"
    try:  # bytes: a changelog that is not UTF-8 is kept as it is
        old = read_regular(path, _CHANGELOG_LIMIT)
        mode = stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        old, mode = title, 0o666 & ~_umask()
    body = old[len(title) :] if old.startswith(title) else old
    data = title + entry.rstrip("\n").encode("utf-8") + b"\n\n" + body.lstrip(b"\n")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".changelog-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it: it is put back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
