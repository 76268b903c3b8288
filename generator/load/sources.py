"""Load: read spec files (YAML or JSON) into plain Python data, with a lazy source map.

The text is parsed by `readers`; line and column numbers are only needed when a diagnostic is
printed, so where each JSON pointer sits in a file (`positions`) is worked out on first use.

Spec files are untrusted. Only regular files are read (a FIFO or device is refused after a stat,
never opened for reading), at most `MAX_FILE_BYTES` each. A `$ref` reads only files under the
allowed folders (the root document's folder, or what `--root` names), checked on the real path so
a symlink cannot lead out; URLs, absolute paths and `file:` URLs are refused, and nothing is ever
fetched. Files the user names (the spec, overlays) are read wherever they are.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Diagnostics, Location, Severity, excerpt
from generator.load.bounds import MAX_INTEGER_DIGITS as MAX_INTEGER_DIGITS
from generator.load.load_errors import LoadError as LoadError
from generator.load.load_errors import encoding_failure, fail
from generator.load.plainfile import FileTooLarge, NotRegularFile, read_regular
from generator.load.plainfile import spec_file_problem as spec_file_problem
from generator.load.positions import Positions
from generator.load.readers import parse_document


@dataclass(slots=True)
class SourceFile:
    """One loaded file: its data and (lazily) where each JSON pointer sits in its text."""

    path: Path
    display: str
    text: str
    data: Any
    is_json: bool
    _positions: Positions | None = field(default=None, repr=False)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """Line and column (1-based) of the node at `pointer`, or of its nearest ancestor."""
        if self._positions is None:
            self._positions = Positions(self.text, self.is_json)
        return self._positions.locate(pointer)


MAX_FILE_BYTES = 64 * 1024 * 1024  # any one spec, referenced or overlay file
# All the files of one description together: 1,000 references to 64 MB files (or to one file
# under 1,000 hard-linked names) would otherwise be held in memory at once.
MAX_TOTAL_BYTES = 4 * MAX_FILE_BYTES

# A URI scheme (`https:`, `file:`, `ftp:`) or a network-path reference (`//host/...`).
_REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


@dataclass(slots=True)
class Sources:
    """Every file of one description, loaded once each, keyed by resolved path.

    `roots` are the folders a `$ref` may read from (default: `root`, the root document's
    folder); `named` are files the user named, read wherever they are."""

    root: Path
    diagnostics: Diagnostics
    files: dict[Path, SourceFile] = field(default_factory=dict)
    roots: tuple[Path, ...] = ()
    named: set[Path] = field(default_factory=set)
    max_bytes: int = MAX_FILE_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    _total: int = field(default=0, repr=False)  # bytes of the files loaded so far
    _refused: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _failed: set[tuple[Path, Location | None]] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.roots = tuple(Path(os.path.realpath(folder)) for folder in self.roots or (self.root,))

    def name(self, path: Path) -> None:
        """Mark a file the user named (the spec, an overlay): it may lie outside the roots."""
        self.named.add(Path(os.path.realpath(path)))

    def load(self, path: Path, referenced_from: Location | None = None) -> SourceFile:
        resolved = Path(os.path.realpath(path))
        cached = self.files.get(resolved)
        if cached is not None:
            return cached
        display = self.display_name(resolved)
        if resolved not in self.named and not self.allows(resolved):
            self._refuse(
                referenced_from,
                f"{display} is outside the folder $refs may read "
                f"({self.roots_text()}); it was not read",
                "move the file under the spec's folder, or widen the folder with "
                "--root DIR (config `root`)",
            )
        attempt = (resolved, referenced_from)
        if attempt in self._failed:
            raise LoadError(display)  # reported the first time this $ref was followed
        try:
            size = os.stat(resolved).st_size
        except OSError:
            size = 0  # read_source says why it cannot be read
        if self.max_bytes >= size > self.max_total_bytes - self._total:
            self._failed.add(attempt)
            self._refuse(
                referenced_from,
                f"{display} was not read: the files of this "
                f"description would pass {self.max_total_bytes // (1024 * 1024)} MB "
                "together",
                "bundle the description into fewer, smaller files (one "
                "file under several names, such as hard links, counts each time)",
                code="E006",
            )
        try:
            # The real path, the one checked above, is the one opened.
            source = read_source(
                resolved, display, self.diagnostics, referenced_from, self.max_bytes, real_path=True
            )
        except LoadError:
            self._failed.add(attempt)
            raise
        self._total += size
        self.files[resolved] = source
        return source

    def load_reference(self, file_part: str, base: SourceFile, where: Location) -> SourceFile:
        """The file a `$ref`'s file part (as written in `base`) names, when it may be read;
        else LoadError, with the refusal reported once at `where`."""
        shown = excerpt(file_part)
        if _REMOTE.match(file_part):
            if file_part[:5].lower() == "file:":
                self._refuse(
                    where,
                    f"$ref to the URL {shown} was not read",
                    "refer to the file by a path relative to the spec",
                )
            self._refuse(
                where,
                f"remote $ref {shown} was not fetched (oagen makes no network "
                "requests); it is typed as Any",
                "download the file under the spec's folder and refer to it by a relative path",
                warning=True,
            )
        relative = unquote(file_part)
        if "\0" in relative:
            self._refuse(
                where,
                f"$ref {shown} holds a NUL character; it was not read",
                "remove the NUL (%00) from the reference",
            )
        if os.path.isabs(relative):
            self._refuse(
                where,
                f"$ref to the absolute path {shown} was not read",
                "refer to the file by a path relative to the spec, under its folder",
            )
        return self.load(base.path.parent / relative, where)

    def tried(self) -> set[Path]:
        """The real paths of the files read, and of those a read failed for (a missing `$ref`d
        file is still one the description needs)."""
        return set(self.files) | {path for path, _where in self._failed}

    def allows(self, resolved: Path) -> bool:
        """Whether a real path lies under one of the roots."""
        return any(resolved == root or resolved.is_relative_to(root) for root in self.roots)

    def roots_text(self) -> str:
        return ", ".join(self.display_name(root) or "." for root in self.roots)

    def _refuse(
        self,
        where: Location | None,
        message: str,
        hint: str,
        *,
        warning: bool = False,
        code: str = "E005",
    ) -> Any:
        key = (where.file, where.pointer) if where is not None else ("", message)
        if key not in self._refused:
            self._refused.add(key)
            self.diagnostics.add(
                Severity.WARNING if warning else Severity.ERROR,
                "W204" if warning else code,
                message,
                where,
                hint,
            )
        raise LoadError(message)

    def display_name(self, resolved: Path) -> str:
        try:
            return str(resolved.relative_to(Path.cwd()))
        except ValueError:
            return str(resolved)

    def locate(self, location: Location) -> tuple[int, int] | None:
        for source in self.files.values():
            if source.display == location.file:
                return source.locate(location.pointer)
        return None


def read_source(
    path: Path,
    display: str,
    diagnostics: Diagnostics,
    referenced_from: Location | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    *,
    real_path: bool = False,
) -> SourceFile:
    """`path`'s document. With `real_path`, `path` is a real path the caller has checked, and
    the file opened must still be the one there (no symbolic link swapped in meanwhile)."""
    try:
        raw = _read_regular_file(path, max_bytes, real_path)
    except _Moved:
        fail(
            diagnostics,
            "E005",
            f"{display} changed while it was opened (a symbolic link "
            "replaced it or a folder on its path); it was not read",
            referenced_from,
            "make sure nothing else changes the spec's folder while oagen runs",
        )
    except NotRegularFile:
        fail(
            diagnostics,
            "E005",
            f"{display} is not a regular file (a device, FIFO or socket); it was not read",
            referenced_from,
            "refer to a regular file under the spec's folder",
        )
    except FileTooLarge:
        fail(
            diagnostics,
            "E006",
            f"{display} is larger than {max_bytes // (1024 * 1024)} MB; it was not read",
            referenced_from,
            "split the description into smaller files, or check it is the right file",
        )
    except FileNotFoundError:
        if referenced_from is not None:  # the referring $ref is loosened to Any
            diagnostics.warning(
                "W001",
                f"file not found: {display}; the $ref is typed as Any",
                referenced_from,
                "check the path of the $ref; it is relative to the file that contains it",
            )
            raise LoadError(display) from None
        fail(
            diagnostics,
            "E001",
            f"file not found: {display}",
            referenced_from,
            "check the path of the $ref; it is relative to the file that contains it"
            if referenced_from is not None
            else "check the path, or set `spec` under [tool.oagen] in pyproject.toml",
        )
    except IsADirectoryError:
        fail(
            diagnostics,
            "E001",
            f"{display} is a directory, not a spec file",
            referenced_from,
            "point at the OpenAPI document itself (openapi.yaml or openapi.json)",
        )
    except OSError as exc:
        fail(diagnostics, "E001", f"cannot read {display}: {exc.strerror}", referenced_from)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        encoding_failure(diagnostics, display, raw, exc.start)
    data, is_json = parse_document(path, display, raw, text, diagnostics)
    return SourceFile(path.resolve(), display, text, data, is_json)


class _Moved(OSError):
    """The file opened is not the one at the checked real path any more."""


def _read_regular_file(path: Path, max_bytes: int, real_path: bool = False) -> bytes:
    """The bytes of a regular file of at most `max_bytes`. Anything else is found by a stat
    before any read: a FIFO or `/dev/stdin` could block forever, `/dev/zero` never ends. The
    open does not wait for a FIFO's writer, and what was opened is checked again.

    With `real_path` the caller checked where `path` is, so it is opened without following a
    link at its end, and after the open `path` must still be a real path naming the very file
    opened: a link swapped in for the file or for a folder above it between the check and the
    open (a race by whoever else can write there) is refused, not read."""
    info = os.stat(path)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(path)
    if not stat.S_ISREG(info.st_mode):
        raise NotRegularFile(path)
    if info.st_size > max_bytes:
        raise FileTooLarge(path)

    def check(opened: os.stat_result) -> None:
        if not _still_at(path, opened):
            raise _Moved(path)

    try:
        return read_regular(
            path, max_bytes, follow=not real_path, check=check if real_path else None
        )
    except OSError as exc:
        if real_path and exc.errno == errno.ELOOP:
            raise _Moved(path) from None  # a link where the checked real path had a file
        raise


def _still_at(path: Path, opened: os.stat_result) -> bool:
    """Whether `path` is (still) a real path and names the file `opened` describes."""
    try:
        here = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return os.path.realpath(path) == str(path) and (here.st_dev, here.st_ino) == (
        opened.st_dev,
        opened.st_ino,
    )
