"""Hypothesis strategies for random, hostile OpenAPI 3.0 / 3.1 documents (plain dicts).

Every string a spec author controls is drawn from `texts()`: quotes, triple quotes, backslashes,
line breaks of every kind, template syntax, comment markers, code-injection payloads aimed at each
quoting context (each one would create the canary file if it ever ran), unicode, keywords,
builtins, pydantic and client attribute names, leading digits, empty and very long strings.

Known bugs: the triggers of bugs pinned by the `xfail(strict=True)` tests in test_hostile.py are
left out of the random documents unless OAGEN_HOSTILE_KNOWN_BUGS=1, so the property test checks
everything else while those bugs are open. When a bug is fixed its xfail test starts passing
(and fails as XPASS): then move its triggers from `_KNOWN_*` into the pools below.
"""

from __future__ import annotations

import keyword
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from .harness import CANARY, KNOWN_BUGS

_C = str(CANARY)

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
    '"', "'", '"""', "'''", '""', "''", "\\", "\\\\", '\\"', "\\'", "\\n", "\\x00", "\\N",
    "\n", "\r", "\r\n", "\t", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029",
    "{{ 7*7 }}", "{{", "}}", "{% if x %}", "{% endraw %}", "{#", "#}", "#", "# type: ignore",
    "%s", "{0}", "${x}", "<script>", "`", "|", "*/", "--", ";",
    "é", "ß", "中文", "日本語", "🦄", "👨‍👩‍👧", "\u200f", "\u202e", "\u200b", "\ufeff", "\u0301",
    " ", "", "-", "@type", "2fa", "$ref", "a" * 300, "x" * 1000,
]

IDENTIFIERS = [
    *keyword.kwlist, *keyword.softkwlist, "print", "len", "object", "type", "id", "self", "cls",
    "__import__", "__class__", "__init__", "__dict__", "_", "__", "_private", "__dunder__",
    "model_config", "model_dump", "model_fields", "schema", "json", "copy", "validate",
    "construct", "fields", "Config", "BaseModel", "Optional", "Union", "List",
]

# Bug triggers, left out of random documents while the bugs are open (see the module docstring).
_KNOWN_TEXT = ["\x00", "\ud800", "\udfff", "\x7f"]
_KNOWN_PROPERTY_NAMES: list[str] = []
_KNOWN_SCHEMA_NAMES = ["a%20b", "100%", "Importlib", "Body", "Headers", "Query", "TimeoutTypes",
                       "FileTypes", "SyncAPIResource", "AsyncAPIResource"]
_KNOWN_TAGS = ["request", "close", "timeout", "base_url", "max_retries", "with_options",
               "is_closed", "with_raw_response"]
_KNOWN_OPERATION_IDS = ["overload"]
_KNOWN_PARAMETER_NAMES = ["body"]
_KNOWN_SECURITY_KEYS = ["self", "super"]
_KNOWN_TITLES = ["Stream", "API Error", "Not Given", "Client", "Client Config",
                 "Security Scheme", "中文"]


def _pool(base: list[str], known: list[str]) -> list[str]:
    return base + known if KNOWN_BUGS else base


def _characters() -> st.SearchStrategy[str]:
    if KNOWN_BUGS:
        return st.characters()  # lone surrogates come from _KNOWN_TEXT
    return st.characters(exclude_categories=("Cs",), exclude_characters="\x00\x7f")


def texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text a spec author might write, weighted towards the dangerous."""
    atoms = st.one_of(
        st.sampled_from(_pool(FRAGMENTS, _KNOWN_TEXT)),
        st.sampled_from(PAYLOADS),
        st.sampled_from(IDENTIFIERS),
        st.text(_characters(), max_size=max_size),
    )
    found = st.one_of(atoms, st.lists(atoms, min_size=2, max_size=4).map("".join))
    return found if KNOWN_BUGS else found.map(_docstring_safe)


def _docstring_safe(text: str) -> str:
    """Known bug "docstring ends in triple quotes": text ending in \"\"\" breaks the
    docstring it is printed in."""
    return text + "." if text.rstrip().endswith('"""') else text


def _unquoted(value: Any) -> Any:
    return value.replace('"', "").replace("'", "") if isinstance(value, str) else value


def _annotation_safe(schema: Any) -> Any:
    """Known bug "cast string": a string enum or const value with a quote (either kind: repr
    picks double quotes for a value with a single quote), typed inline in a response, breaks
    the quoted annotation passed to `cast()`. Objects with properties become models (printed
    by name), so their insides are left alone."""
    if not isinstance(schema, dict) or schema.get("properties"):
        return schema
    out = dict(schema)
    if isinstance(out.get("enum"), list):
        out["enum"] = [_unquoted(v) for v in out["enum"]]
    if "const" in out:
        out["const"] = _unquoted(out["const"])
    for key in ("items", "additionalProperties"):
        if key in out:
            out[key] = _annotation_safe(out[key])
    for key in ("oneOf", "anyOf", "allOf"):
        if isinstance(out.get(key), list):
            out[key] = [_annotation_safe(part) for part in out[key]]
    return out


def names(pool: list[str], prefix: str) -> st.SearchStrategy[str]:
    """A name from a small pool (so collisions are frequent) or hostile text after `prefix`
    (which keeps, say, tag-derived class names apart from schema-derived ones)."""
    return st.one_of(st.sampled_from(pool), texts(12).map(lambda text: prefix + text))


SCHEMA_NAMES = _pool(
    ["Pet", "pet", "PET", "pEt", "Pet_Name", "PetName", "pet-name", "pet name", "pet.name",
     "@type", "2fa", "-", "_", "", " ", "中文", "é", "class", "None", "import", "self", "type",
     "list", "object", "Model", "BaseModel", "model_config", "_private", "a" * 120,
     "a" * 120 + "b", "a/b", "a~b", "a#b", "a?b", "Pet Response", "Pets", "Default",
     # names generated modules import or define
     "Any", "Annotated", "Literal", "TypeAlias", "Field", "Tag", "Lenient", "Operation", "Param",
     "Stream", "AsyncStream", "NotGiven", "Mapping", "Sequence", "Datetime", "Uuid"],
    _KNOWN_SCHEMA_NAMES,
)
PROPERTY_NAMES = _pool(
    ["@type", "2fa", "-", "_", "__", "", " ", "中文", "é", "naïve", "aB", "a_b", "a-b", "A B",
     "ab", "AB", "a" * 120, "a" * 120 + "b", "$ref", "type", "id", "self", "cls", "class",
     "None", "True", "match", "print", "object", "_private", "__dunder__", "model_config",
     "model_dump", "schema", "json", "copy", "fields", "date", "field", "stream", "timeout",
     "extra_body", "Pet", "str", "int", "float", "bool", "bytes", "list", "dict", "tuple",
     "set", "datetime", "date", "time", "uuid", "Any", "Literal", "Lenient", "Field"],
    _KNOWN_PROPERTY_NAMES,
)
TAGS = _pool(
    ["pets", "Pets", "PETS", "store front", "store-front", "store_front", "2fa", "中文", "-", "",
     "def", "lambda", "from", "default", "models", "client", "pet", "Pet", "class",
     "a" * 120, "a" * 120 + "b"],
    _KNOWN_TAGS,
)
OPERATION_IDS = _pool(
    ["getPet", "getPet", "get_pet", "GetPet", "get-pet", "get pet", "class", "import", "None",
     "self", "2fa", "中文", "@type", "-", "", " ", "a" * 300, "a" * 300 + "b", "list", "cast",
     "request", "with_raw_response", "stream", "__init__", "_private"],
    _KNOWN_OPERATION_IDS,
)
PARAMETER_NAMES = _pool(
    ["id", "ID", "class", "type", "self", "timeout", "extra_headers", "extra_query",
     "extra_body", "cast", "overload", "stream", "X-Request-ID", "x_request_id", "@type", "2fa",
     "-", "中文", "", "a" * 300, "page[number]", "filter.name", "api_key", "Accept",
     "Content-Type", "Authorization", "$ref"],
    _KNOWN_PARAMETER_NAMES,
)
SECURITY_KEYS = _pool(
    ["api_key", "ApiKey", "bearer", "basic", "class", "base_url", "timeout", "2fa", "中文", "-",
     "", "credentials", "http_client", "a" * 200],
    _KNOWN_SECURITY_KEYS,
)
TITLES = _pool(["API", "Pet Store API", "", " ", "class", "2fa", "Async", "Clients"],
               _KNOWN_TITLES)


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False, allow_infinity=False), texts(),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                st.dictionaries(texts(10), inner, max_size=3)),
        max_leaves=5,
    )


def ref_to(name: str, *, encode: bool | None = None) -> dict[str, str]:
    """A $ref to a component schema: JSON-pointer escaped, then percent-encoded as RFC 6901
    asks of a URI fragment. Known bug "percent-encoded $ref": oagen then builds a second,
    inline copy of the component, so unless OAGEN_HOSTILE_KNOWN_BUGS=1 only the pointer escapes
    are applied (and schema names hold no `%`)."""
    token = name.replace("~", "~0").replace("/", "~1")
    if KNOWN_BUGS if encode is None else encode:
        token = quote(token, safe="")
    return {"$ref": "#/components/schemas/" + token}


def _annotated(base: dict[str, Any], version: str) -> st.SearchStrategy[dict[str, Any]]:
    extras = st.fixed_dictionaries(
        {},
        optional={
            "description": texts(), "title": texts(), "default": json_values(),
            "example": json_values(), "deprecated": st.booleans(), "readOnly": st.booleans(),
            "writeOnly": st.booleans(), "nullable": st.just(True),
        },
    )

    def merge(extra: dict[str, Any]) -> dict[str, Any]:
        schema = {**base, **extra}
        if schema.pop("nullable", False):
            if version.startswith("3.0"):
                schema["nullable"] = True
            elif isinstance(schema.get("type"), str):
                schema["type"] = [schema["type"], "null"]
        return schema

    return extras.map(merge)


def schemas(version: str, refs: list[str], depth: int = 2) -> st.SearchStrategy[dict[str, Any]]:
    string_formats = st.sampled_from([None, "date-time", "date", "binary", "byte", "uuid",
                                      "email", "int64", '"""', "\\"])
    leaves = [
        string_formats.map(lambda f: {"type": "string"} if f is None else {"type": "string",
                                                                             "format": f}),
        st.just({"type": "integer"}), st.just({"type": "number"}), st.just({"type": "boolean"}),
        st.just({}),
        st.lists(texts(), min_size=1, max_size=4).map(lambda v: {"type": "string", "enum": v}),
        st.lists(st.integers(-(2**40), 2**40), min_size=1, max_size=4).map(
            lambda v: {"type": "integer", "enum": v}),
        st.lists(st.one_of(st.none(), st.integers(-3, 3), texts(), st.booleans()), min_size=1,
                 max_size=4).map(lambda v: {"enum": v}),
        st.one_of(texts(), st.integers()).map(lambda v: {"const": v}),
    ]
    if refs:
        leaves.append(st.sampled_from(refs).map(ref_to))
    leaf = st.one_of(*leaves).flatmap(
        lambda s: st.just(s) if "$ref" in s else _annotated(s, version))
    if depth <= 0:
        return leaf
    inner = schemas(version, refs, depth - 1)
    return st.one_of(leaf, _object(version, inner), _composite(version, inner))


def _object(version: str, inner: st.SearchStrategy[dict[str, Any]]
            ) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(names(PROPERTY_NAMES, "p"), inner, max_size=5))
        schema: dict[str, Any] = {"type": "object"}
        if properties or draw(st.booleans()):
            schema["properties"] = properties
        if properties and draw(st.booleans()):
            schema["required"] = draw(st.lists(st.sampled_from(sorted(properties)), unique=True))
        extra = draw(st.one_of(st.none(), st.booleans(), inner))
        if extra is not None:
            schema["additionalProperties"] = extra
        return draw(_annotated(schema, version))

    return build()


def _composite(version: str, inner: st.SearchStrategy[dict[str, Any]]
               ) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        kind = draw(st.sampled_from(["array", "oneOf", "anyOf", "allOf", "map"]))
        schema: dict[str, Any]
        if kind == "array":
            schema = {"type": "array", "items": draw(inner)}
        elif kind == "map":
            schema = {"type": "object", "additionalProperties": draw(inner)}
        else:
            schema = {kind: draw(st.lists(inner, min_size=1, max_size=3))}
            if kind == "oneOf" and draw(st.booleans()):
                schema["discriminator"] = {"propertyName": draw(texts(10))}
            if kind != "allOf" and draw(st.booleans()):
                schema[kind].append({"type": "null"})
        return draw(_annotated(schema, version))

    return build()


def _break_ref_cycles(found: dict[str, Any]) -> None:
    """Known bug "$ref cycle": components that are nothing but a $ref to each other in a
    cycle (A: {$ref: A}) send the schema builder into endless recursion."""
    by_ref = {ref_to(name)["$ref"]: name for name in found}
    for start in list(found):
        seen: list[str] = []
        name: str | None = start
        while name is not None and name not in seen:
            seen.append(name)
            target = found[name]
            name = by_ref.get(target["$ref"]) if set(target) == {"$ref"} else None
        if name is not None:  # a cycle: cut it where it closed
            found[seen[-1]] = {"type": "string"}


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


def _parameter(version: str, refs: list[str], location: str, name: str
               ) -> st.SearchStrategy[dict[str, Any]]:
    base: dict[str, Any] = {"name": name, "in": location}
    if location == "path":
        base["required"] = True
    return st.fixed_dictionaries(
        {"schema": schemas(version, refs, 1)},
        optional={"required": st.booleans(), "description": texts(),
                  "deprecated": st.booleans(), "explode": st.booleans(),
                  "example": json_values(),
                  "style": st.sampled_from(["form", "simple", "label", "matrix",
                                            "deepObject", "spaceDelimited", '"""'])},
    ).map(lambda extra: {**extra, **base})


def _media_examples() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({}),
        json_values().map(lambda value: {"example": value}),
        st.dictionaries(texts(10), json_values().map(lambda value: {"value": value,
                                                                    "summary": "s"}),
                        min_size=1, max_size=2).map(lambda found: {"examples": found}),
    )


def _request_body(version: str, refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    json_body = st.builds(lambda s, extra: {"application/json": {"schema": s, **extra}},
                          schemas(version, refs, 2), _media_examples())
    multipart = st.dictionaries(
        names(PROPERTY_NAMES, "m"),
        st.one_of(st.just({"type": "string", "format": "binary"}), schemas(version, refs, 1)),
        min_size=1, max_size=4,
    ).map(lambda props: {"multipart/form-data": {"schema": {"type": "object",
                                                            "properties": props}}})
    others = st.sampled_from([
        {"text/plain": {"schema": {"type": "string"}}},
        {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
        {"application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
            "a b": {"type": "string"}, "class": {"type": "integer"}}}}},
        {"application/vnd.api+json; charset=\"utf-8\"": {}},
    ])
    return st.fixed_dictionaries(
        {"content": st.one_of(json_body, multipart, others)},
        optional={"required": st.booleans(), "description": texts()},
    )


def _responses(version: str, refs: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    schema = schemas(version, refs, 2)
    if not KNOWN_BUGS:
        schema = schema.map(_annotation_safe)
    content = st.one_of(
        st.none(),
        schema.map(lambda s: {"application/json": {"schema": s}}),
        schema.map(lambda s: {"text/event-stream": {"schema": s}}),
        st.tuples(schema, schema).map(lambda p: {"application/json": {"schema": p[0]},
                                                 "text/event-stream": {"schema": p[1]}}),
        st.just({"text/plain": {"schema": {"type": "string"}}}),
        st.just({"application/octet-stream": {}}),
    )

    def response(description: str, body: dict[str, Any] | None) -> dict[str, Any]:
        return {"description": description} | ({"content": body} if body else {})

    success = st.builds(response, texts(), content)
    error = st.builds(response, texts(),
                      schema.map(lambda s: {"application/json": {"schema": s}}))
    return st.fixed_dictionaries(
        {},
        optional={"200": success, "201": success, "204": st.builds(response, texts(), st.none()),
                  "4XX": error, "404": error, "default": error},
    ).map(lambda found: found or {"200": {"description": "ok"}})


@st.composite
def _operation(draw: st.DrawFn, version: str, refs: list[str], placeholders: list[str],
               security_keys: list[str]) -> dict[str, Any]:
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
    parameters = [draw(_parameter(version, refs, "path", name)) for name in placeholders
                  if draw(st.integers(0, 3))]  # some placeholders left undeclared
    for _ in range(draw(st.integers(0, 4))):
        location = draw(st.sampled_from(["query", "header", "cookie"]))
        parameters.append(draw(_parameter(version, refs, location,
                                          draw(names(PARAMETER_NAMES, "q")))))
    if parameters:
        operation["parameters"] = parameters
    if draw(st.booleans()):
        operation["requestBody"] = draw(_request_body(version, refs))
    operation["responses"] = draw(_responses(version, refs))
    if security_keys and draw(st.booleans()):
        operation["security"] = [{draw(st.sampled_from(security_keys)): []}]
    return operation


def _security_scheme() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.builds(lambda where, name, text: {"type": "apiKey", "in": where, "name": name,
                                             "description": text},
                  st.sampled_from(["header", "query", "cookie"]), texts(12), texts()),
        st.sampled_from([{"type": "http", "scheme": "bearer"}, {"type": "http", "scheme": "basic"},
                         {"type": "http", "scheme": "Bearer", "bearerFormat": '"""'}]),
    )


@st.composite
def openapi_documents(draw: st.DrawFn) -> dict[str, Any]:
    version = draw(st.sampled_from(["3.0.3", "3.1.0"]))
    schema_names = names(SCHEMA_NAMES, "S")
    if not KNOWN_BUGS:  # known bug "percent-encoded $ref", see ref_to
        schema_names = schema_names.map(lambda name: name.replace("%", "pct"))
    component_names = draw(st.lists(schema_names, max_size=5, unique=True))
    components: dict[str, Any] = {}
    if component_names:
        components["schemas"] = {
            name: draw(schemas(version, component_names, 2)) for name in component_names
        }
        if not KNOWN_BUGS:
            _break_ref_cycles(components["schemas"])
    security = draw(st.dictionaries(names(SECURITY_KEYS, "k"), _security_scheme(), max_size=3))
    if security:
        components["securitySchemes"] = security
    paths: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        path, placeholders = draw(_path())
        methods = draw(st.lists(st.sampled_from(_METHODS), min_size=1, max_size=3, unique=True))
        item: dict[str, Any] = {
            method: draw(_operation(version, component_names, placeholders, sorted(security)))
            for method in methods
        }
        if draw(st.booleans()):
            item["summary"] = draw(texts())
        paths.setdefault(path, item)
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
    if draw(st.booleans()):
        doc["externalDocs"] = {"url": "https://" + draw(texts(20)), "description": draw(texts())}
    tags = sorted({tag for item in paths.values() for op in item.values() if isinstance(op, dict)
                   for tag in op.get("tags", [])})
    if tags and draw(st.booleans()):
        doc["tags"] = [{"name": tag, "description": draw(texts())} for tag in tags]
    if components:
        doc["components"] = components
    return doc
