"""Gitrev: a spec as it was at a git revision (`HEAD~1:spec/openrouter.yaml`), on disk.

`spec_at(argument)` is a context manager yielding a local path. An argument that is an existing
path, or has no `:`, is used as it is. Otherwise it is `REV:PATH`, read like `git show REV:PATH`
in the repository containing the current directory: PATH is relative to the repository root, or
to the current directory when it starts with `./` or `../`.

A spec may be split over several files joined by relative `$ref`s, so the spec file is not
materialised alone: every YAML and JSON file of its folder (recursively) at that revision is
written into a temporary folder with the repository's layout, and so is any other file a `$ref`
reaches (`../common/errors.yaml`). The folder is removed when the context exits.

Problems (no git, not a repository, unknown revision, no such file at that revision) raise
`RevisionError` with a message meant to be printed as it is.

The repository's history is untrusted: a crafted tree can hold entries named `..` (git builds and
lists them), so each path is checked to be plain and relative before it is written, and blobs
are written only up to the size the loader reads (larger ones are cut there, so the loader
refuses them with E006), within a budget for the whole folder.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.load.sources import MAX_FILE_BYTES

__all__ = [
    "Git",
    "RevisionError",
    "blob_sizes",
    "materialise",
    "parse_revision_argument",
    "spec_at",
]

_SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_REF = re.compile(r"""["']?\$ref["']?\s*:\s*["']?([^"'#\s,}\]]*)""")
_MAX_FILES = 5000
_MAX_BLOB_BYTES = MAX_FILE_BYTES  # what the loader reads of any one file
_MAX_TOTAL_BYTES = 4 * MAX_FILE_BYTES  # of the files beside the spec, together
_OID = re.compile(rb"[0-9a-f]{40,64}")


class RevisionError(Exception):
    """A `REV:PATH` argument that cannot be resolved; the message says why."""


def parse_revision_argument(
    argument: str | os.PathLike[str], cwd: Path | None = None
) -> tuple[str, str] | None:
    """`(rev, path)` when `argument` names a file at a revision; None for a plain path."""
    text = os.fspath(argument)
    if os.path.exists((cwd or Path.cwd()) / text):  # False, not OSError, for a name too long
        return None
    split = _split(text)
    if split is None:
        return None
    rev, path = split
    if not rev:
        raise RevisionError(
            f"{text!r}: no revision before ':' (write REV:PATH, e.g. HEAD~1:spec/openrouter.yaml)"
        )
    if not path:
        raise RevisionError(
            f"{text!r}: no file after ':' (write REV:PATH, e.g. {rev}:spec/openrouter.yaml)"
        )
    return rev, path


@contextmanager
def spec_at(argument: str | os.PathLike[str], cwd: Path | None = None) -> Iterator[Path]:
    """A local path for `argument`: the file itself, or `REV:PATH` materialised in a temp dir."""
    parsed = parse_revision_argument(argument, cwd)
    if parsed is None:
        yield Path(argument) if cwd is None else cwd / argument
        return
    rev, path = parsed
    folder = Path(tempfile.mkdtemp(prefix="oagen-rev-"))
    try:
        yield materialise(rev, path, folder, cwd)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def revision_root(
    root: Path, materialised: Path, argument: str | os.PathLike[str], cwd: Path | None = None
) -> Path:
    """The folder standing for `root` beside a spec `spec_at` materialised from `argument`
    (`REV:PATH`): the copy mirrors the repository, so `root` maps to the same place in it; a
    `root` outside the repository maps to the copy's top folder, which holds only what git
    had. A plain path keeps `root`."""
    parsed = parse_revision_argument(argument, cwd)
    if parsed is None:
        return root
    git = Git(cwd or Path.cwd())
    depth = len(git.repo_path(parsed[1]).split("/"))
    top = materialised.parents[depth - 1]
    try:
        inside = Path(os.path.realpath(root)).relative_to(os.path.realpath(git.top))
    except ValueError:
        return top
    return top / inside


def materialise(rev: str, path: str, destination: Path, cwd: Path | None = None) -> Path:
    """Write `path` at `rev` (and the files beside and below it) under `destination`."""
    git = Git(cwd or Path.cwd())
    commit = git.commit(rev)
    repo_path = git.repo_path(path)
    kind = git.run("cat-file", "-t", f"{commit}:{repo_path}", check=False)
    if kind is None:
        raise RevisionError(
            f"{repo_path} does not exist at {rev} ({commit[:12]}) in "
            f"{git.top}" + _hint_near(git, commit, repo_path)
        )
    if kind.strip() != b"blob":
        what = "folder" if kind.strip() == b"tree" else kind.decode().strip()
        raise RevisionError(f"{repo_path} at {rev} is a {what}, not a spec file")
    folder = posixpath.dirname(repo_path)
    listing = git.run(
        "ls-tree",
        "-r",
        "-z",
        "--name-only",
        "--full-tree",
        commit,
        *(["--", folder + "/"] if folder else []),
    )
    names = [
        n
        for n in (listing or b"").decode("utf-8", "surrogateescape").split("\0")
        if n.endswith(_SPEC_SUFFIXES) and _plain(n)
    ]
    if len(names) > _MAX_FILES:
        names = []  # a huge folder (the repository root): follow the $refs instead
    wanted = [repo_path, *sorted(set(names) - {repo_path})]
    written = git.write_blobs(commit, wanted, destination, spec_first=True)
    _follow_refs(git, commit, destination, repo_path, written)
    return destination / repo_path


def _follow_refs(git: Git, commit: str, destination: Path, start: str, written: set[str]) -> None:
    """Fetch files that `$ref`s reach outside the materialised folder, transitively."""
    pending, seen = [start], {start}
    while pending:
        current = pending.pop()
        try:
            text = (destination / current).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        missing: list[str] = []
        for match in _REF.finditer(text):
            target = match.group(1)
            if not target or "://" in target or target.startswith("/"):
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
            if resolved.startswith("../") or resolved == ".." or resolved in seen:
                continue
            seen.add(resolved)
            pending.append(resolved)
            if resolved not in written:
                missing.append(resolved)
        if missing:
            written |= git.write_blobs(commit, missing, destination)


def blob_sizes(top: Path, objects: list[str]) -> dict[str, int]:
    """The size of each `REV:PATH` in `objects` that is a blob, from one `git cat-file
    --batch-check` run in `top` (nothing is read into memory); RevisionError if git fails."""
    if not objects:
        return {}
    request = "".join(f"{name}\n" for name in objects).encode("utf-8", "surrogateescape")
    try:
        done = subprocess.run(
            ["git", "cat-file", "--batch-check"],
            cwd=top,
            input=request,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise RevisionError(f"cannot run git: {exc}") from exc
    if done.returncode != 0:
        raise RevisionError(f"`git cat-file` failed: {done.stderr.decode().strip()}")
    sizes: dict[str, int] = {}
    for name, line in zip(objects, done.stdout.split(b"\n"), strict=False):
        header = line.split(b" ")  # "<oid> <type> <size>", or "<name> missing"
        if len(header) == 3 and _OID.fullmatch(header[0]) and header[1] == b"blob":
            sizes[name] = int(header[2])
    return sizes


def _plain(path: str) -> bool:
    """Whether `path` (from a tree listing or a `$ref`) names a file strictly inside the folder it
    is written into: relative, no empty, `.` or `..` part, no backslash, NUL or line break."""
    if not path or path.startswith("/") or any(c in path for c in "\\\0\n\r"):
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _split(text: str) -> tuple[str, str] | None:
    """Split at the first `:` outside `@{...}` (revisions such as `main@{12:00}`)."""
    depth = 0
    for index, char in enumerate(text):
        if char == "{" and index > 0 and text[index - 1] == "@":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and depth == 0:
            return text[:index], text[index + 1 :]
    return None


def _copy_bytes(source: Any, target: Any, count: int) -> None:
    while count > 0:
        chunk = source.read(min(count, 1 << 20))
        if not chunk:
            return
        target.write(chunk)
        count -= len(chunk)


def _hint_near(git: Git, commit: str, repo_path: str) -> str:
    folder = posixpath.dirname(repo_path)
    listing = git.run(
        "ls-tree",
        "--name-only",
        "--full-tree",
        commit,
        *(["--", folder + "/"] if folder else []),
        check=False,
    )
    if not listing:
        return ""
    names = [
        n for n in listing.decode("utf-8", "replace").splitlines() if n.endswith(_SPEC_SUFFIXES)
    ][:5]
    return f"; spec files there: {', '.join(names)}" if names else ""


class Git:
    def __init__(self, cwd: Path) -> None:
        if shutil.which("git") is None:
            raise RevisionError("git is not installed; REV:PATH arguments need git")
        self.cwd = cwd
        top = self._call(["rev-parse", "--show-toplevel"], cwd)
        if top is None:
            raise RevisionError(
                f"{cwd} is not inside a git repository; REV:PATH arguments "
                "are read from the repository containing the current folder"
            )
        self.top = Path(top.decode().strip())
        prefix = self._call(["rev-parse", "--show-prefix"], cwd) or b""
        self.prefix = prefix.decode().strip()
        self.budget = _MAX_TOTAL_BYTES  # bytes left for files beside the spec

    def commit(self, rev: str) -> str:
        if rev.startswith("-"):
            raise RevisionError(f"unknown revision {rev!r}")
        found = self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
        if found is None:
            raise RevisionError(
                f"unknown revision {rev!r} in {self.top}: check it with `git log {rev}`"
            )
        return found.decode().strip()

    def repo_path(self, path: str) -> str:
        """`path` relative to the repository root, as git reads `REV:path`."""
        if path.startswith(("./", "../")) or path in (".", ".."):
            path = posixpath.join(self.prefix, path)
        normal = posixpath.normpath(path.replace(os.sep, "/"))
        if normal.startswith(("../", "/")) or normal in ("..", "."):
            raise RevisionError(
                f"{path} is outside the repository {self.top}; write the path "
                "relative to its top folder"
            )
        return normal

    def run(self, *args: str, check: bool = True) -> bytes | None:
        out = self._call(list(args), self.top)
        if out is None and check:
            raise RevisionError(f"`git {' '.join(args)}` failed in {self.top}")
        return out

    def write_blobs(
        self, commit: str, paths: list[str], destination: Path, *, spec_first: bool = False
    ) -> set[str]:
        """Write each `commit:path` blob under `destination`; the paths written. Paths that are
        not plain are skipped; each blob is cut after `_MAX_BLOB_BYTES` + 1 bytes, and files
        other than the spec (the first path, with `spec_first`) stop once `_MAX_TOTAL_BYTES`
        are written in all."""
        paths = [path for path in paths if _plain(path)]
        sizes = blob_sizes(self.top, [f"{commit}:{path}" for path in paths])
        chosen: list[tuple[str, int]] = []
        for index, path in enumerate(paths):
            size = sizes.get(f"{commit}:{path}")
            if size is None:
                continue
            size = min(size, _MAX_BLOB_BYTES + 1)
            if index or not spec_first:
                if size > self.budget:
                    continue
                self.budget -= size
            chosen.append((path, size))
        written: set[str] = set()
        root = os.path.realpath(destination)
        for name, keep, stream in self.blobs([(f"{commit}:{p}", n) for p, n in chosen]):
            path = name.split(":", 1)[1]
            target = destination / path
            if not os.path.realpath(target).startswith(root + os.sep):
                raise RevisionError(
                    f"{path} at {commit[:12]} leads outside the folder it is written into"
                )
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "xb") as out:
                    _copy_bytes(stream, out, keep)
                written.add(path)
            except OSError:  # a file where a folder should be (x.yaml and x.yaml/y.yaml)
                pass
        return written

    def blobs(self, objects: list[tuple[str, int]]) -> Iterator[tuple[str, int, Any]]:
        """(name, bytes to read, stream at the blob's first byte) for each (`REV:PATH`, bytes to
        read) of `objects`, all from one `git cat-file --batch` run whose answer is spooled to a
        temporary file, never held in memory."""
        with tempfile.TemporaryFile() as request, tempfile.TemporaryFile() as output:
            request.write(
                "".join(f"{name}\n" for name, _ in objects).encode("utf-8", "surrogateescape")
            )
            request.seek(0)
            self._batch(request, output)
            output.seek(0)
            for name, keep in objects:
                header = output.readline().split(b" ")
                if len(header) != 3 or not _OID.fullmatch(header[0]) or header[1] != b"blob":
                    raise RevisionError(f"`git cat-file` gave an unexpected answer for {name}")
                size, start = int(header[2]), output.tell()
                yield name, min(keep, size), output
                output.seek(start + size + 1)  # past the blob and its newline

    def blob_digests(self, objects: list[str], limit: int) -> dict[str, str]:
        """The SHA-256 of each `REV:PATH` blob of at most `limit` bytes in `objects`: one `git
        cat-file --batch-check` run for the sizes, one `--batch` run for the bytes."""
        sizes = blob_sizes(self.top, objects)
        wanted = [(name, sizes[name]) for name in objects if sizes.get(name, limit + 1) <= limit]
        digests: dict[str, str] = {}
        for name, keep, stream in self.blobs(wanted):
            digest = hashlib.sha256()
            while keep > 0 and (chunk := stream.read(min(keep, 1 << 20))):
                digest.update(chunk)
                keep -= len(chunk)
            digests[name] = digest.hexdigest()
        return digests

    def _batch(self, request: Any, output: Any) -> None:
        try:
            done = subprocess.run(
                ["git", "cat-file", "--batch"],
                cwd=self.top,
                stdin=request,
                stdout=output,
                stderr=subprocess.PIPE,
                check=False,
            )
        except OSError as exc:
            raise RevisionError(f"cannot run git: {exc}") from exc
        if done.returncode != 0:
            raise RevisionError(f"`git cat-file` failed: {done.stderr.decode().strip()}")

    @staticmethod
    def _call(args: list[str], cwd: Path) -> bytes | None:
        try:
            done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
        except OSError:
            return None
        return done.stdout if done.returncode == 0 else None
