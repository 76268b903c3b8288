"""Checks of `[tool.oagen]` values, table by table: names that become identifiers, folder and
environment variable names; paths; `[names]`, `[retry]` and `default_headers`. Each problem is a
located E010 with a hint."""

from __future__ import annotations

import re
from keyword import iskeyword
from typing import Any

from generator.diagnostics import Diagnostics, Location

CONFIG_FILE_CODE = "E010"

# [tool.oagen.retry] key -> (expected python type(s), description used in hints)
_RETRY_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "max_retries": ((int,), "retries after the first attempt, a whole number >= 0"),
    "initial_delay": ((int, float), "seconds before the first retry (backoff start), >= 0"),
    "max_delay": ((int, float), "longest backoff between attempts, in seconds, >= 0"),
    "statuses": ((list,), 'HTTP statuses retried, e.g. [429, "5XX"]'),
}

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


_PATH_KEYS = ("spec", "output", "templates", "root", "overlays")


def path_problem(key: str, value: object) -> str | None:
    """A path setting no system can open: empty, or holding NUL."""
    if key not in _PATH_KEYS:
        return None
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and (not item or "\0" in item):
            return f"`{key}` {item!r} is not a usable path (empty, or holding NUL)"
        if not isinstance(item, str):
            return f"`{key}` must list paths as strings, got {type(item).__name__}"
    return None


NAME_TABLES = ("operations", "models", "fields")


def check_names(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`[tool.oagen.names]`: tables of strings to Python identifiers."""
    ok = True
    for table, entries in value.items():
        place = where.child(table)
        if table not in NAME_TABLES:
            diagnostics.error(
                CONFIG_FILE_CODE,
                f"unknown table `names.{table}`",
                place,
                "known tables: " + ", ".join(NAME_TABLES),
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


HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # an HTTP token (RFC 9110)
_STATUS = re.compile(r"[1-5](?:[0-9][0-9]|XX)", re.IGNORECASE)
_MAX_RETRIES = 100  # a policy retrying more than this is a typo, not a policy
_MAX_DELAY = 86400.0  # seconds


def check_retry(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`[tool.oagen.retry]`: known keys, each of its type and range."""
    ok = True
    item: Any
    for key, item in value.items():
        place = where.child(key)
        spec = _RETRY_KEYS.get(key)
        if spec is None:
            close = [known for known in _RETRY_KEYS if similar(known, key)]
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


def check_headers(value: dict[str, Any], where: Location, diagnostics: Diagnostics) -> bool:
    """`default_headers`: names that are HTTP tokens, string values without control
    characters (a line break would let the config add headers of its own)."""
    ok = True
    for name, header in value.items():
        place = where.child(name)
        if not HEADER_NAME.fullmatch(name):
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


def similar(a: str, b: str) -> bool:
    a, b = a.lower().replace("-", "_"), b.lower().replace("-", "_")
    return a == b or a in b or b in a
