"""Load: read spec files (YAML or JSON) into plain Python data, with a lazy source map.

JSON files are read with the JSON parser (YAML parsers reject some valid JSON, such as surrogate
escapes). YAML uses PyYAML's C parser when available. Line and column numbers are only needed when
a diagnostic is printed, so the JSON-pointer-to-position index of a file is built on first use.

Spec files are untrusted. Only regular files are read (a FIFO or device is refused after a stat,
never opened for reading), at most `MAX_FILE_BYTES` each. A `$ref` reads only files under the
allowed folders (the root document's folder, or what `--root` names), checked on the real path so
a symlink cannot lead out; URLs, absolute paths and `file:` URLs are refused, and nothing is ever
fetched. Files the user names (the spec, overlays) are read wherever they are.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from generator import pointers
from generator.diagnostics import Diagnostic, Diagnostics, Location, Severity, excerpt
from generator.load import bounds, fastyaml, yamlpos
from generator.load.plainfile import FileTooLarge, NotRegularFile, read_regular
from generator.load.plainfile import spec_file_problem as spec_file_problem

try:  # the C parser is several times faster on large specs
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class _SpecLoader(_BaseLoader):
    """Safe YAML loader tuned for OpenAPI: timestamps stay strings and keys keep their text."""

    duplicates: list[tuple[str, int, int]]  # (key, line, column) of each repeated key


def _construct_mapping(loader: _SpecLoader, node: yaml.MappingNode) -> dict[str, Any]:
    written = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)  # puts what `<<` merges in first, then the keys written here
    first_written = len(node.value) - written
    out: dict[str, Any] = {}
    seen: set[Any] = set()  # keys written here: one that overrides a merged key is no duplicate
    for index, (key_node, value_node) in enumerate(node.value):
        # `200:` and `yes:` must stay the strings the author wrote, not int 200 or True.
        key = (
            key_node.value
            if isinstance(key_node, yaml.ScalarNode)
            else str(loader.construct_object(key_node, deep=True))
        )
        if index >= first_written:
            if key in seen:
                mark = key_node.start_mark
                loader.duplicates.append((str(key), mark.line + 1, mark.column + 1))
            seen.add(key)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


def _construct_timestamp(loader: _SpecLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)


# YAML 1.2 booleans only: `NO` (Norway) and `on` stay strings, as OpenAPI 3.1 expects.
_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_SpecLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_SpecLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


_WALKS_BEFORE_INDEXING = 20


@dataclass(slots=True)
class SourceFile:
    """One loaded file: its data and (lazily) where each JSON pointer sits in its text."""

    path: Path
    display: str
    text: str
    data: Any
    is_json: bool
    _positions: dict[str, tuple[int, int]] | None = field(default=None, repr=False)
    _lines: list[str] | None = field(default=None, repr=False)
    _indents: list[int] | None = field(default=None, repr=False)
    _walks: int = field(default=0, repr=False)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """Line and column (1-based) of the node at `pointer`, or of its nearest ancestor."""
        if self._positions is None and not self.is_json and pointer:
            # Each walk reads up to the whole file: for a few diagnostics that beats composing
            # it, for many the composed index wins.
            if self._lines is None:
                self._lines = self.text.split("\n")
                self._indents = yamlpos.indentation(self._lines)
            if self._walks < _WALKS_BEFORE_INDEXING:
                self._walks += 1
                found = yamlpos.locate(self._lines, pointer, self._indents)
                if found is not None:
                    return found
        if self._positions is None:
            self._positions = _index_positions(self.text, self.is_json)
        while True:
            found = self._positions.get(pointer)
            if found is not None:
                return found
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


class LoadError(Exception):
    """A file could not be loaded; the diagnostic has already been recorded."""


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
        _fail(
            diagnostics,
            "E005",
            f"{display} changed while it was opened (a symbolic link "
            "replaced it or a folder on its path); it was not read",
            referenced_from,
            "make sure nothing else changes the spec's folder while oagen runs",
        )
    except NotRegularFile:
        _fail(
            diagnostics,
            "E005",
            f"{display} is not a regular file (a device, FIFO or socket); it was not read",
            referenced_from,
            "refer to a regular file under the spec's folder",
        )
    except FileTooLarge:
        _fail(
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
        _fail(
            diagnostics,
            "E001",
            f"file not found: {display}",
            referenced_from,
            "check the path of the $ref; it is relative to the file that contains it"
            if referenced_from is not None
            else "check the path, or set `spec` under [tool.oagen] in pyproject.toml",
        )
    except IsADirectoryError:
        _fail(
            diagnostics,
            "E001",
            f"{display} is a directory, not a spec file",
            referenced_from,
            "point at the OpenAPI document itself (openapi.yaml or openapi.json)",
        )
    except OSError as exc:
        _fail(diagnostics, "E001", f"cannot read {display}: {exc.strerror}", referenced_from)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _encoding_failure(diagnostics, display, raw, exc.start)
    is_json = path.suffix.lower() == ".json" or text.lstrip()[:1] in ("{", "[")
    shared = False  # whether one object may sit at several places (YAML aliases)
    if is_json:
        try:
            repeated: list[str] = []
            infinite: list[str] = []
            data = _load_json(text, repeated, infinite)
            for key in repeated:
                diagnostics.warning(
                    "W003",
                    f"duplicate key {excerpt(key)}; the last one is used",
                    Location(display),
                    "remove or rename one of the two",
                )
            if infinite:
                _report_infinite_numbers(diagnostics, display, text)
        except json.JSONDecodeError as exc:
            if path.suffix.lower() == ".json":
                _parse_failure(
                    diagnostics, display, exc.lineno, exc.colno, f"malformed JSON: {exc.msg}"
                )
            is_json = False  # a YAML file in flow style; let the YAML parser have a go
        except RecursionError:
            _bounds_failure(diagnostics, display, text, True, bounds.TOO_DEEP)
        except _IntegerTooLong as exc:
            line, column = bounds.line_column(text, text.find(exc.digits))
            _integer_failure(diagnostics, display, len(exc.digits), line, column)
    if not is_json and (fast := fastyaml.load(text, _SpecLoader)) is not None:
        data = fast
    elif not is_json:
        shared = "*" in text
        try:
            loader = _SpecLoader(text)
            loader.duplicates = []
            try:
                data = loader.get_single_data()
            finally:
                loader.dispose()
            for key, line, column in loader.duplicates:
                diagnostics.items.append(
                    Diagnostic(
                        Severity.WARNING,
                        "W003",
                        f"duplicate key {excerpt(key)}; the last one is used",
                        Location(display),
                        "remove or rename one of the two",
                        line,
                        column,
                    )
                )
        except _IntegerTooLong as exc:
            mark = exc.problem_mark
            _integer_failure(
                diagnostics,
                display,
                len(exc.digits),
                mark.line + 1 if mark else 1,
                mark.column + 1 if mark else 1,
            )
        except RecursionError:
            _bounds_failure(diagnostics, display, text, False, bounds.TOO_DEEP)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 1
            column = mark.column + 1 if mark else 1
            problem = exc.problem or exc.context or "invalid YAML"
            _parse_failure(diagnostics, display, line, column, f"malformed YAML: {problem}")
        except yaml.reader.ReaderError as exc:  # a character YAML does not allow, at an offset
            line, column = bounds.line_column(text, exc.position)
            _parse_failure(
                diagnostics,
                display,
                line,
                column,
                f"malformed YAML: the character U+{exc.character:04X} is not allowed in YAML"
                if isinstance(exc.character, int)
                else "malformed YAML: a character YAML does not allow",
                _utf16_hint(raw),
            )
        except yaml.YAMLError as exc:
            _parse_failure(diagnostics, display, 1, 1, f"malformed YAML: {exc}")
    kind = bounds.problem(data, shared)
    if kind is not None:
        _bounds_failure(diagnostics, display, text, is_json, kind)
    return SourceFile(path.resolve(), display, text, data, is_json)


# Python refuses to convert longer digit strings (its default int_max_str_digits), and anything
# that prints such a number fails: refused at load whatever the interpreter's setting.
MAX_INTEGER_DIGITS = 4300
# A run of more digits, found from its first digit only (the lookbehind keeps the scan linear).
_LONG_DIGITS = re.compile(rf"(?<![0-9])[0-9]{{{MAX_INTEGER_DIGITS + 1}}}")


class _IntegerTooLong(yaml.constructor.ConstructorError):
    """An integer with more than MAX_INTEGER_DIGITS digits (a YAML error, so it has a mark)."""

    def __init__(self, digits: str, mark: Any = None) -> None:
        super().__init__(None, None, "integer too long", mark)
        self.digits = digits


def _load_json(text: str, repeated: list[str], infinite: list[str]) -> Any:
    """The document; keys given twice are added to `repeated`, and NaN, Infinity and numbers
    too large for a float (read as inf) to `infinite`."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        return _json_object(items, repeated)

    def constant(token: str) -> float:
        infinite.append(token)
        return float(token)

    def number(token: str) -> float:
        value = float(token)
        if math.isinf(value):
            infinite.append(token)
        return value

    options: dict[str, Any] = {"object_pairs_hook": pairs, "parse_constant": constant}
    if _LONG_DIGITS.search(text) is not None:  # else json's own integer parsing, faster
        options["parse_int"] = _json_int
    if _LARGE_EXPONENT.search(text) is not None:  # else json's own float parsing, faster
        options["parse_float"] = number
    return json.loads(text, **options)


_LARGE_EXPONENT = re.compile(r"[0-9][eE][+]?[0-9]{3}")
# A JSON string (skipped), or a number token that may not be finite.
_JSON_ODD_NUMBER = re.compile(
    r'"(?:[^"\\]|\\.)*"|(-?(?:NaN|Infinity)|-?[0-9]+(?:\.[0-9]+)?[eE][+]?[0-9]{3,})'
)


def _report_infinite_numbers(diagnostics: Diagnostics, display: str, text: str) -> None:
    """W004 at each NaN, Infinity or too-large number: not JSON (RFC 8259) or not a float,
    and a validator reports each as `null`, which would not tell the author where or why."""
    for match in _JSON_ODD_NUMBER.finditer(text):
        token = match.group(1)
        if token is None or math.isfinite(float(token)):
            continue
        line, column = bounds.line_column(text, match.start(1))
        diagnostics.items.append(
            Diagnostic(
                Severity.WARNING,
                "W004",
                f"{excerpt(token)} is not a finite JSON number; it is read as {float(token)}",
                Location(display),
                "write a finite number (NaN and Infinity are not JSON), or leave the keyword out",
                line,
                column,
            )
        )


def _json_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise _IntegerTooLong(digits)
    return int(digits)


def _construct_int(loader: _SpecLoader, node: yaml.ScalarNode) -> Any:
    if len(str(node.value)) > MAX_INTEGER_DIGITS:
        raise _IntegerTooLong(str(node.value), node.start_mark)
    try:
        return _BaseLoader.construct_yaml_int(loader, node)
    except ValueError:  # `!!int zz`: a tag on text that is no number
        raise _not_a(node, "an integer") from None


def _construct_float(loader: _SpecLoader, node: yaml.ScalarNode) -> Any:
    try:
        return _BaseLoader.construct_yaml_float(loader, node)
    except ValueError:
        raise _not_a(node, "a number") from None


def _not_a(node: yaml.Node, kind: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(
        None,
        None,
        f"{excerpt(node.value)} is tagged {node.tag.rsplit(':', 1)[-1]} but is not {kind}",
        node.start_mark,
    )


def _construct_pairs(loader: _SpecLoader, node: yaml.SequenceNode) -> list[Any]:
    # `!!omap` and `!!pairs` as the list of one-key mappings they are written as: the tuples
    # PyYAML builds are no JSON data, and the depth check walks only lists and mappings.
    return loader.construct_sequence(node, deep=True)


def _construct_binary(loader: _SpecLoader, node: yaml.ScalarNode) -> str:
    return str(node.value)  # the base64 text: JSON data has no bytes


_SpecLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_SpecLoader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_SpecLoader.add_constructor("tag:yaml.org,2002:omap", _construct_pairs)
_SpecLoader.add_constructor("tag:yaml.org,2002:pairs", _construct_pairs)
_SpecLoader.add_constructor("tag:yaml.org,2002:binary", _construct_binary)


def _integer_failure(
    diagnostics: Diagnostics, display: str, digits: int, line: int, column: int
) -> None:
    diagnostics.items.append(
        Diagnostic(
            Severity.ERROR,
            "E009",
            f"an integer of {digits} digits (oagen reads at most "
            f"{MAX_INTEGER_DIGITS}); the file was not read",
            Location(display),
            "write the number as a string, or shorten it",
            line,
            column,
        )
    )
    raise LoadError(display)


_BOUNDS_MESSAGES = {
    bounds.TOO_DEEP: (
        "E007",
        f"the document nests more than {bounds.MAX_DEPTH} levels deep",
        "flatten it: move inner schemas to components and $ref them",
    ),
    bounds.TOO_LARGE: (
        "E008",
        f"YAML aliases expand the document to more than {bounds.MAX_EXPANSION} times its size",
        "write each shared part once under components and $ref it, instead of "
        "repeating it through YAML aliases",
    ),
    bounds.RECURSIVE: (
        "E008",
        "a YAML alias contains itself",
        "use a $ref for a recursive structure",
    ),
}


def _bounds_failure(
    diagnostics: Diagnostics, display: str, text: str, is_json: bool, kind: str
) -> None:
    code, message, hint = _BOUNDS_MESSAGES[kind]
    line, column = bounds.where(text, is_json, kind, _SpecLoader)
    diagnostics.items.append(
        Diagnostic(
            Severity.ERROR,
            code,
            f"{message}; the file was not read",
            Location(display),
            hint,
            line,
            column,
        )
    )
    raise LoadError(display)


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


def _json_object(pairs: list[tuple[str, Any]], repeated: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            repeated.append(key)
        out[key] = value
    return out


def _fail(
    diagnostics: Diagnostics,
    code: str,
    message: str,
    location: Location | None,
    hint: str | None = None,
) -> Any:
    diagnostics.error(code, message, location, hint)
    raise LoadError(message)


def _parse_failure(
    diagnostics: Diagnostics,
    display: str,
    line: int,
    column: int,
    message: str,
    hint: str | None = None,
) -> None:
    diagnostics.items.append(
        Diagnostic(
            Severity.ERROR,
            "E002",
            message,
            Location(display),
            hint or "fix the syntax at this position; a YAML or JSON linter shows the context",
            line,
            column,
        )
    )
    raise LoadError(message)


_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _encoding_failure(diagnostics: Diagnostics, display: str, raw: bytes, offset: int) -> None:
    """E002 at the first byte that is not UTF-8, naming UTF-16 and UTF-32 by their marks."""
    for mark, encoding in _WIDE_BOMS:
        if raw.startswith(mark):
            _parse_failure(
                diagnostics,
                display,
                1,
                1,
                f"{display} is {encoding} text (it starts "
                f"with a {encoding} byte order mark); oagen reads UTF-8",
                "save the file as UTF-8",
            )
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    _parse_failure(
        diagnostics,
        display,
        line,
        column,
        f"{display} is not UTF-8 text (byte "
        f"{offset}, 0x{raw[offset]:02x}, is not part of a UTF-8 character)",
        "save the file as UTF-8",
    )


def _utf16_hint(raw: bytes) -> str | None:
    """A hint for text whose every other byte is NUL: UTF-16 without a byte order mark."""
    sample = raw[:200]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        return (
            "the file looks like UTF-16 or UTF-32 text without a byte order mark: save it as UTF-8"
        )
    return None


# --- the source map -------------------------------------------------------------------------


def _index_positions(text: str, is_json: bool) -> dict[str, tuple[int, int]]:
    if is_json:
        try:
            return _JsonIndexer(text).run()
        except (IndexError, ValueError):
            return {}
    try:
        node = yaml.compose(text, Loader=_SpecLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, tuple[int, int]] = {}
    if node is not None:
        _index_yaml(node, "", out)
    return out


def _index_yaml(node: yaml.Node, pointer: str, out: dict[str, tuple[int, int]]) -> None:
    out.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = pointer + "/" + pointers.escape(str(key.value))
            # Point at the key: that is where an editor should put the cursor.
            out[child] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _index_yaml(value, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _index_yaml(value, f"{pointer}/{index}", out)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_SCALAR = re.compile(r"[^\s,\]\}]+")


class _JsonIndexer:
    """A small JSON scanner that records where each value starts, keyed by JSON pointer."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: dict[str, tuple[int, int]] = {}
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def run(self) -> dict[str, tuple[int, int]]:
        self._value("")
        return self.out

    def _where(self, pos: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(self.line_starts, pos) - 1
        return line + 1, pos - self.line_starts[line] + 1

    def _skip(self) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos] in " \t\r\n":
            self.pos += 1

    def _value(self, pointer: str, key_pos: int | None = None) -> None:
        self._skip()
        self.out[pointer] = self._where(key_pos if key_pos is not None else self.pos)
        char = self.text[self.pos]
        if char == "{":
            self.pos += 1
            while True:
                self._skip()
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                start = self.pos
                match = _STRING.match(self.text, self.pos)
                if match is None:
                    raise ValueError("expected a key")
                key = json.loads(match.group())
                self.pos = match.end()
                self._skip()
                self.pos += 1  # the colon
                self._value(pointer + "/" + pointers.escape(key), start)
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip()
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                self._value(f"{pointer}/{index}")
                index += 1
                self._skip()
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char == '"':
            match = _STRING.match(self.text, self.pos)
            if match is None:
                raise ValueError("unterminated string")
            self.pos = match.end()
        else:
            match = _SCALAR.match(self.text, self.pos)
            if match is None:
                raise ValueError("expected a value")
            self.pos = match.end()
