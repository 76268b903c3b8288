"""Naming: turn arbitrary spec strings into valid, stable, collision-free Python names.

Names are decided once, here, and recorded in the IR; the same input always gives the same name
(no hashing of sets, no dependence on run order beyond the document's own order).
"""

from __future__ import annotations

import keyword
import re
import unicodedata

_MAX_LENGTH = 80

# Names a generated model field must not take: pydantic.BaseModel's own attributes.
BASEMODEL_RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "register",
        "_abc_impl",
    }
)

# Names that annotations in generated modules refer to: a field of that name would shadow them
# inside its class body (`bool: bool | None` breaks the annotation), so fields get a suffix.
ANNOTATION_NAMES = frozenset(
    {
        "bool",
        "int",
        "str",
        "float",
        "bytes",
        "list",
        "dict",
        "tuple",
        "set",
        "datetime",
        "uuid",
        "date",
        "time",
    }
)

# Names generated modules import; a model never takes one.
RESERVED_CLASS_NAMES = frozenset(
    {
        "Any",
        "Annotated",
        "BaseModel",
        "Field",
        "Lenient",
        "Literal",
        "Tag",
        "TypeAlias",
        "Mapping",
        "Sequence",
        "NotGiven",
        "Operation",
        "Param",
        "Stream",
        "AsyncStream",
        "Body",
        "Headers",
        "Query",
        "TimeoutTypes",
        "FileTypes",
        "SyncAPIResource",
        "AsyncAPIResource",
        "TYPE_CHECKING",
        "ClassVar",
        "SecurityScheme",
        "ClientConfig",
        "SyncClient",
        "AsyncClient",
        "RetryPolicy",
    }
)

# Names the generated package exports or its client module imports: client classes avoid them.
RESERVED_CLIENT_NAMES = RESERVED_CLASS_NAMES | frozenset(
    {
        "Client",
        "APIConnectionError",
        "APIError",
        "APIResponse",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AsyncAPIResponse",
        "AuthenticationError",
        "BadRequestError",
        "ConflictError",
        "InternalServerError",
        "MissingCredentialsError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "UnprocessableEntityError",
        "NOT_GIVEN",
        "httpx",
        "cached_property",
    }
)

# Attributes of the generated clients: a resource (tag) never takes one.
CLIENT_ATTRIBUTES = frozenset(
    {
        "request",
        "close",
        "aclose",
        "timeout",
        "base_url",
        "max_retries",
        "with_options",
        "is_closed",
        "with_raw_response",
        "with_streaming_response",
        "default_headers",
        "default_query",
        "http_client",
        "retry",
        "max_response_bytes",
        "max_event_bytes",
        # client.get/post/put/patch/delete(path): endpoints the description does not list
        "get",
        "post",
        "put",
        "patch",
        "delete",
    }
)

# Keyword arguments every generated method already takes.
METHOD_RESERVED = frozenset(
    {
        "self",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "retry",
        "cast",
        "overload",
        "super",
    }
)

# Names resource class bodies refer to: no method takes one.
METHOD_NAME_RESERVED = frozenset({"overload", "cast", "Literal", "NOT_GIVEN", "NotGiven"})

# File names Windows keeps for devices, whatever the case or extension (`con.py`, `Aux.txt`):
# such a file cannot be created or read there, so no generated module takes one as its stem.
WINDOWS_DEVICE_NAMES = frozenset(
    {
        "con",
        "prn",
        "aux",
        "nul",
        "conin$",
        "conout$",
        "clock$",
        *(f"{port}{digit}" for port in ("com", "lpt") for digit in "0123456789\u00b9\u00b2\u00b3"),
    }
)


def file_stem(name: str) -> str:
    """`name` as a file's stem that every platform can create: a Windows device name gets an
    underscore (`con` -> `con_`), which snake-cased names never end in otherwise."""
    device = name.split(".", 1)[0].rstrip(" ").lower()
    return name + "_" if device in WINDOWS_DEVICE_NAMES else name


_WORD_BOUNDARY = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def ascii_words(text: str) -> list[str]:
    """Split any string into ASCII words: `getHTTPResponse2fa` -> get, HTTP, Response, 2, fa."""
    normalised = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words: list[str] = []
    for chunk in re.split(r"[^A-Za-z0-9]+", normalised):
        words.extend(_WORD_BOUNDARY.findall(chunk))
    return words


def snake_case(text: str) -> str:
    return "_".join(word.lower() for word in ascii_words(text))


def pascal_case(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in ascii_words(text))


def safe_identifier(name: str, fallback: str) -> str:
    """Make `name` a usable identifier: not empty, not a digit first, not a keyword."""
    if not name:
        name = fallback
    if name[0].isdigit():
        name = fallback[:1] + "_" + name if fallback[:1].isalpha() else "n_" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in ("None", "True", "False"):
        name += "_"
    if len(name) > _MAX_LENGTH:
        name = name[:_MAX_LENGTH].rstrip("_")
    return name


def snake_identifier(text: str, fallback: str = "value") -> str:
    return safe_identifier(snake_case(text), fallback)


def class_identifier(text: str, fallback: str = "Model") -> str:
    return safe_identifier(pascal_case(text), fallback)


def isort_key(name: str) -> tuple[int, str]:
    """The order isort (and ruff) give names inside one `from x import ...`: constants, classes,
    then everything else."""
    if name.isupper() or (name.upper() == name and "_" in name):
        return 0, name
    return (1 if name[:1].isupper() else 2), name


class Namer:
    """Hands out unique names in one namespace; collisions get a numeric suffix."""

    def __init__(
        self, reserved: frozenset[str] | set[str] = frozenset(), *, case_insensitive: bool = False
    ) -> None:
        self._case_insensitive = case_insensitive
        self._taken: set[str] = {self._key(name) for name in reserved}
        # The lowest suffix not yet tried for each wanted name (by key): a thousand colliding
        # names then cost a thousand probes, not half a million. Suffixes below it are all
        # taken, and a taken name never becomes free, so resuming there finds what a probe
        # from 2 would.
        self._next_suffix: dict[str, int] = {}

    def _key(self, name: str) -> str:
        return name.lower() if self._case_insensitive else name

    def take(self, wanted: str) -> str:
        candidate = wanted
        wanted_key = self._key(wanted)
        counter = self._next_suffix.get(wanted_key, 2)
        if wanted_key in self._taken:
            separator = "_" if wanted[-1:].isdigit() else ""
            candidate = f"{wanted}{separator}{counter}"
            while self._key(candidate) in self._taken:
                counter += 1
                candidate = f"{wanted}{separator}{counter}"
            self._next_suffix[wanted_key] = counter + 1
        self._taken.add(self._key(candidate))
        return candidate

    def reserve(self, name: str) -> None:
        self._taken.add(self._key(name))

    def __contains__(self, name: str) -> bool:
        return self._key(name) in self._taken
