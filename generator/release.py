"""Release: the version bump and changelog entry of `oagen generate --bump auto`.

The manifest records the hash of the spec the output was generated from; git history gives that
spec back (the newest commit whose copy has that hash), `diff` says what changed for users, and
the change decides the bump: breaking -> major, additions -> minor, docs -> patch.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

from .load import MAX_FILE_BYTES

_MAX_COMMITS = 200


class ReleaseError(Exception):
    """The previous spec or version cannot be established; the message says what to do."""


def previous_spec_revision(spec: Path, recorded_sha256: str) -> str:
    """`REV:PATH` of the committed spec whose bytes hash to `recorded_sha256`."""
    spec = spec.resolve()
    try:
        top = _git(spec.parent, "rev-parse", "--show-toplevel").strip()
        relative = spec.relative_to(Path(top).resolve()).as_posix()
        commits = _git(Path(top), "log", f"-n{_MAX_COMMITS}", "--format=%H", "--",
                       relative).split()
    except (OSError, subprocess.CalledProcessError, ValueError) as exc:
        raise ReleaseError(f"the spec is not in a git repository ({exc}); --bump auto needs "
                           "the history of the spec") from None
    sizes = _blob_sizes(Path(top), [f"{commit}:{relative}" for commit in commits])
    for commit in commits:
        if sizes.get(f"{commit}:{relative}", MAX_FILE_BYTES + 1) > MAX_FILE_BYTES:
            continue  # not a file there, or more than the loader reads: never the spec used
        try:
            content = subprocess.run(["git", "show", f"{commit}:{relative}"], cwd=top,
                                     capture_output=True, check=True).stdout
        except subprocess.CalledProcessError:
            continue
        if hashlib.sha256(content).hexdigest() == recorded_sha256:
            return f"{commit}:{relative}"
    raise ReleaseError(f"no commit of {relative} matches the spec the output was generated from; "
                       "commit that spec, or set `version` yourself instead of --bump auto")


def _blob_sizes(top: Path, objects: list[str]) -> dict[str, int]:
    """The size of each `REV:PATH` that is a file, from one `git cat-file --batch-check` (a
    history may hold a huge blob at the spec's path; it is never read into memory)."""
    if not objects:
        return {}
    request = "".join(f"{name}\n" for name in objects).encode("utf-8", "surrogateescape")
    try:
        answer = subprocess.run(["git", "cat-file", "--batch-check"], cwd=top, input=request,
                                capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    sizes: dict[str, int] = {}
    for name, line in zip(objects, answer.split(b"\n"), strict=False):
        parts = line.split(b" ")  # "<oid> blob <size>", or "<name> missing"
        if len(parts) == 3 and parts[1] == b"blob" and parts[2].isdigit():
            sizes[name] = int(parts[2])
    return sizes


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
    """Put `entry` at the top of the changelog (after its title), atomically."""
    title = "# Changelog\n\n"
    old = path.read_text(encoding="utf-8") if path.is_file() else title
    body = old[len(title):] if old.startswith(title) else old
    text = title + entry.rstrip("\n") + "\n\n" + body.lstrip("\n")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".changelog-")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout
