"""The `[tool.oagen]` reader: the table of pyproject.toml (or a `--config` TOML file), checked.

Every key is declared once in `_KEYS` with its type; an unknown key or a wrong type is a located
error with a hint, never silently ignored. CLI flags override the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from generator.config.checks import (
    CONFIG_FILE_CODE,
    HEADER_NAME,
    NAME_TABLES,
    check_headers,
    check_names,
    check_retry,
    name_problem,
    path_problem,
    similar,
)
from generator.config.settings import Config, RetryTable
from generator.config.webhooks import check as check_webhooks
from generator.config.webhooks import table as webhooks_table
from generator.diagnostics import Diagnostics, Location
from generator.load.plainfile import read_regular

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
            close = [known for known in _KEYS if similar(known, key)]
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
            and not check_names(value, where, diagnostics)
        ):
            continue
        problem = name_problem(key, value) or path_problem(key, value)
        if problem is not None:
            diagnostics.error(CONFIG_FILE_CODE, problem, where, f"`{key}`: {description}")
            continue
        if (
            key == "default_headers"
            and isinstance(value, dict)
            and not check_headers(value, where, diagnostics)
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
            and not check_retry(value, where, diagnostics)
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
            if isinstance(value, str) and not HEADER_NAME.fullmatch(value):
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


def _read_config(path: Path) -> str:
    """The config's text, only from a regular file (a FIFO or /dev/zero named with --config
    would block or never end) and at most _CONFIG_LIMIT bytes; a link the user named is
    followed."""
    return read_regular(Path(os.path.realpath(path)), _CONFIG_LIMIT).decode("utf-8")


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
                for table in NAME_TABLES
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


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
