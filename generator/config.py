"""Config: the `[tool.oagen]` table of pyproject.toml (or a `--config` TOML file), checked.

Every key is declared once in `_KEYS` with its type; an unknown key or a wrong type is a located
error with a hint, never silently ignored. CLI flags override the file.
"""

from __future__ import annotations

import errno
import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from keyword import iskeyword
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics, Location


@dataclass(frozen=True, slots=True)
class Config:
    spec: Path | None = None
    output: Path | None = None
    package: str | None = None  # default: derived from the spec title
    distribution: str | None = None
    version: str | None = None  # default: the spec's info.version
    client: str | None = None
    async_client: str | None = None
    env_prefix: str | None = None  # e.g. OPENROUTER: OPENROUTER_API_KEY, OPENROUTER_BASE_URL
    default_headers: tuple[tuple[str, str], ...] = ()
    sse_done: str | None = "[DONE]"
    error_key: str | None = "error"
    stream_flag: str = "stream"
    strict: bool = False
    templates: Path | None = None  # a folder whose templates replace the built-ins by name
    overlays: tuple[Path, ...] = ()  # OpenAPI Overlay files applied, in order, before validation
    root: Path | None = None  # the folder `$ref`s may read files from; default: the spec's own
    api_key_env: str | None = None  # default: <env_prefix>_API_KEY
    base_url_env: str | None = None  # default: <env_prefix>_BASE_URL
    log_env: str | None = None  # default: <env_prefix>_LOG
    # Naming overrides: operationId -> method name, schema/model name -> model name,
    # "Model.wire_name" -> field name. Sorted pairs, so the config stays hashable and ordered.
    operation_names: tuple[tuple[str, str], ...] = ()
    model_names: tuple[tuple[str, str], ...] = ()
    field_names: tuple[tuple[str, str], ...] = ()
    # Where the config came from, so relative paths and diagnostics make sense.
    source: Path | None = None


# key -> (expected python type(s), description used in hints)
_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "spec": ((str,), "path of the OpenAPI document"),
    "output": ((str,), "folder the client is written to"),
    "package": ((str,), "import name of the generated package"),
    "distribution": ((str,), "distribution (PyPI) name"),
    "version": ((str,), "version of the generated distribution"),
    "client": ((str,), "class name of the sync client"),
    "async_client": ((str,), "class name of the async client"),
    "env_prefix": ((str,), "prefix of the environment variables the client reads"),
    "default_headers": ((dict,), "headers sent with every request"),
    "sse_done": ((str, bool), "data of the SSE event that ends a stream, or false"),
    "error_key": ((str, bool), "top-level key of an error inside a 200 body, or false"),
    "stream_flag": ((str,), "request body property that switches a response to SSE"),
    "strict": ((bool,), "treat warnings as errors"),
    "templates": ((str,), "folder of templates that replace the built-ins of the same name"),
    "overlays": ((list,), "overlay files applied to the spec before validation"),
    "root": ((str,), "folder $refs may read files from (default: the spec's folder)"),
    "api_key_env": ((str,), "environment variable holding the API key"),
    "base_url_env": ((str,), "environment variable overriding the base URL"),
    "log_env": ((str,), "environment variable switching logging on (debug or info)"),
    "names": ((dict,), "naming overrides: tables `operations`, `models`, `fields`"),
}

CONFIG_FILE_CODE = "E010"

# Names from the config or the command line become folder names, class names, environment
# variable names and metadata: each must fit its rule, so none can climb out of the output folder
# (`../x`) or break the code it is written into. key -> (pattern, what is allowed).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV_NAME = (_IDENTIFIER, "an environment variable name: ASCII letters, digits and underscores, "
                          "not starting with a digit")
_PEP440 = re.compile(r"""
    v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?
""", re.VERBOSE | re.IGNORECASE)
_NAME_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "package": (_IDENTIFIER, "a Python identifier: ASCII letters, digits and underscores, not "
                             "starting with a digit and not a keyword (e.g. my_api_client)"),
    "client": (_IDENTIFIER, "a Python class name: ASCII letters, digits and underscores, not "
                            "starting with a digit and not a keyword (e.g. MyApi)"),
    "async_client": (_IDENTIFIER, "a Python class name: ASCII letters, digits and underscores, "
                                  "not starting with a digit and not a keyword (e.g. AsyncMyApi)"),
    "distribution": (re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?"),
                     "a distribution name: ASCII letters and digits, with . _ - only between "
                     "them (e.g. my-api-client)"),
    "version": (_PEP440, "a PEP 440 version (e.g. 1.2.0, 2.0.0rc1, 1.0.post1)"),
    "env_prefix": _ENV_NAME,
    "api_key_env": _ENV_NAME,
    "base_url_env": _ENV_NAME,
    "log_env": _ENV_NAME,
}


def name_problem(key: str, value: object) -> str | None:
    """What is wrong with `value` as the setting `key` (a name rule above), or None."""
    rule = _NAME_RULES.get(key)
    if rule is None or not isinstance(value, str):
        return None
    pattern, allowed = rule
    if pattern.fullmatch(value) and not (pattern is _IDENTIFIER and iskeyword(value)):
        return None
    return f"{value!r} is not allowed: `{key}` must be {allowed}"


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(path: Path | None, diagnostics: Diagnostics, *, explicit: bool = False) -> Config:
    """Read `[tool.oagen]` from `path` (pyproject.toml or a dedicated TOML file)."""
    if path is None:
        return Config()
    display = _display(path)
    try:
        text = _read_config(path)
    except OSError as exc:
        diagnostics.error(CONFIG_FILE_CODE, f"cannot read config {display}: {exc.strerror}",
                          Location(display))
        return Config()
    except UnicodeDecodeError as exc:
        diagnostics.error(CONFIG_FILE_CODE, f"config {display} is not UTF-8 (byte "
                          f"{exc.start})", Location(display), "save the file as UTF-8")
        return Config()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        diagnostics.error(CONFIG_FILE_CODE, f"malformed TOML in {display}: {exc}",
                          Location(display), "fix the TOML syntax")
        return Config()
    except RecursionError:
        diagnostics.error(CONFIG_FILE_CODE, f"{display} nests arrays or tables too deeply to "
                          "read", Location(display), "flatten the TOML")
        return Config()
    table: Any = document.get("tool", {}).get("oagen") if path.name == "pyproject.toml" \
        else document.get("tool", {}).get("oagen", document)
    if table is None:
        if explicit:
            diagnostics.warning("W010", f"{display} has no [tool.oagen] table", Location(display))
        return Config(source=path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = Location(display, "/tool/oagen/" + key)
        spec = _KEYS.get(key)
        if spec is None:
            close = [known for known in _KEYS if _similar(known, key)]
            hint = f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(_KEYS)
            diagnostics.error(CONFIG_FILE_CODE, f"unknown key `{key}` in [tool.oagen]", where, hint)
            continue
        types, description = spec
        if not isinstance(value, types):
            expected = " or ".join(t.__name__ for t in types)
            diagnostics.error(CONFIG_FILE_CODE, f"`{key}` must be a {expected}, "
                              f"got {type(value).__name__}", where, f"`{key}`: {description}")
            continue
        if key == "names" and isinstance(value, dict) and not _check_names(value, where,
                                                                        diagnostics):
            continue
        problem = name_problem(key, value) or _path_problem(key, value)
        if problem is not None:
            diagnostics.error(CONFIG_FILE_CODE, problem, where, f"`{key}`: {description}")
            continue
        if key == "default_headers" and isinstance(value, dict) \
                and not _check_headers(value, where, diagnostics):
            continue
        if key == "root" and not _within(path.parent, path.parent / str(value)):
            # A config travels with the checkout, so a pull request could point `root` at a
            # home folder and have a $ref print a secret in a diagnostic: only the command line
            # may widen the root beyond the project.
            diagnostics.error(CONFIG_FILE_CODE, f"`root` {value!r} leads outside the folder "
                              f"of {display}", where, "`root` in a config may only name a folder "
                              "inside the project; pass --root DIR on the command line for one "
                              "outside it")
            continue
        values[key] = value
    return _from_table(values, path)


def _within(folder: Path, path: Path) -> bool:
    """Whether `path` (symbolic links resolved) is `folder` or inside it."""
    base = os.path.realpath(folder)
    return os.path.commonpath([base, os.path.realpath(path)]) == base


_CONFIG_LIMIT = 4 * 2**20  # bytes; a pyproject.toml is a few kilobytes
_PATH_KEYS = ("spec", "output", "templates", "root", "overlays")


def _read_config(path: Path) -> str:
    """The config's text, only from a regular file (a FIFO or /dev/zero named with --config
    would block or never end) and at most _CONFIG_LIMIT bytes."""
    if not path.is_file():
        raise OSError(errno.EINVAL, "not a regular file")
    with path.open("rb") as stream:
        data = stream.read(_CONFIG_LIMIT + 1)
    if len(data) > _CONFIG_LIMIT:
        raise OSError(errno.EFBIG, f"larger than {_CONFIG_LIMIT // 2**20} MiB")
    return data.decode("utf-8")


def _path_problem(key: str, value: object) -> str | None:
    """A path setting no system can open: empty, or holding NUL."""
    if key not in _PATH_KEYS:
        return None
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and (not item or "\0" in item):
            return f"`{key}` {item!r} is not a usable path (empty, or holding NUL)"
        if not isinstance(item, str):
            return f"`{key}` must list paths as strings, got {type(item).__name__}"
    return None


_NAME_TABLES = ("operations", "models", "fields")


def _check_names(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`[tool.oagen.names]`: tables of strings to Python identifiers."""
    ok = True
    for table, entries in value.items():
        place = where.child(table)
        if table not in _NAME_TABLES:
            diagnostics.error(CONFIG_FILE_CODE, f"unknown table `names.{table}`", place,
                              "known tables: " + ", ".join(_NAME_TABLES))
            ok = False
            continue
        if not isinstance(entries, dict):
            diagnostics.error(CONFIG_FILE_CODE, f"`names.{table}` must be a table", place)
            ok = False
            continue
        for source, target in entries.items():
            if not isinstance(target, str) or not target.isidentifier() or iskeyword(target):
                diagnostics.error(CONFIG_FILE_CODE, f"`names.{table}.{source}` must be a Python "
                                  f"identifier, got {target!r}", place.child(source),
                                  "use letters, digits and underscores, not starting with a digit")
                ok = False
    return ok


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP token (RFC 9110)
_HEADER_VALUE_BREAK = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _check_headers(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`default_headers`: names that are HTTP tokens, string values without control
    characters (a line break would let the config add headers of its own)."""
    ok = True
    for name, header in value.items():
        place = where.child(name)
        if not _HEADER_NAME.fullmatch(name):
            diagnostics.error(CONFIG_FILE_CODE, f"`default_headers` name {name!r} is not a "
                              "header name", place, "use ASCII letters, digits and "
                              "!#$%&'*+-.^_`|~ (no spaces, colons or line breaks)")
            ok = False
        elif not isinstance(header, str) or _HEADER_VALUE_BREAK.search(header):
            diagnostics.error(CONFIG_FILE_CODE, f"`default_headers.{name}` must be a string "
                              f"without control characters, got {header!r}", place,
                              "remove line breaks and other control characters")
            ok = False
    return ok


def _from_table(values: dict[str, Any], path: Path) -> Config:
    base = path.parent
    out = Config(source=path)
    names = {f.name for f in fields(Config)}
    for key, value in values.items():
        if key in ("spec", "output", "templates", "root"):
            value = base / value
        elif key == "names":
            pairs: dict[str, Any] = {
                table[:-1] + "_names": tuple(sorted((str(k), str(v))
                                                    for k, v in value.get(table, {}).items()))
                for table in _NAME_TABLES
            }
            out = replace(out, **pairs)
            continue
        elif key == "overlays":
            value = tuple(base / str(item) for item in value)
        elif key == "default_headers":
            value = tuple(sorted((str(k), str(v)) for k, v in value.items()))
        elif key in ("sse_done", "error_key") and isinstance(value, bool):
            value = None
        if key in names:
            out = replace(out, **{key: value})
    return out


def with_overrides(config: Config, **overrides: Any) -> Config:
    """CLI flags win over the file; `None` means the flag was not given."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given) if given else config


def locate_in_toml(path: Path, pointer: str) -> tuple[int, int] | None:
    """Line of `key = ` for a `/tool/oagen/key` pointer, for printing config diagnostics."""
    key = pointer.rsplit("/", 1)[-1]
    try:
        lines = _read_config(path).splitlines()
    except (OSError, ValueError):
        return None
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    in_table = path.name != "pyproject.toml"
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped.startswith("["):
            in_table = stripped == "[tool.oagen]" or path.name != "pyproject.toml"
        elif in_table and pattern.match(line):
            return number, 1
    return None


def _similar(a: str, b: str) -> bool:
    a, b = a.lower().replace("-", "_"), b.lower().replace("-", "_")
    return a == b or a in b or b in a


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
