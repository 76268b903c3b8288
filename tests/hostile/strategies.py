"""Hypothesis strategies for random, hostile OpenAPI 3.0 / 3.1 documents (plain dicts).

Every string a spec author controls is drawn from `texts()`: quotes, triple quotes, backslashes,
line breaks of every kind, template syntax, comment markers, code-injection payloads aimed at each
quoting context (each one would create the canary file if it ever ran), unicode, keywords,
builtins, pydantic and client attribute names, leading digits, empty and very long strings.

Known bugs: the triggers of bugs pinned by the `xfail(strict=True)` tests in test_hostile.py are
left out of the random documents unless OAGEN_HOSTILE_KNOWN_BUGS=1, so the property test checks
everything else while those bugs are open. When a bug is fixed its xfail test starts passing
(and fails as XPASS): then put its triggers back here (today `_no_surrogates` remains).
"""

from __future__ import annotations

import keyword
from functools import cache
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from .harness import CANARY_VARIABLE, KNOWN_BUGS

# The canary as the shell that os.system runs finds it: the same text in every process, so the
# documents (and every name derived from a payload) are the same on every run and machine.
_C = "$" + CANARY_VARIABLE

# Each payload aims at one quoting context of the generated code; none may ever run.
PAYLOADS = [
    f"__import__('os').system('touch {_C}')",
    f'"); import os; os.system("touch {_C}"); ("',
    f"'); import os; os.system('touch {_C}'); ('",
    f'"""); __import__("os").system("touch {_C}"); ("""',
    f"'''); __import__('os').system('touch {_C}'); ('''",
    f'"""\n__import__("os").system("touch {_C}")\n"""',
    f"\\\"\"\"\n__import__('os').system('touch {_C}')\n#",
    f"\\\n__import__('os').system('touch {_C}')",
    f"\n__import__('os').system('touch {_C}')\n",
    f"\r__import__('os').system('touch {_C}')\r",
    f"\u2028__import__('os').system('touch {_C}')\u2029",
    f"\x0c__import__('os').system('touch {_C}')\x0b",
    f"]\n__import__('os').system('touch {_C}')\n[",
    f"}}\n__import__('os').system('touch {_C}')\n{{",
    f")\n__import__('os').system('touch {_C}')\n(",
    f"{{{{ __import__('os').system('touch {_C}') }}}}",
    f"{{% set x = __import__('os').system('touch {_C}') %}}",
    f"{{{{ self.__init__.__globals__['os'].system('touch {_C}') }}}}",
    f"x = 1  # \n__import__('os').system('touch {_C}')",
    f"`__import__('os').system('touch {_C}')`",
    f"\\N{{LATIN SMALL LETTER A}}\\x00\\u0000{{0}}%s__import__('os').system('touch {_C}')",
]

FRAGMENTS = [
    '"',
    "'",
    '"""',
    "'''",
    '""',
    "''",
    "\\",
    "\\\\",
    '\\"',
    "\\'",
    "\\n",
    "\\x00",
    "\\N",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x85",
    "\u2028",
    "\u2029",
    "{{ 7*7 }}",
    "{{",
    "}}",
    "{% if x %}",
    "{% endraw %}",
    "{#",
    "#}",
    "#",
    "# type: ignore",
    "%s",
    "{0}",
    "${x}",
    "<script>",
    "`",
    "|",
    "*/",
    "--",
    ";",
    "é",
    "ß",
    "中文",
    "日本語",
    "🦄",
    "👨‍👩‍👧",
    "\u200f",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\u0301",
    " ",
    "",
    "-",
    "@type",
    "2fa",
    "$ref",
    "a" * 300,
    "x" * 1000,
    "\x00",
    "\x7f",
    "\ud800",
    "\udfff",
    "\udce0",  # NUL, DEL, lone surrogates (JSON \\ud800)
]

IDENTIFIERS = [
    *keyword.kwlist,
    *keyword.softkwlist,
    "print",
    "len",
    "object",
    "type",
    "id",
    "self",
    "cls",
    "__import__",
    "__class__",
    "__init__",
    "__dict__",
    "_",
    "__",
    "_private",
    "__dunder__",
    "model_config",
    "model_dump",
    "model_fields",
    "schema",
    "json",
    "copy",
    "validate",
    "construct",
    "fields",
    "Config",
    "BaseModel",
    "Optional",
    "Union",
    "List",
]

# Bugs found and fixed, with their triggers back in the pools: NUL, DEL and lone surrogates in
# text, docstrings ending in triple quotes, quotes in inline response enums, percent-encoded
# $refs, bare $ref cycles, names of client attributes, runtime imports and exports, `overload`,
# `body`, `self`, `super`, titles without ASCII letters. Still open: see _no_surrogates.


def _characters() -> st.SearchStrategy[str]:
    return st.characters(codec=None)  # every code point, lone surrogates included


def _no_surrogates(text: str) -> str:
    """Known bug "surrogate in a name or value pydantic gets": a lone surrogate in a property
    name or an enum/const value gives a model or alias pydantic cannot build (the alias or
    Literal value cannot become a Rust string)."""
    return (
        text
        if KNOWN_BUGS
        else "".join("?" if 0xD800 <= ord(char) <= 0xDFFF else char for char in text)
    )


@cache  # strategies are built once: building them per draw cost more than drawing
def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text a spec author might write, weighted towards the dangerous."""
    atoms = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.sampled_from(PAYLOADS),
        st.sampled_from(IDENTIFIERS),
        st.text(_characters(), max_size=max_size),
    )
    return st.one_of(atoms, st.lists(atoms, min_size=2, max_size=4).map("".join))


def names(pool: list[str], prefix: str) -> st.SearchStrategy[str]:
    """A name from a small pool (so collisions are frequent) or hostile text after `prefix`
    (which keeps, say, tag-derived class names apart from schema-derived ones)."""
    return _names(tuple(pool), prefix)


@cache
def _names(pool: tuple[str, ...], prefix: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(pool), texts(12).map(lambda text: prefix + text))


@cache
def _property_names(prefix: str) -> st.SearchStrategy[str]:
    return names(PROPERTY_NAMES, prefix).map(_no_surrogates)


SCHEMA_NAMES = [
    "Pet",
    "pet",
    "PET",
    "pEt",
    "Pet_Name",
    "PetName",
    "pet-name",
    "pet name",
    "pet.name",
    "@type",
    "2fa",
    "-",
    "_",
    "",
    " ",
    "中文",
    "é",
    "class",
    "None",
    "import",
    "self",
    "type",
    "list",
    "object",
    "Model",
    "BaseModel",
    "model_config",
    "_private",
    "a" * 120,
    "a" * 120 + "b",
    "a/b",
    "a~b",
    "a#b",
    "a?b",
    "a%20b",
    "100%",
    "Pet Response",
    "Pets",
    "Default",
    "Importlib",
    "Annotations",
    # names generated modules import or define
    "Any",
    "Annotated",
    "Literal",
    "TypeAlias",
    "Field",
    "Tag",
    "Lenient",
    "Operation",
    "Param",
    "Stream",
    "AsyncStream",
    "NotGiven",
    "Mapping",
    "Sequence",
    "Datetime",
    "Uuid",
    "Body",
    "Headers",
    "Query",
    "TimeoutTypes",
    "FileTypes",
    "SyncAPIResource",
    "AsyncAPIResource",
    "SyncClient",
    "AsyncClient",
    "ClientConfig",
    "SecurityScheme",
    "ClassVar",
    # Windows device names: no generated file may be called so
    "con",
    "PRN",
    "Aux",
    "nul",
    "com1",
    "LPT9",
    "con.py",
]
PROPERTY_NAMES = [
    "@type",
    "2fa",
    "-",
    "_",
    "__",
    "",
    " ",
    "中文",
    "é",
    "naïve",
    "aB",
    "a_b",
    "a-b",
    "A B",
    "ab",
    "AB",
    "a" * 120,
    "a" * 120 + "b",
    "$ref",
    "type",
    "id",
    "self",
    "cls",
    "class",
    "None",
    "True",
    "match",
    "print",
    "object",
    "_private",
    "__dunder__",
    "model_config",
    "model_dump",
    "schema",
    "json",
    "copy",
    "fields",
    "date",
    "field",
    "stream",
    "timeout",
    "extra_body",
    "Pet",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "list",
    "dict",
    "tuple",
    "set",
    "datetime",
    "time",
    "uuid",
    "Any",
    "Literal",
    "Lenient",
    "Field",
    "body",
    "super",
]
TAGS = [
    "pets",
    "Pets",
    "PETS",
    "store front",
    "store-front",
    "store_front",
    "2fa",
    "中文",
    "-",
    "",
    "def",
    "lambda",
    "from",
    "default",
    "models",
    "client",
    "pet",
    "Pet",
    "class",
    "a" * 120,
    "a" * 120 + "b",
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
    "webhooks",
    "http_client",
    "con",
    "PRN",
    "Aux",
    "nul",
    "com1",
    "LPT9",
    "con.py",
]
OPERATION_IDS = [
    "getPet",
    "getPet",
    "get_pet",
    "GetPet",
    "get-pet",
    "get pet",
    "class",
    "import",
    "None",
    "self",
    "2fa",
    "中文",
    "@type",
    "-",
    "",
    " ",
    "a" * 300,
    "a" * 300 + "b",
    "list",
    "cast",
    "request",
    "with_raw_response",
    "with_streaming_response",
    "stream",
    "__init__",
    "_private",
    "overload",
    "Literal",
    "NOT_GIVEN",
    "super",
]
PARAMETER_NAMES = [
    "id",
    "ID",
    "class",
    "type",
    "self",
    "timeout",
    "extra_headers",
    "extra_query",
    "extra_body",
    "cast",
    "overload",
    "stream",
    "X-Request-ID",
    "x_request_id",
    "@type",
    "2fa",
    "-",
    "中文",
    "",
    "a" * 300,
    "page[number]",
    "filter.name",
    "api_key",
    "Accept",
    "Content-Type",
    "Authorization",
    "$ref",
    "body",
    "super",
]
SECURITY_KEYS = [
    "api_key",
    "ApiKey",
    "bearer",
    "basic",
    "class",
    "base_url",
    "timeout",
    "2fa",
    "中文",
    "-",
    "",
    "credentials",
    "http_client",
    "a" * 200,
    "self",
    "super",
]
TITLES = [
    "API",
    "Pet Store API",
    "",
    " ",
    "class",
    "2fa",
    "Async",
    "Clients",
    "Client",
    "Stream",
    "API Error",
    "Not Given",
    "Client Config",
    "Security Scheme",
    "中文",
]


@cache
def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        texts(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(texts(10), inner, max_size=3)
        ),
        max_leaves=5,
    )


def ref_to(name: str, *, encode: bool = True) -> dict[str, str]:
    """A $ref to a component schema: JSON-pointer escaped, then percent-encoded as RFC 6901
    asks of a URI fragment (or, with encode=False, as authors often write it)."""
    return {"$ref": "#/components/schemas/" + _token(name, encode)}


def _token(name: str, encode: bool = True) -> str:
    """`name` as a JSON-pointer token in a URI fragment (a lone surrogate has no UTF-8, so such
    a name is left unencoded)."""
    token = name.replace("~", "~0").replace("/", "~1")
    try:
        return quote(token, safe="") if encode else token
    except UnicodeEncodeError:
        return token


@cache
def _extras() -> st.SearchStrategy[dict[str, Any]]:
    """Annotations any schema may carry."""
    return st.fixed_dictionaries(
        {},
        optional={
            "description": texts(),
            "title": texts(),
            "default": json_values(),
            "example": json_values(),
            "deprecated": st.booleans(),
            "readOnly": st.booleans(),
            "writeOnly": st.booleans(),
            "nullable": st.just(True),
        },
    )


def _merge(base: dict[str, Any], version: str, extra: dict[str, Any]) -> dict[str, Any]:
    """`base` with annotations; nullable as the version spells it."""
    schema = {**base, **extra}
    if schema.pop("nullable", False):
        if version.startswith("3.0"):
            schema["nullable"] = True
        elif isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
    return schema


def schemas(
    version: str, refs: list[str] | tuple[str, ...], depth: int = 2
) -> st.SearchStrategy[dict[str, Any]]:
    return _schemas(version, tuple(refs), depth)


@cache
def _schemas(version: str, refs: tuple[str, ...], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    values = texts().map(_no_surrogates)  # enum and const values become Literal values
    string_formats = st.sampled_from(
        [None, "date-time", "date", "binary", "byte", "uuid", "email", "int64", '"""', "\\"]
    )
    leaves = [
        string_formats.map(
            lambda f: {"type": "string"} if f is None else {"type": "string", "format": f}
        ),
        st.just({"type": "integer"}),
        st.just({"type": "number"}),
        st.just({"type": "boolean"}),
        st.just({}),
        st.lists(values, min_size=1, max_size=4).map(lambda v: {"type": "string", "enum": v}),
        st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=4).map(
            lambda v: {"type": "integer", "enum": v}
        ),
        st.lists(
            st.one_of(st.none(), st.integers(-3, 3), values, st.booleans()), min_size=1, max_size=4
        ).map(lambda v: {"enum": v}),
        st.one_of(values, st.integers()).map(lambda v: {"const": v}),
    ]
    if refs:
        leaves.append(
            st.builds(ref_to, st.sampled_from(refs), encode=st.sampled_from([True, True, False]))
        )
    leaf = st.tuples(st.one_of(*leaves), _extras()).map(
        lambda pair: pair[0] if "$ref" in pair[0] else _merge(pair[0], version, pair[1])
    )
    if depth <= 0:
        return leaf
    inner = schemas(version, refs, depth - 1)
    return st.one_of(leaf, _object(version, inner), _composite(version, inner, refs))


def _object(
    version: str, inner: st.SearchStrategy[dict[str, Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    keys = _property_names("p")

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(keys, inner, max_size=5))
        schema: dict[str, Any] = {"type": "object"}
        if properties or draw(st.booleans()):
            schema["properties"] = properties
        if properties and draw(st.booleans()):
            schema["required"] = draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
        extra = draw(st.one_of(st.none(), st.booleans(), inner))
        if extra is not None:
            schema["additionalProperties"] = extra
        return _merge(schema, version, draw(_extras()))

    return build()


def _composite(
    version: str, inner: st.SearchStrategy[dict[str, Any]], refs: tuple[str, ...]
) -> st.SearchStrategy[dict[str, Any]]:
    tags = _property_names("d")
    tag_values = texts(12).map(_no_surrogates)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        kind = draw(
            st.sampled_from(["array", "oneOf", "anyOf", "allOf", "map", "tagged", "tuple", "types"])
        )
        schema: dict[str, Any]
        if kind == "array":
            schema = {"type": "array", "items": draw(inner)}
        elif kind == "map":
            schema = {"type": "object", "additionalProperties": draw(inner)}
        elif kind == "tuple":
            schema = {"type": "array", "prefixItems": draw(st.lists(inner, min_size=1, max_size=3))}
        elif kind == "types":
            types = draw(
                st.lists(
                    st.sampled_from(
                        ["string", "integer", "number", "boolean", "null", "array", "object"]
                    ),
                    min_size=1,
                    max_size=3,
                    unique=True,
                )
            )
            if types == ["null"] and not KNOWN_BUGS:
                types.append("string")  # known bug "null alias", see test_hostile.py
            schema = {"type": types}
        elif kind == "tagged":  # a discriminated union of objects tagged by a const property
            tag = draw(tags)
            options = [
                {
                    "type": "object",
                    "required": [tag],
                    "title": draw(texts(12)),
                    "properties": {tag: {"type": "string", "const": value}, "x": draw(inner)},
                }
                for value in draw(st.lists(tag_values, min_size=1, max_size=3, unique=True))
            ]
            mapping = {}
            if refs and draw(st.booleans()):
                targets = draw(st.lists(st.sampled_from(refs), max_size=2, unique=True))
                options += [ref_to(target) for target in targets]
                mapping = {draw(texts(10)): ref_to(target)["$ref"] for target in targets}
            discriminator: dict[str, Any] = {"propertyName": tag}
            if mapping:
                discriminator["mapping"] = mapping
            schema = {
                draw(st.sampled_from(["oneOf", "anyOf"])): options,
                "discriminator": discriminator,
            }
        else:
            schema = {kind: draw(st.lists(inner, min_size=1, max_size=3))}
            if kind == "oneOf" and draw(st.booleans()):
                schema["discriminator"] = {"propertyName": draw(texts(10))}
            if kind != "allOf" and draw(st.booleans()):
                schema[kind].append({"type": "null"})
        return _merge(schema, version, draw(_extras()))

    return build()


# --- paths -----------------------------------------------------------------------------------

_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]


@st.composite
def _path(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A path template and the names of its placeholders."""
    segments: list[str] = []
    placeholders: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            name = draw(names(PARAMETER_NAMES, "q")).replace("}", "").replace("/", "")
            if name and name not in placeholders:
                placeholders.append(name)
                segments.append("{" + name + "}")
                continue
        segments.append(draw(texts(12)).replace("/", "").replace("{", "").replace("}", ""))
    return "/" + "/".join(segments), placeholders


def _parameter(
    draw: st.DrawFn, version: str, refs: tuple[str, ...], location: str, name: str
) -> dict[str, Any]:
    parameter = draw(_parameter_details(version, refs))
    parameter.update({"name": name, "in": location})
    if location == "path":
        parameter["required"] = True
    return parameter


@cache
def _parameter_details(version: str, refs: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    described = st.one_of(
        schemas(version, refs, 1).map(lambda schema: {"schema": schema}),
        schemas(version, refs, 1).map(
            lambda schema: {"content": {"application/json": {"schema": schema}}}
        ),
    )
    details = st.fixed_dictionaries(
        {},
        optional={
            "required": st.booleans(),
            "description": texts(),
            "deprecated": st.booleans(),
            "explode": st.booleans(),
            "example": json_values(),
            "style": st.sampled_from(
                ["form", "simple", "label", "matrix", "deepObject", "spaceDelimited", '"""']
            ),
        },
    )
    return st.tuples(details, described).map(lambda pair: {**pair[0], **pair[1]})


@cache
def _media_examples() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({}),
        json_values().map(lambda value: {"example": value}),
        st.dictionaries(
            texts(10),
            json_values().map(lambda value: {"value": value, "summary": "s"}),
            min_size=1,
            max_size=2,
        ).map(lambda found: {"examples": found}),
    )


@cache
def _request_body(version: str, refs: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    json_body = st.builds(
        lambda s, extra: {"application/json": {"schema": s, **extra}},
        schemas(version, refs, 2),
        _media_examples(),
    )
    multipart = st.dictionaries(
        _property_names("m"),
        st.one_of(st.just({"type": "string", "format": "binary"}), schemas(version, refs, 1)),
        min_size=1,
        max_size=4,
    ).map(
        lambda props: {"multipart/form-data": {"schema": {"type": "object", "properties": props}}}
    )
    flagged = st.dictionaries(  # a `stream` flag beside hostile properties: stream_mode "flag"
        _property_names("f"),
        schemas(version, refs, 1),
        max_size=3,
    ).map(
        lambda props: {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        **props,
                        "stream": {"type": "boolean", "description": "stream it"},
                    },
                }
            }
        }
    )
    others = st.sampled_from(
        [
            {"text/plain": {"schema": {"type": "string"}}},
            {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"a b": {"type": "string"}, "class": {"type": "integer"}},
                    }
                }
            },
            {'application/vnd.api+json; charset="utf-8"': {}},
        ]
    )
    return st.fixed_dictionaries(
        {"content": st.one_of(json_body, multipart, flagged, others)},
        optional={"required": st.booleans(), "description": texts()},
    )


@cache
def _responses(version: str, refs: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    schema = schemas(version, refs, 2)
    content = st.one_of(
        st.none(),
        schema.map(lambda s: {"application/json": {"schema": s}}),
        schema.map(lambda s: {"text/event-stream": {"schema": s}}),
        st.tuples(schema, schema).map(
            lambda p: {"application/json": {"schema": p[0]}, "text/event-stream": {"schema": p[1]}}
        ),
        st.just({"text/plain": {"schema": {"type": "string"}}}),
        st.just({"application/octet-stream": {}}),
    )

    def response(description: str, body: dict[str, Any] | None) -> dict[str, Any]:
        return {"description": description} | ({"content": body} if body else {})

    success = st.builds(response, texts(), content)
    error = st.builds(response, texts(), schema.map(lambda s: {"application/json": {"schema": s}}))
    return st.fixed_dictionaries(
        {},
        optional={
            "200": success,
            "201": success,
            "204": st.builds(response, texts(), st.none()),
            "4XX": error,
            "404": error,
            "default": error,
        },
    ).map(lambda found: found or {"200": {"description": "ok"}})


@st.composite
def _operation(
    draw: st.DrawFn,
    version: str,
    refs: tuple[str, ...],
    placeholders: list[str],
    security_keys: list[str],
) -> dict[str, Any]:
    operation: dict[str, Any] = {}
    if draw(st.integers(0, 3)):  # a quarter of the operations have no operationId
        operation["operationId"] = draw(names(OPERATION_IDS, "o"))
    if draw(st.booleans()):
        operation["tags"] = draw(st.lists(names(TAGS, "t"), min_size=1, max_size=2))
    for key in ("summary", "description"):
        if draw(st.booleans()):
            operation[key] = draw(texts())
    if draw(st.booleans()):
        operation["deprecated"] = True
    parameters = [
        _parameter(draw, version, refs, "path", name)
        for name in placeholders
        if draw(st.integers(0, 3))
    ]  # some placeholders left undeclared
    for _ in range(draw(st.integers(0, 4))):
        location = draw(st.sampled_from(["query", "header", "cookie"]))
        parameters.append(
            _parameter(draw, version, refs, location, draw(names(PARAMETER_NAMES, "q")))
        )
    if parameters:
        operation["parameters"] = parameters
    if draw(st.booleans()):
        operation["requestBody"] = draw(_request_body(version, refs))
    operation["responses"] = draw(_responses(version, refs))
    if security_keys and draw(st.booleans()):
        operation["security"] = [{draw(st.sampled_from(security_keys)): []}]
    return operation


@cache
def _security_scheme() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(
            lambda where, name, text: {
                "type": "apiKey",
                "in": where,
                "name": name,
                "description": text,
            },
            st.sampled_from(["header", "query", "cookie"]),
            texts(12),
            texts(),
        ),
        st.sampled_from(
            [
                {"type": "http", "scheme": "bearer"},
                {"type": "http", "scheme": "basic"},
                {"type": "http", "scheme": "Bearer", "bearerFormat": '"""'},
                {"type": "openIdConnect", "openIdConnectUrl": 'https://x/\'"""'},
                {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://x/token",
                            "scopes": {"a'\"": "b\\"},
                        }
                    },
                },
            ]
        ),
    )


def _share_components(draw: st.DrawFn, paths: dict[str, Any], components: dict[str, Any]) -> None:
    """Move some responses, request bodies and parameters into components under hostile names
    and refer to them with (percent-encoded) $refs."""
    for item in paths.values():
        for operation in item.values():
            if not isinstance(operation, dict) or draw(st.integers(0, 2)) != 0:
                continue
            places = [("responses", code) for code in operation.get("responses", {})]
            places += [("requestBodies", None)] if "requestBody" in operation else []
            places += [("parameters", i) for i in range(len(operation.get("parameters", [])))]
            if not places:
                continue
            kind, key = draw(st.sampled_from(places))
            name = draw(names(SCHEMA_NAMES, "C"))
            ref = {"$ref": f"#/components/{kind}/{_token(name)}"}
            shared = components.setdefault(kind, {})
            if name in shared:
                continue
            if kind == "responses":
                shared[name], operation["responses"][key] = operation["responses"][key], ref
            elif kind == "requestBodies":
                shared[name], operation["requestBody"] = operation["requestBody"], ref
            else:
                shared[name], operation["parameters"][key] = operation["parameters"][key], ref


@st.composite
def openapi_documents(draw: st.DrawFn) -> dict[str, Any]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    component_names = tuple(draw(st.lists(names(SCHEMA_NAMES, "S"), max_size=5, unique=True)))
    components: dict[str, Any] = {}
    if component_names:
        components["schemas"] = {
            name: draw(schemas(version, component_names, 2)) for name in component_names
        }
    security = draw(st.dictionaries(names(SECURITY_KEYS, "k"), _security_scheme(), max_size=3))
    if security:
        components["securitySchemes"] = security
    paths: dict[str, Any] = {}
    for _ in range(draw(st.sampled_from([1, 2, 3, 1, 2, 0]))):  # mostly some operations
        path, placeholders = draw(_path())
        methods = draw(st.lists(st.sampled_from(_METHODS), min_size=1, max_size=3, unique=True))
        item: dict[str, Any] = {
            method: draw(_operation(version, component_names, placeholders, sorted(security)))
            for method in methods
        }
        if draw(st.booleans()):
            item["summary"] = draw(texts())
        paths.setdefault(path, item)
    _share_components(draw, paths, components)
    info: dict[str, Any] = {"title": draw(names(TITLES, "Title ")), "version": draw(texts(10))}
    if draw(st.booleans()):
        info["description"] = draw(texts())
    if draw(st.booleans()):
        info["license"] = {"name": draw(texts(20))}
    if draw(st.booleans()):
        info["contact"] = {"url": "https://" + draw(texts(20)), "name": draw(texts(10))}
    if draw(st.booleans()):
        info["termsOfService"] = "http://" + draw(texts(20))
    doc: dict[str, Any] = {"openapi": version, "info": info, "paths": paths}
    if draw(st.booleans()):
        doc["servers"] = [{"url": draw(texts(30))}]
    elif draw(st.booleans()):
        variable = draw(texts(10)).replace("}", "")
        doc["servers"] = [
            {
                "url": "https://{" + variable + "}.example.com/" + draw(texts(10)),
                "variables": {variable: {"default": draw(texts(10)), "description": draw(texts())}},
            }
        ]
    if draw(st.booleans()):
        doc["externalDocs"] = {"url": "https://" + draw(texts(20)), "description": draw(texts())}
    tags = sorted(
        {
            tag
            for item in paths.values()
            for op in item.values()
            if isinstance(op, dict)
            for tag in op.get("tags", [])
        }
    )
    if tags and draw(st.booleans()):
        doc["tags"] = [{"name": tag, "description": draw(texts())} for tag in tags]
    _stress(draw, paths, components)
    if components:
        doc["components"] = components
    return doc


# Shapes that once made the builder quadratic or overflow its stack, at sizes the suite affords:
# each document gets at most one (and most get none, so the property keeps its pace).
_STRESS = [
    None,
    None,
    None,
    "enum",
    "schema-names",
    "operation-ids",
    "nesting",
    "huge-integers",
    "shared",
]
_HUGE_INTEGERS = [10**3500, -(10**3200), 2**64, -(2**63) - 1]  # Python prints up to 4,300 digits
_NESTINGS = {
    "properties": lambda s: {"type": "object", "properties": {"a": s}},
    "items": lambda s: {"type": "array", "items": s},
    "additionalProperties": lambda s: {"type": "object", "additionalProperties": s},
    "oneOf": lambda s: {"oneOf": [s, {"type": "integer"}]},
}


def _stress(draw: st.DrawFn, paths: dict[str, Any], components: dict[str, Any]) -> None:
    kind = draw(st.sampled_from(_STRESS))
    if kind is None:
        return
    schemas = components.setdefault("schemas", {})
    if kind == "enum":  # many values, repeated, with True, 1 and "1" (equal in Python)
        size = draw(st.integers(50, 400))
        values: list[Any] = [f"v{i % 97}" for i in range(size)] + [True, 1, "1", False, 0]
        schemas.setdefault("BigEnum", {"enum": draw(st.permutations(values))})
    elif kind == "schema-names":  # distinct keys that all want the class name Pet
        for index in range(draw(st.integers(5, 30))):
            schemas.setdefault(
                "Pet" + "-" * index if index % 2 else "pet" + "_" * index,
                {"type": "object", "properties": {"n": {"type": "integer"}}},
            )
    elif kind == "operation-ids":  # one operationId (in different cases) many times over
        for index in range(draw(st.integers(5, 20))):
            paths.setdefault(
                f"/same/{index}",
                {
                    "get": {
                        "operationId": ["getPet", "GetPet", "get_pet", "get-pet"][index % 4],
                        "responses": {"200": {"description": "ok"}},
                    }
                },
            )
    elif kind == "nesting":  # past the builder's depth limit
        wrap = _NESTINGS[draw(st.sampled_from(sorted(_NESTINGS)))]
        schema: dict[str, Any] = {"type": "string"}
        for _ in range(draw(st.integers(60, 90))):
            schema = wrap(schema)
        schemas.setdefault("Deep", schema)
    elif kind == "huge-integers":
        huge = draw(st.sampled_from(_HUGE_INTEGERS))
        schemas.setdefault(
            "Huge",
            {
                "type": "object",
                "properties": {
                    "e": {"type": "integer", "enum": [1, huge]},
                    "c": {"type": "integer", "const": huge},
                    "d": {"type": "integer", "default": huge, "example": huge},
                },
            },
        )
    else:  # one value object shared in many places, as YAML aliases load
        shared = alias_bomb(levels=3, width=4)
        schemas.setdefault(
            "Shared", {"type": "array", "default": shared, "example": shared, "items": {}}
        )
        for item in paths.values():
            for operation in item.values():
                if isinstance(operation, dict) and isinstance(operation.get("parameters"), list):
                    for parameter in operation["parameters"]:
                        if "$ref" not in parameter:
                            parameter.setdefault("example", shared)


def alias_bomb(levels: int, width: int) -> list[Any]:
    """What a YAML alias bomb loads as: each level a list of `width` references to the one
    below, so `width ** levels` leaves from a few lines of text (the nodes are shared)."""
    node: list[Any] = ["lol"] * width
    for _ in range(levels - 1):
        node = [node] * width
    return node
