"""Config: the `[tool.oagen]` table of pyproject.toml (or a `--config` TOML file), checked.

Every key is declared once in `_KEYS` with its type; an unknown key or a wrong type is a located
error with a hint, never silently ignored. CLI flags override the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from keyword import iskeyword
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.load.plainfile import read_regular
from generator.webhook_config import WebhooksTable
from generator.webhook_config import check as check_webhooks
from generator.webhook_config import table as webhooks_table


@dataclass(frozen=True, slots=True)
class RetryTable:
    """`[tool.oagen.retry]`: each key given replaces the API description's value (and the
    default); None = not given."""

    max_retries: int | None = None
    initial_delay: float | None = None  # seconds
    max_delay: float | None = None  # seconds
    statuses: tuple[str, ...] | None = None  # "429", "5XX"


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
    retry: RetryTable | None = None
    # Header of the idempotency key sent on POST/PATCH; None: the description's
    # (x-fern-idempotency-headers), else Idempotency-Key; False: no key.
    idempotency_header: str | bool | None = None
    # Response header holding the server's request id (on parsed results and errors); None: none.
    request_id_header: str | None = "x-request-id"
    webhooks: WebhooksTable | None = None  # how webhook requests are signed; None: defaults
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
    "retry": ((dict,), "retry policy: `max_retries`, `initial_delay`, `max_delay`, `statuses`"),
    "idempotency_header": (
        (str, bool),
        "header of the idempotency key sent on POST and PATCH, or false for none",
    ),
    "request_id_header": (
        (str, bool),
        "response header holding the server's request id, or false for none",
    ),
    "webhooks": ((dict,), "webhook signatures: `scheme`, header names, `tolerance`, `secret_env`"),
}

# [tool.oagen.retry] key -> (expected python type(s), description used in hints)
_RETRY_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "max_retries": ((int,), "retries after the first attempt, a whole number >= 0"),
    "initial_delay": ((int, float), "seconds before the first retry (backoff start), >= 0"),
    "max_delay": ((int, float), "longest backoff between attempts, in seconds, >= 0"),
    "statuses": ((list,), 'HTTP statuses retried, e.g. [429, "5XX"]'),
}

CONFIG_FILE_CODE = "E010"

# Names from the config or the command line become folder names, class names, environment
# variable names and metadata: each must fit its rule, so none can climb out of the output folder
# (`../x`) or break the code it is written into. key -> (pattern, what is allowed).
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENV_NAME = (
    _IDENTIFIER,
    "an environment variable name: ASCII letters, digits and underscores, "
    "not starting with a digit",
)
_PEP440 = re.compile(
    r"""
    v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*
    (?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?
    (?:[-_.]?dev[-_.]?[0-9]*)?
    (?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?
""",
    re.VERBOSE | re.IGNORECASE,
)
_NAME_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "package": (
        _IDENTIFIER,
        "a Python identifier: ASCII letters, digits and underscores, not "
        "starting with a digit and not a keyword (e.g. my_api_client)",
    ),
    "client": (
        _IDENTIFIER,
        "a Python class name: ASCII letters, digits and underscores, not "
        "starting with a digit and not a keyword (e.g. MyApi)",
    ),
    "async_client": (
        _IDENTIFIER,
        "a Python class name: ASCII letters, digits and underscores, "
        "not starting with a digit and not a keyword (e.g. AsyncMyApi)",
    ),
    "distribution": (
        re.compile(r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?"),
        "a distribution name: ASCII letters and digits, with . _ - only between "
        "them (e.g. my-api-client)",
    ),
    "version": (_PEP440, "a PEP 440 version (e.g. 1.2.0, 2.0.0rc1, 1.0.post1)"),
    "env_prefix": _ENV_NAME,
    "api_key_env": _ENV_NAME,
    "base_url_env": _ENV_NAME,
    "log_env": _ENV_NAME,
    "request_id_header": (
        re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"),
        "an HTTP header name: ASCII letters, digits and !#$%&'*+-.^_`|~ (e.g. x-request-id)",
    ),
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
        diagnostics.error(
            CONFIG_FILE_CODE, f"cannot read config {display}: {exc.strerror}", Location(display)
        )
        return Config()
    except UnicodeDecodeError as exc:
        diagnostics.error(
            CONFIG_FILE_CODE,
            f"config {display} is not UTF-8 (byte {exc.start})",
            Location(display),
            "save the file as UTF-8",
        )
        return Config()
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        diagnostics.error(
            CONFIG_FILE_CODE,
            f"malformed TOML in {display}: {exc}",
            Location(display),
            "fix the TOML syntax",
        )
        return Config()
    except RecursionError:
        diagnostics.error(
            CONFIG_FILE_CODE,
            f"{display} nests arrays or tables too deeply to read",
            Location(display),
            "flatten the TOML",
        )
        return Config()
    table: Any = (
        document.get("tool", {}).get("oagen")
        if path.name == "pyproject.toml"
        else document.get("tool", {}).get("oagen", document)
    )
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
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"`{key}` must be a {expected}, got {type(value).__name__}",
                where,
                f"`{key}`: {description}",
            )
            continue
        if (
            key == "names"
            and isinstance(value, dict)
            and not _check_names(value, where, diagnostics)
        ):
            continue
        problem = name_problem(key, value) or _path_problem(key, value)
        if problem is not None:
            diagnostics.error(CONFIG_FILE_CODE, problem, where, f"`{key}`: {description}")
            continue
        if (
            key == "default_headers"
            and isinstance(value, dict)
            and not _check_headers(value, where, diagnostics)
        ):
            continue
        if key == "root" and not _within(path.parent, path.parent / str(value)):
            # A config travels with the checkout, so a pull request could point `root` at a
            # home folder and have a $ref print a secret in a diagnostic: only the command line
            # may widen the root beyond the project.
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"`root` {value!r} leads outside the folder of {display}",
                where,
                "`root` in a config may only name a folder "
                "inside the project; pass --root DIR on the command line for one "
                "outside it",
            )
            continue
        if (
            key == "retry"
            and isinstance(value, dict)
            and not _check_retry(value, where, diagnostics)
        ):
            continue
        if (
            key == "webhooks"
            and isinstance(value, dict)
            and not check_webhooks(value, where, diagnostics)
        ):
            continue
        if key == "idempotency_header":
            if value is True:
                diagnostics.error(
                    CONFIG_FILE_CODE,
                    "`idempotency_header` must be a header name or false, got true",
                    where,
                    f"`{key}`: {description}",
                )
                continue
            if isinstance(value, str) and not _HEADER_NAME.fullmatch(value):
                diagnostics.error(
                    CONFIG_FILE_CODE,
                    f"`idempotency_header` {value!r} is not a header name",
                    where,
                    "use ASCII letters, digits and "
                    "!#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
                )
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
    would block or never end) and at most _CONFIG_LIMIT bytes; a link the user named is
    followed."""
    return read_regular(Path(os.path.realpath(path)), _CONFIG_LIMIT).decode("utf-8")


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
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"unknown table `names.{table}`",
                place,
                "known tables: " + ", ".join(_NAME_TABLES),
            )
            ok = False
            continue
        if not isinstance(entries, dict):
            diagnostics.error(CONFIG_FILE_CODE, f"`names.{table}` must be a table", place)
            ok = False
            continue
        for source, target in entries.items():
            # An operation's name may be a whole call path: `listKeys = "keys.list"`.
            parts = (
                target.split(".") if isinstance(target, str) and table == "operations" else [target]
            )
            if not all(isinstance(p, str) and p.isidentifier() and not iskeyword(p) for p in parts):
                what = (
                    "a Python identifier or a dotted call path"
                    if table == "operations"
                    else "a Python identifier"
                )
                diagnostics.error(
                    CONFIG_FILE_CODE,
                    f"`names.{table}.{source}` must be {what}, got {target!r}",
                    place.child(source),
                    "use letters, digits and underscores, not starting with a digit",
                )
                ok = False
    return ok


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP token (RFC 9110)
_STATUS = re.compile(r"[1-5](?:[0-9][0-9]|XX)", re.IGNORECASE)
_MAX_RETRIES = 100  # a policy retrying more than this is a typo, not a policy
_MAX_DELAY = 86400.0  # seconds


def _check_retry(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`[tool.oagen.retry]`: known keys, each of its type and range."""
    ok = True
    item: Any
    for key, item in value.items():
        place = where.child(key)
        spec = _RETRY_KEYS.get(key)
        if spec is None:
            close = [known for known in _RETRY_KEYS if _similar(known, key)]
            hint = (
                f"did you mean `{close[0]}`?" if close else "known keys: " + ", ".join(_RETRY_KEYS)
            )
            diagnostics.error(
                CONFIG_FILE_CODE, f"unknown key `{key}` in [tool.oagen.retry]", place, hint
            )
            ok = False
            continue
        types, description = spec
        if isinstance(item, bool) or not isinstance(item, types):
            expected = {"max_retries": "an integer", "statuses": "a list"}.get(key, "a number")
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"`retry.{key}` must be {expected}, got {type(item).__name__}",
                place,
                f"`retry.{key}`: {description}",
            )
            ok = False
            continue
        problem = None
        item = value[key]  # Any again: isinstance() above narrowed it to object
        if key == "max_retries" and not 0 <= item <= _MAX_RETRIES:
            problem = f"`retry.max_retries` must be between 0 and {_MAX_RETRIES}, got {item}"
        elif key in ("initial_delay", "max_delay") and not 0 <= item <= _MAX_DELAY:
            problem = f"`retry.{key}` must be between 0 and {_MAX_DELAY:g} seconds, got {item}"
        elif key == "statuses":
            bad = [
                s
                for s in item
                if isinstance(s, bool)
                or not isinstance(s, (int, str))
                or not _STATUS.fullmatch(str(s))
            ]
            if bad:
                problem = (
                    f"`retry.statuses` holds {bad[0]!r}, which is not an HTTP status "
                    "(100-599) or range (1XX-5XX)"
                )
        if problem is not None:
            diagnostics.error(CONFIG_FILE_CODE, problem, place, f"`retry.{key}`: {description}")
            ok = False
    return ok


_HEADER_VALUE_BREAK = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _check_headers(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`default_headers`: names that are HTTP tokens, string values without control
    characters (a line break would let the config add headers of its own)."""
    ok = True
    for name, header in value.items():
        place = where.child(name)
        if not _HEADER_NAME.fullmatch(name):
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"`default_headers` name {name!r} is not a header name",
                place,
                "use ASCII letters, digits and !#$%&'*+-.^_`|~ (no spaces, colons or line breaks)",
            )
            ok = False
        elif not isinstance(header, str) or _HEADER_VALUE_BREAK.search(header):
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"`default_headers.{name}` must be a string "
                f"without control characters, got {header!r}",
                place,
                "remove line breaks and other control characters",
            )
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
                table[:-1] + "_names": tuple(
                    sorted((str(k), str(v)) for k, v in value.get(table, {}).items())
                )
                for table in _NAME_TABLES
            }
            out = replace(out, **pairs)
            continue
        elif key == "overlays":
            value = tuple(base / str(item) for item in value)
        elif key == "default_headers":
            value = tuple(sorted((str(k), str(v)) for k, v in value.items()))
        elif key == "retry":
            statuses = value.get("statuses")
            value = RetryTable(
                max_retries=value.get("max_retries"),
                initial_delay=_float_or_none(value.get("initial_delay")),
                max_delay=_float_or_none(value.get("max_delay")),
                statuses=None if statuses is None else tuple(str(s).upper() for s in statuses),
            )
        elif key == "webhooks":
            value = webhooks_table(value)
        elif key in ("sse_done", "error_key", "request_id_header") and isinstance(value, bool):
            value = None
        if key in names:
            out = replace(out, **{key: value})
    return out


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def with_overrides(config: Config, **overrides: Any) -> Config:
    """CLI flags win over the file; `None` means the flag was not given."""
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(config, **given) if given else config


def locate_in_toml(path: Path, pointer: str) -> tuple[int, int] | None:
    """Line of `key = ` for a `/tool/oagen/key` pointer, for printing config diagnostics.

    A pointer into a sub-table (`/tool/oagen/retry/max_retries`) finds the key under
    `[tool.oagen.retry]`, else the line of the table's own key (`retry = {...}`)."""
    parts = pointer.removeprefix("/tool/oagen/").split("/")
    try:
        lines = _read_config(path).splitlines()
    except (OSError, ValueError):
        return None
    if len(parts) == 2:
        found = _find_key(lines, f"tool.oagen.{parts[0]}", parts[1], path.name)
        if found is not None:
            return found
    return _find_key(lines, "tool.oagen", parts[0] if len(parts) == 2 else parts[-1], path.name)


def _find_key(lines: list[str], table: str, key: str, file_name: str) -> tuple[int, int] | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    sub = table.removeprefix("tool.oagen").removeprefix(".")
    dedicated = file_name != "pyproject.toml"
    # A dedicated config file may hold the keys at the top level, without [tool.oagen].
    headers = {f"[{table}]", f"[{sub}]"} if sub and dedicated else {f"[{table}]"}
    in_table = dedicated and not sub
    for number, line in enumerate(lines, 1):
        stripped = line.split("#", 1)[0].strip()
        if stripped.startswith("["):
            in_table = stripped in headers or (dedicated and not sub)
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
