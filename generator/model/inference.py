"""Call paths inferred from a spec without naming hints, in the conventions official SDKs follow.

Styles (docs/naming.md): `path` (Stainless: resources from static path segments, the verb from
the HTTP method and the path's shape), `tag` (OpenAPI Generator: the tag is the resource, the
tag's words leave the operationId), `azure` (AutoRest `Group_Verb` operationIds), `x-speakeasy`
and `x-fern` (what those generators do for an operation without hints: tag and operationId).
FastAPI's generated operationIds are reduced to the function name in every style.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Location
from generator.model.naming import ascii_words, snake_identifier

PATH = "path"
TAG = "tag"
AZURE = "azure"
SPEAKEASY_DEFAULT = "x-speakeasy"
FERN_DEFAULT = "x-fern"
OPERATION_ID = "operation-id"  # the fallback of an operation the path names oddly


@dataclass(frozen=True, slots=True)
class Facts:
    """What naming looks at in one operation."""

    operation_id: str  # unique in the spec
    spec_id: str | None  # the operationId as written; None when absent
    http_method: str  # upper case
    path: str
    tag: str | None  # the first tag
    extensions: Mapping[str, Any]  # the operation's `x-` keys
    lists: bool | None  # the success response is a list (or holds one); None: not described
    location: Location


_AZURE_ID = re.compile(r"[A-Z][A-Za-z0-9]*_[A-Za-z][A-Za-z0-9]*")
_VERSION = re.compile(r"v\d+(?:alpha\d*|beta\d*)?", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(?:json|xml|ya?ml|csv|txt)$", re.IGNORECASE)
# First words of a path segment that name an action rather than a collection
# (`POST /messages/count_tokens`, `POST /keys/{id}/rotate`).
_ACTION_VERBS = frozenset(
    [
        "accept",
        "activate",
        "add",
        "approve",
        "archive",
        "assign",
        "authorize",
        "batch",
        "cancel",
        "capture",
        "check",
        "clone",
        "close",
        "complete",
        "confirm",
        "copy",
        "count",
        "create",
        "deactivate",
        "decline",
        "delete",
        "disable",
        "download",
        "enable",
        "execute",
        "export",
        "finalize",
        "generate",
        "import",
        "invite",
        "lock",
        "login",
        "logout",
        "merge",
        "move",
        "open",
        "pause",
        "preview",
        "publish",
        "query",
        "refresh",
        "refund",
        "register",
        "reject",
        "remove",
        "rename",
        "reset",
        "restart",
        "restore",
        "resume",
        "retry",
        "revoke",
        "rotate",
        "run",
        "search",
        "send",
        "start",
        "stop",
        "submit",
        "subscribe",
        "sync",
        "test",
        "transfer",
        "trigger",
        "unarchive",
        "unlock",
        "unpublish",
        "unsubscribe",
        "update",
        "upload",
        "upsert",
        "validate",
        "verify",
        "void",
    ]
)
_LIST_FIELDS = frozenset(
    [
        "data",
        "items",
        "results",
        "entries",
        "records",
        "values",
        "list",
        "elements",
        "objects",
        "nodes",
        "edges",
    ]
)
_ITEM_VERBS = {"GET": "retrieve", "DELETE": "delete", "PUT": "update", "PATCH": "update"}
_COLLECTION_VERBS = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}


def choose_style(facts: list[Facts]) -> str:
    """The one inference style the spec's own evidence supports best."""
    total = len(facts) or 1
    for style, keys in (
        (SPEAKEASY_DEFAULT, ("x-speakeasy-group", "x-speakeasy-name-override")),
        (FERN_DEFAULT, ("x-fern-sdk-group-name", "x-fern-sdk-method-name")),
    ):
        hinted = sum(1 for f in facts if any(key in f.extensions for key in keys))
        if hinted * 4 >= total and hinted:
            return style
    if sum(1 for f in facts if f.spec_id and _AZURE_ID.fullmatch(f.spec_id)) * 2 > total:
        return AZURE
    tagged = [f for f in facts if f.tag and f.spec_id]
    holding = sum(1 for f in tagged if _drop_words(_id_words(f), _words(f.tag or "")) is not None)
    if tagged and len(tagged) * 2 > total and holding * 5 >= len(tagged) * 4:
        return TAG
    paths = [path_call(f) for f in facts]
    odd = sum(1 for call in paths if call is None)
    distinct = len({call for call in paths if call is not None})
    if (odd + (len(paths) - odd - distinct)) * 4 > total and tagged:
        return TAG
    return PATH


def infer(fact: Facts, style: str) -> tuple[tuple[str, ...], str, str]:
    """(resource, method, source) for an operation without hints, in `style`."""
    if style == PATH:
        call = path_call(fact)
        if call is not None:
            return call[0], call[1], PATH
        resource = _path_resource(fact) or _tag_resource(fact)
        return resource, operation_name(fact, resource), OPERATION_ID
    if style == AZURE and fact.spec_id and _AZURE_ID.fullmatch(fact.spec_id):
        group, verb = fact.spec_id.split("_", 1)
        return (snake_identifier(group, "default"),), snake_identifier(verb, "call"), AZURE
    resource = _tag_resource(fact) if fact.tag else (_path_resource(fact) or ("default",))
    if style in (SPEAKEASY_DEFAULT, FERN_DEFAULT):
        return resource, snake_identifier(_base_id(fact), "call"), style
    return resource, operation_name(fact, resource), TAG if style == TAG else style


def operation_name(fact: Facts, resource: tuple[str, ...]) -> str:
    """The operationId as a method name, FastAPI's suffix and the resource's words dropped."""
    words = _id_words(fact)
    for group in (
        [w for part in resource for w in _words(part)],
        _words(resource[-1]) if resource else [],
    ):
        kept = _drop_words(words, group) if group else None
        if kept:
            return snake_identifier("_".join(kept), "call")
    return snake_identifier("_".join(words), "call")


def path_call(fact: Facts) -> tuple[tuple[str, ...], str] | None:
    """Stainless-style: static segments are nested resources; the verb comes from the method and
    the path's shape. None where the path gives no sensible call path."""
    parts: list[tuple[bool, str]] = []  # (is_parameter, name)
    action: str | None = None
    for segment in (s for s in fact.path.split("/") if s):
        if "{" in segment:
            parts.append((True, segment))
            after = segment.rpartition("}")[2]  # `{id}:cancel`
            if after.startswith(":") and len(after) > 1:
                action = after[1:]
            continue
        segment, _, colon_action = segment.partition(":")  # Google's `/{name}:cancel`
        if colon_action:
            action = colon_action
        segment = _EXTENSION.sub("", segment)
        if not segment or _VERSION.fullmatch(segment) or segment.isdigit():
            continue  # a version or a literal number is not a resource
        if not parts and segment.lower() in ("api", "rest"):
            continue
        parts.append((False, snake_identifier(segment, "resource")))
    statics = tuple(name for is_param, name in parts if not is_param)
    if not statics:
        return None
    method = fact.http_method
    if action is not None:
        return statics, snake_identifier(action, "call")
    last_is_param, last = parts[-1]
    if last_is_param:
        verb = _ITEM_VERBS.get(method, "update" if method == "POST" else method.lower())
        return statics, verb
    after_param = len(parts) > 1 and parts[-2][0]
    first_word = last.split("_", 1)[0]
    item_action = after_param and method in ("GET", "POST") and not _plural(last)
    if (
        len(statics) > 1
        and (first_word in _ACTION_VERBS or item_action)
        and not (method == "GET" and fact.lists)
    ):
        return statics[:-1], last
    if method == "GET":
        lists = _plural(last) if fact.lists is None else fact.lists
        return statics, "list" if lists else "retrieve"
    return statics, _COLLECTION_VERBS.get(method, method.lower())


def response_lists(arrays: set[str], top_array: bool, segment: str) -> bool:
    """Whether a response is a list: an array, or an object with an array under a conventional
    name (`data`, `items`, ...) or under the name of the path's last segment."""
    return top_array or bool(
        arrays & (_LIST_FIELDS | {segment, snake_identifier(segment, "items")})
    )


def _plural(word: str) -> bool:
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _path_resource(fact: Facts) -> tuple[str, ...]:
    statics = [s for s in fact.path.split("/") if s and "{" not in s and not _VERSION.fullmatch(s)]
    return (snake_identifier(statics[0], "resource"),) if statics else ()


def _tag_resource(fact: Facts) -> tuple[str, ...]:
    return (snake_identifier(fact.tag, "default") if fact.tag else "default",)


def _words(text: str) -> list[str]:
    return [word.lower() for word in ascii_words(text)]


def _base_id(fact: Facts) -> str:
    """The operationId, FastAPI's `_{path}_{method}` suffix removed."""
    spec_id = fact.operation_id  # unique: a duplicate's is already suffixed
    suffix = re.sub(r"\W", "_", fact.path) + "_" + fact.http_method.lower()
    if spec_id.endswith(suffix) and len(spec_id) > len(suffix):
        return spec_id[: -len(suffix)]
    return spec_id


def _id_words(fact: Facts) -> list[str]:
    return _words(_base_id(fact))


def _drop_words(words: list[str], group: list[str]) -> list[str] | None:
    """`words` without the first run equal to `group`; None if there is none or nothing stays."""
    size = len(group)
    for start in range(len(words) - size + 1):
        if words[start : start + size] == group:
            kept = words[:start] + words[start + size :]
            return kept or None
    return None
