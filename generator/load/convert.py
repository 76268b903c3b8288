"""Convert: Swagger 2.0 documents into the OpenAPI 3 shape the builder reads.

Only the structure changes: `definitions`, `parameters`, `responses` and `securityDefinitions`
move under `components`; `host`, `basePath` and `schemes` become `servers`; body and formData
parameters become request bodies; `produces`/`consumes` become the media types of `content`;
the `type`, `items`, `collectionFormat`... of other parameters become a `schema`, a `style` and
`explode`. The input document is never modified: the result is a new tree (only scalars are
shared), in document order.

References. Every local `$ref` of the root document is rewritten to where its target now lives
(`#/definitions/X` -> `#/components/schemas/X`, `#/responses/X/schema` ->
`#/components/responses/X/content/application~1json/schema`...), by recording each node that
moves and rewriting once the whole document is converted. Files a description refers to are
read by the resolver as they are, unconverted, so a `$ref` into another file keeps its fragment:
a schema in another Swagger file is still found at `other.yaml#/definitions/X`, and schemas are
the same in both versions. Parameters, responses and path items are not: one that lives in
another file is read here, converted and written inline, with the references inside it rebased
onto the root document's folder (a `$ref` that cannot be read is left for the resolver to
report).

Anything that has no OpenAPI 3 equivalent is reported as a W2xx warning at its place in the
original file; conversion never raises.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.diagnostics import Diagnostics, Location
from generator.load.sources import LoadError, Sources
from generator.load.specdata import MISSING, follow
from generator.pointers import fragment_escape, fragment_unescape

OPENAPI_VERSION = "3.0.3"

_JSON = "application/json"
_MULTIPART = "multipart/form-data"
_URLENCODED = "application/x-www-form-urlencoded"
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
# Keywords of a non-body parameter, a header or an Items object that describe its value.
_VALUE_KEYWORDS = frozenset(
    {
        "type",
        "format",
        "items",
        "default",
        "maximum",
        "exclusiveMaximum",
        "minimum",
        "exclusiveMinimum",
        "maxLength",
        "minLength",
        "pattern",
        "maxItems",
        "minItems",
        "uniqueItems",
        "enum",
        "multipleOf",
        "x-nullable",
    }
)
# Schema keywords whose value is data, not schemas: never walked for `$ref`s.
_LITERAL_KEYWORDS = frozenset({"example", "examples", "default", "enum", "const", "x-example"})
_SUBSCHEMA_KEYWORDS = frozenset({"items", "additionalProperties", "not"})
_SCHEMA_LIST_KEYWORDS = frozenset({"allOf", "anyOf", "oneOf"})
_OAUTH_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}
_QUERY_STYLES = {
    "csv": ("form", False),
    "multi": ("form", True),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
}

Pointer = tuple[str, ...]
# Where a converted node came from and where it goes, both in the root document; None when the
# node is copied inline from elsewhere (no local `$ref` can point at its new place).
Track = tuple[Pointer, Pointer] | None


def swagger_to_openapi(
    document: dict[str, Any], file: str, diagnostics: Diagnostics, roots: tuple[Path, ...] = ()
) -> dict[str, Any]:
    """The OpenAPI 3.0 form of the Swagger 2.0 `document` read from `file` (its display name).
    `roots`: the folders referenced files may be read from (default: the document's)."""
    try:
        return _Converter(document, file, diagnostics, roots).convert()
    except RecursionError:  # a YAML alias that contains itself, or absurd nesting
        diagnostics.error(
            "E202",
            "the document nests too deeply (or contains itself) to be converted from Swagger 2.0",
            Location(file),
            "remove the self-referencing YAML anchor; use $ref instead",
        )
        info = document.get("info") if isinstance(document, dict) else None
        return {
            "openapi": OPENAPI_VERSION,
            "info": dict(info) if isinstance(info, dict) else {},
            "paths": {},
        }


@dataclass(frozen=True, slots=True)
class _Scope:
    """A file whose nodes are being converted: `base` is its path relative to the root's folder
    ("" for the root document itself), `display` the name diagnostics use."""

    base: str
    display: str
    data: Any


@dataclass(frozen=True, slots=True)
class _Target:
    """A node found by following `$ref`s: where it is, and its fragment split into parts."""

    node: Any
    scope: _Scope
    where: Location
    parts: Pointer


@dataclass(slots=True, eq=False)
class _Param:
    """One parameter of an operation or path item, its `$ref`s followed."""

    node: Any  # the parameter object, or the entry as written when it cannot be followed
    scope: _Scope
    where: Location
    index: int  # position in the list it was written in
    component: str | None  # X when it is the root document's `#/parameters/X`
    kind: str  # body, form, param, or opaque when it cannot be followed


def _parameter_kind(node: Any) -> str:
    """Where a Swagger 2 parameter goes: the request body, a form field, or a parameter."""
    if not isinstance(node, dict):
        return "opaque"
    return {"body": "body", "formData": "form"}.get(str(node.get("in")), "param")


class _Converter:
    def __init__(
        self, document: Any, file: str, diagnostics: Diagnostics, roots: tuple[Path, ...] = ()
    ) -> None:
        self.document: dict[str, Any] = document if isinstance(document, dict) else {}
        self.file = file
        self.diagnostics = diagnostics
        self.root = _Scope("", file, self.document)
        self.root_dir = Path(file).parent
        self.root_name = posixpath.normpath(Path(file).name)
        self.consumes = _media_types(self.document.get("consumes")) or [_JSON]
        self.produces = _media_types(self.document.get("produces")) or [_JSON]
        self.moves: dict[Pointer, Pointer] = {}
        self.refs: list[tuple[dict[str, Any], _Scope]] = []
        self._files: dict[str, _Scope | None] = {}
        self._sources: Sources | None = None
        self._roots = roots
        self._is_root: dict[str, bool] = {}
        self._resolved: dict[tuple[str, str], _Target | None] = {}

    # --- the document ---------------------------------------------------------------------

    def convert(self) -> dict[str, Any]:
        doc = self.document
        out: dict[str, Any] = {"openapi": OPENAPI_VERSION}
        components = self._components()
        servers = self._servers(doc.get("schemes"))
        server_keys = ("host", "basePath", "schemes")
        component_keys = ("definitions", "parameters", "responses", "securityDefinitions")
        # Servers go where the host was written, else right after the info.
        servers_after_info = not any(key in doc for key in server_keys)
        for key, value in doc.items():
            if key in ("swagger", "openapi", "consumes", "produces"):
                continue
            if key in server_keys:
                out.setdefault("servers", servers)
            elif key in component_keys:
                if components:
                    out.setdefault("components", components)
            elif key == "paths":
                out["paths"] = self._paths(value)
            else:
                out[key] = self._data(value, self.root)
                if key == "info" and servers_after_info:
                    out["servers"] = servers
        out.setdefault("servers", servers)
        if components:
            out.setdefault("components", components)
        for holder, scope in self.refs:
            holder["$ref"] = self._final_ref(holder["$ref"], scope)
        return out

    def _servers(self, schemes: Any) -> list[dict[str, Any]]:
        host = self.document.get("host")
        base = self.document.get("basePath")
        base = base if isinstance(base, str) else ""
        if base and not base.startswith("/"):
            base = "/" + base
        if not isinstance(host, str) or not host.strip():
            return [{"url": base or "/"}]
        names: list[str] = []
        for scheme in schemes if isinstance(schemes, list) else []:
            if isinstance(scheme, str) and scheme and scheme not in names:
                names.append(scheme)
        if "https" in names:
            names.remove("https")
            names.insert(0, "https")
        return [{"url": f"{scheme}://{host.strip()}{base}"} for scheme in names or ["https"]]

    def _components(self) -> dict[str, Any]:
        doc = self.document
        root = Location(self.file)
        out: dict[str, Any] = {}
        self.moves[("definitions",)] = ("components", "schemas")
        self.moves[("parameters",)] = ("components", "parameters")
        self.moves[("responses",)] = ("components", "responses")
        self.moves[("securityDefinitions",)] = ("components", "securitySchemes")
        if "definitions" in doc:
            definitions = doc["definitions"]
            out["schemas"] = (
                {str(name): self._schema(schema, self.root) for name, schema in definitions.items()}
                if isinstance(definitions, dict)
                else self._data(definitions, self.root)
            )
        responses = doc.get("responses")
        if isinstance(responses, dict):
            converted: dict[str, Any] = {}
            for name, response in responses.items():
                name = str(name)
                track: Track = (("responses", name), ("components", "responses", name))
                converted[name] = self._response_entry(
                    response,
                    root.child("responses", name),
                    self.root,
                    self.produces,
                    track,
                    component=name,
                )
            out["responses"] = converted
        parameters = doc.get("parameters")
        if isinstance(parameters, dict):
            params: dict[str, Any] = {}
            bodies: dict[str, Any] = {}
            for name, raw in parameters.items():
                name = str(name)
                param = self._param(raw, root.child("parameters", name), self.root, 0)
                kind = param.kind
                if kind == "body":
                    track = (("parameters", name), ("components", "requestBodies", name))
                    bodies[name] = self._request_body(param, self.consumes, track)
                elif kind == "form":
                    pass  # no OpenAPI 3 equivalent on its own: copied into each operation
                else:
                    track = (("parameters", name), ("components", "parameters", name))
                    params[name] = self._parameter(param, track)
            if params:
                out["parameters"] = params
            if bodies:
                out["requestBodies"] = bodies
        schemes = doc.get("securityDefinitions")
        if isinstance(schemes, dict):
            out["securitySchemes"] = {
                str(name): self._security_scheme(
                    scheme, root.child("securityDefinitions", str(name))
                )
                for name, scheme in schemes.items()
            }
        return out

    def _security_scheme(self, raw: Any, where: Location) -> Any:
        if not isinstance(raw, dict):
            return self._data(raw, self.root)
        kind = raw.get("type")
        extensions = {
            k: self._data(v, self.root) for k, v in raw.items() if str(k).startswith("x-")
        }
        if kind == "basic":
            out: dict[str, Any] = {"type": "http", "scheme": "basic"}
            if "description" in raw:
                out["description"] = raw["description"]
            return {**out, **extensions}
        if kind == "oauth2":
            out = {"type": "oauth2"}
            if "description" in raw:
                out["description"] = raw["description"]
            flow = raw.get("flow")
            name = _OAUTH_FLOWS.get(flow) if isinstance(flow, str) else None
            if name is None:
                self.diagnostics.warning(
                    "W203",
                    f"unknown oauth2 flow {flow!r}; the scheme has no flows",
                    where.child("flow"),
                    "Swagger 2.0 flows are implicit, password, application and accessCode",
                )
                out["flows"] = {}
                return {**out, **extensions}
            details: dict[str, Any] = {}
            if flow in ("implicit", "accessCode"):
                details["authorizationUrl"] = raw.get("authorizationUrl", "")
            if flow in ("password", "application", "accessCode"):
                details["tokenUrl"] = raw.get("tokenUrl", "")
            scopes = raw.get("scopes")
            details["scopes"] = _copy(scopes) if isinstance(scopes, dict) else {}
            out["flows"] = {name: details}
            return {**out, **extensions}
        if kind != "apiKey":
            self.diagnostics.warning(
                "W203",
                f"unknown security scheme type {kind!r}; copied unchanged",
                where.child("type"),
                "Swagger 2.0 security types are basic, apiKey and oauth2",
            )
        return self._data(raw, self.root)

    # --- paths and operations ---------------------------------------------------------------

    def _paths(self, paths: Any) -> Any:
        if not isinstance(paths, dict):
            return self._data(paths, self.root)
        root = Location(self.file)
        out: dict[str, Any] = {}
        for path, item in paths.items():
            path = str(path)
            where = root.child("paths", path)
            if path.startswith("x-"):
                out[path] = self._data(item, self.root)
            else:
                out[path] = self._path_item(
                    item, where, self.root, (("paths", path), ("paths", path))
                )
        return out

    def _path_item(self, item: Any, where: Location, scope: _Scope, track: Track) -> Any:
        if not isinstance(item, dict):
            return self._data(item, scope)
        if "$ref" in item:
            target = self._deref(item, scope, where)
            if target is None or not isinstance(target.node, dict):
                return self._data(item, scope)  # left for the resolver to report
            out = self._path_item(target.node, target.where, target.scope, None)
            siblings = {k: v for k, v in item.items() if k != "$ref"}
            if siblings and isinstance(out, dict):
                extra = self._path_item(siblings, where, scope, track)
                if isinstance(extra, dict):
                    out.update(extra)
            return out
        params = self._params(item.get("parameters"), where, scope)
        shared = [p for p in params if p.kind in ("param", "opaque")]
        moved = [p for p in params if p.kind in ("body", "form")]
        out = {}
        for key, value in item.items():
            if key == "parameters":
                if not isinstance(value, list):
                    out[key] = self._data(value, scope)
                elif shared:
                    out[key] = self._parameter_list(shared, _child(track, "parameters"))
            elif str(key).lower() in _METHODS:
                out[key] = self._operation(
                    value, where.child(str(key)), scope, _child(track, str(key)), moved
                )
            else:
                out[key] = self._data(value, scope)
        return out

    def _operation(
        self, operation: Any, where: Location, scope: _Scope, track: Track, inherited: list[_Param]
    ) -> Any:
        if not isinstance(operation, dict):
            return self._data(operation, scope)
        consumes = _media_types(operation.get("consumes")) or self.consumes
        produces = _media_types(operation.get("produces")) or self.produces
        raw_params = operation.get("parameters")
        params = self._params(raw_params, where, scope)
        own = [p for p in params if p.kind in ("param", "opaque")]
        body = self._body_of(inherited, params, consumes, track)
        out: dict[str, Any] = {}
        for key, value in operation.items():
            if key in ("consumes", "produces"):
                continue
            if key == "parameters":
                if not isinstance(value, list):
                    out[key] = self._data(value, scope)
                elif own:
                    out[key] = self._parameter_list(own, _child(track, "parameters"))
                if body is not None:
                    out.setdefault("requestBody", body)
            elif key == "responses":
                if body is not None and not isinstance(raw_params, list):
                    out.setdefault("requestBody", body)  # where the parameters would be
                out[key] = self._responses(
                    value, where.child("responses"), scope, produces, _child(track, "responses")
                )
            elif key == "schemes":
                host = self.document.get("host")
                if isinstance(host, str) and host.strip() and isinstance(value, list) and value:
                    out["servers"] = self._servers(value)
            else:
                out[key] = self._data(value, scope)
        if body is not None:
            out.setdefault("requestBody", body)
        return out

    def _body_of(
        self, inherited: list[_Param], params: list[_Param], consumes: list[str], track: Track
    ) -> dict[str, Any] | None:
        """The request body of an operation, from its body or formData parameters and those of
        its path item (the operation's own win)."""
        own_bodies = [p for p in params if p.kind == "body"]
        shared_bodies = [p for p in inherited if p.kind == "body"]
        for extra in [*own_bodies[1:], *shared_bodies[1:]]:
            self.diagnostics.warning(
                "W202",
                "an operation has at most one body parameter; this one is ignored",
                extra.where,
            )
        own_form = any(p.kind == "form" for p in params)
        fields: dict[str, _Param] = {}
        for param in [*inherited, *params]:
            if param.kind == "form":
                fields[str(param.node.get("name"))] = param
        # The operation's own parameters win over its path item's.
        body = own_bodies[0] if own_bodies else None
        if body is None and shared_bodies and not own_form:
            body = shared_bodies[0]
        ignored = list(fields.values()) if body is not None else shared_bodies[:1] if fields else []
        if ignored:
            what = "formData parameters are" if body is not None else "body parameter is"
            self.diagnostics.warning(
                "W202",
                f"an operation cannot have both a body and formData parameters; the {what} ignored",
                ignored[0].where,
                "send the form fields as properties of the body schema, or the other way round",
            )
        if body is not None:
            body_track = None
            if track is not None and any(body is p for p in params):
                body_track = (
                    track[0] + ("parameters", str(body.index)),
                    track[1] + ("requestBody",),
                )
            return self._request_body(body, consumes, body_track)
        if fields:
            own = [field for field in fields.values() if any(field is p for p in params)]
            return self._form_body(list(fields.values()), consumes, track, own)
        return None

    # --- parameters ----------------------------------------------------------------------------

    def _params(self, raw: Any, where: Location, scope: _Scope) -> list[_Param]:
        if not isinstance(raw, list):
            return []
        return [
            self._param(item, where.child("parameters", index), scope, index)
            for index, item in enumerate(raw)
        ]

    def _param(self, raw: Any, where: Location, scope: _Scope, index: int) -> _Param:
        if isinstance(raw, dict) and "$ref" in raw:
            target = self._deref(raw, scope, where)
            if target is None or not isinstance(target.node, dict):
                return _Param(raw, scope, where, index, None, "opaque")
            component = None
            if (
                target.scope is self.root
                and len(target.parts) == 2
                and target.parts[0] == "parameters"
            ):
                component = target.parts[1]
            return _Param(
                target.node,
                target.scope,
                target.where,
                index,
                component,
                _parameter_kind(target.node),
            )
        return _Param(raw, scope, where, index, None, _parameter_kind(raw))

    def _parameter_list(self, params: list[_Param], track: Track) -> list[Any]:
        out: list[Any] = []
        for param in params:
            param_track = None
            if track is not None:
                param_track = (track[0] + (str(param.index),), track[1] + (str(len(out)),))
            if param.kind == "opaque":
                out.append(self._data(param.node, param.scope))
            elif param.component is not None:
                out.append({"$ref": "#/components/parameters/" + fragment_escape(param.component)})
                if param_track is not None:
                    self.moves[param_track[0]] = param_track[1]
            else:
                out.append(self._parameter(param, param_track))
        return out

    def _parameter(self, param: _Param, track: Track) -> Any:
        """A query, path, header (or cookie) parameter: its value keywords become `schema`."""
        node, scope = param.node, param.scope
        if param.kind == "opaque":
            return self._data(node, scope)
        if track is not None:
            self.moves[track[0]] = track[1]
            self.moves[track[0] + ("items",)] = track[1] + ("schema", "items")
        place = node.get("in")
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _VALUE_KEYWORDS:
                if "schema" not in out:
                    out["schema"] = self._value_schema(node, param.where, scope)
                    style = self._style(node, param.where, str(place))
                    if style is not None:
                        out["style"], out["explode"] = style
            elif key == "collectionFormat":
                continue
            elif key == "schema":
                out["schema"] = self._schema(value, scope)
            else:
                out[key] = self._data(value, scope)
        return out

    def _header(self, node: Any, where: Location, scope: _Scope) -> Any:
        if not isinstance(node, dict) or "$ref" in node:
            return self._data(node, scope)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _VALUE_KEYWORDS:
                if "schema" not in out:
                    out["schema"] = self._value_schema(node, where, scope)
                    style = self._style(node, where, "header")
                    if style is not None:
                        out["style"], out["explode"] = style
            elif key != "collectionFormat":
                out[key] = self._data(value, scope)
        return out

    def _value_schema(self, node: dict[str, Any], where: Location, scope: _Scope) -> dict[str, Any]:
        """The schema described by the value keywords of a parameter, header or Items object."""
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key not in _VALUE_KEYWORDS:
                continue
            if key == "items":
                out[key] = self._items(value, where.child("items"), scope)
            elif key in _LITERAL_KEYWORDS:
                out[key] = _copy(value)
            else:
                out[key] = self._data(value, scope)
        if out.get("type") == "file":
            out["type"] = "string"
            out["format"] = "binary"
        return out

    def _items(self, node: Any, where: Location, scope: _Scope) -> Any:
        if not isinstance(node, dict) or "$ref" in node:
            return self._schema(node, scope)
        if node.get("type") == "array" and "collectionFormat" in node:
            self.diagnostics.warning(
                "W201",
                "collectionFormat of nested arrays has no OpenAPI 3 equivalent; it is dropped",
                where.child("collectionFormat"),
                "send the inner arrays as strings the server splits",
            )
        out = self._value_schema(node, where, scope)
        for key, value in node.items():  # keywords an Items object should not have: keep them
            if key not in _VALUE_KEYWORDS and key != "collectionFormat":
                out[key] = self._data(value, scope)
        return out

    def _style(self, node: dict[str, Any], where: Location, place: str) -> tuple[str, bool] | None:
        """`collectionFormat` as `style` and `explode`; Swagger's default for arrays is csv."""
        if node.get("type") != "array":
            return None
        written = node.get("collectionFormat", "csv")
        fmt = str(written)
        at = where.child("collectionFormat")
        if place in ("query", "formData"):
            style = _QUERY_STYLES.get(fmt)
            if style is None:
                self._collection_warning(fmt, place, at, "style form, explode false (commas)")
                style = ("form", False)
            return style
        if place in ("path", "header"):
            if fmt != "csv":
                self._collection_warning(fmt, place, at, "style simple (commas)")
            return ("simple", False)
        return None

    def _collection_warning(self, fmt: str, place: str, where: Location, fallback: str) -> None:
        self.diagnostics.warning(
            "W201",
            f"collectionFormat {fmt!r} of a {place} parameter has no OpenAPI 3 "
            f"equivalent; it is sent as {fallback}",
            where,
            "use csv, multi, ssv or pipes (query) or csv (path, header) if the server accepts it",
        )

    # --- request bodies ------------------------------------------------------------------------

    def _request_body(self, param: _Param, consumes: list[str], track: Track) -> dict[str, Any]:
        if param.component is not None and consumes == self.consumes:
            return {"$ref": "#/components/requestBodies/" + fragment_escape(param.component)}
        node, scope = param.node, param.scope
        if track is not None:
            self.moves[track[0]] = track[1]
        out: dict[str, Any] = {}
        content: dict[str, Any] | None = None
        for key, value in node.items():
            if key in ("name", "in"):
                continue
            if key == "schema" or (key in _VALUE_KEYWORDS and "schema" not in node):
                if content is None:
                    schema = (
                        self._schema(value, scope)
                        if key == "schema"
                        else self._value_schema(node, param.where, scope)
                    )
                    content = out["content"] = {ct: {"schema": schema} for ct in consumes}
                    if track is not None:
                        self.moves[track[0] + ("schema",)] = track[1] + (
                            "content",
                            consumes[0],
                            "schema",
                        )
            elif key != "collectionFormat":
                out[key] = self._data(value, scope)
        if content is None:
            out["content"] = {ct: {} for ct in consumes}
        name = node.get("name")
        if isinstance(name, str) and name:
            out["x-codegen-request-body-name"] = name
        return out

    def _form_body(
        self, fields: list[_Param], consumes: list[str], track: Track, own: list[_Param]
    ) -> dict[str, Any]:
        multipart = any(f.node.get("type") == "file" for f in fields) or any(
            _base_type(ct) == _MULTIPART for ct in consumes
        )
        content_type = _MULTIPART if multipart else _URLENCODED
        properties: dict[str, Any] = {}
        required: list[str] = []
        encoding: dict[str, Any] = {}
        for field in fields:
            node, scope = field.node, field.scope
            name = str(node.get("name"))
            if track is not None and any(field is p for p in own):
                self.moves[track[0] + ("parameters", str(field.index))] = track[1] + (
                    "requestBody",
                    "content",
                    content_type,
                    "schema",
                    "properties",
                    name,
                )
            schema = (
                self._schema(node["schema"], scope)
                if "schema" in node and "type" not in node
                else self._value_schema(node, field.where, scope)
            )
            for key, value in node.items():
                if key == "description" or str(key).startswith("x-"):
                    schema[key] = self._data(value, scope)
            properties[name] = schema
            if node.get("required") is True:
                required.append(name)
            style = self._style(node, field.where, "formData")
            if style is not None:
                encoding[name] = {"style": style[0], "explode": style[1]}
        schema_out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema_out["required"] = required
        media: dict[str, Any] = {"schema": schema_out}
        if encoding:
            media["encoding"] = encoding
        body: dict[str, Any] = {"content": {content_type: media}}
        if required:
            body["required"] = True
        return body

    # --- responses ------------------------------------------------------------------------------

    def _responses(
        self, responses: Any, where: Location, scope: _Scope, produces: list[str], track: Track
    ) -> Any:
        if not isinstance(responses, dict):
            return self._data(responses, scope)
        out: dict[str, Any] = {}
        for code, response in responses.items():
            code = str(code)
            if code.startswith("x-"):
                out[code] = self._data(response, scope)
            else:
                out[code] = self._response_entry(
                    response, where.child(code), scope, produces, _child(track, code)
                )
        return out

    def _response_entry(
        self,
        response: Any,
        where: Location,
        scope: _Scope,
        produces: list[str],
        track: Track,
        component: str | None = None,
    ) -> Any:
        if isinstance(response, dict) and "$ref" in response:
            target = self._deref(response, scope, where)
            if target is None or not isinstance(target.node, dict):
                return self._data(response, scope)  # left for the resolver to report
            if (
                target.scope is self.root
                and len(target.parts) == 2
                and target.parts[0] == "responses"
                and target.parts[1] != component
                and ("schema" not in target.node or produces == self.produces)
            ):
                return {"$ref": "#/components/responses/" + fragment_escape(target.parts[1])}
            return self._response(target.node, target.where, target.scope, produces, None)
        return self._response(response, where, scope, produces, track)

    def _response(
        self, response: Any, where: Location, scope: _Scope, produces: list[str], track: Track
    ) -> Any:
        if not isinstance(response, dict):
            return self._data(response, scope)
        out: dict[str, Any] = {}
        examples: Any = None
        for key, value in response.items():
            if key == "schema":
                schema = self._schema(value, scope)
                out["content"] = {ct: {"schema": schema} for ct in produces}
                if track is not None:
                    self.moves[track[0] + ("schema",)] = track[1] + (
                        "content",
                        produces[0],
                        "schema",
                    )
            elif key == "headers" and isinstance(value, dict):
                out[key] = {
                    str(name): self._header(header, where.child("headers", str(name)), scope)
                    for name, header in value.items()
                }
            elif key == "examples":
                examples = value
            else:
                out[key] = self._data(value, scope)
        content = out.get("content")
        if isinstance(examples, dict) and isinstance(content, dict):
            for media_type, example in examples.items():
                if media_type in content:
                    content[media_type]["example"] = _copy(example)
        return out

    # --- schemas and plain data -----------------------------------------------------------------

    def _schema(self, node: Any, scope: _Scope) -> Any:
        if not isinstance(node, dict):
            return self._data(node, scope)
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self._schema(prop, scope) for name, prop in value.items()}
            elif key in _SUBSCHEMA_KEYWORDS:
                out[key] = (
                    [self._schema(item, scope) for item in value]
                    if isinstance(value, list)
                    else self._schema(value, scope)
                )
            elif key in _SCHEMA_LIST_KEYWORDS and isinstance(value, list):
                out[key] = [self._schema(item, scope) for item in value]
            elif key in _LITERAL_KEYWORDS:
                out[key] = _copy(value)
            elif key == "discriminator" and isinstance(value, str):
                out[key] = {"propertyName": value}
            elif isinstance(value, (dict, list)):
                out[key] = self._data(value, scope)
            else:
                out[key] = value
        if out.get("type") == "file":
            out["type"] = "string"
            out["format"] = "binary"
        if isinstance(out.get("$ref"), str):
            self.refs.append((out, scope))
        return out

    def _data(self, node: Any, scope: _Scope) -> Any:
        """A copy of `node` whose `$ref`s are rewritten at the end."""
        if isinstance(node, dict):
            out = {
                key: self._data(value, scope) if isinstance(value, (dict, list)) else value
                for key, value in node.items()
            }
            if isinstance(out.get("$ref"), str):
                self.refs.append((out, scope))
            return out
        if isinstance(node, list):
            return [
                self._data(item, scope) if isinstance(item, (dict, list)) else item for item in node
            ]
        return node

    # --- references ---------------------------------------------------------------------------

    def _deref(self, node: Any, scope: _Scope, where: Location) -> _Target | None:
        """Follow `$ref`s from `node` to a node that is not a reference; None if one fails."""
        target = _Target(node, scope, where, ())
        seen: set[tuple[str, Pointer]] = set()
        while isinstance(target.node, dict) and "$ref" in target.node:
            ref = target.node["$ref"]
            if not isinstance(ref, str) or len(seen) > 50:
                return None
            found = self._resolve(ref, target.scope)
            if found is None or (found.scope.base, found.parts) in seen:
                return None
            seen.add((found.scope.base, found.parts))
            target = found
        return target

    def _resolve(self, ref: str, scope: _Scope) -> _Target | None:
        key = (scope.base, ref)
        if key in self._resolved:
            return self._resolved[key]
        found = self._resolve_uncached(ref, scope)
        self._resolved[key] = found
        return found

    def _resolve_uncached(self, ref: str, scope: _Scope) -> _Target | None:
        file_part, _, fragment = ref.partition("#")
        if file_part:
            if "://" in file_part:
                return None  # remote references are not fetched
            found = self._scope_of(self._relative(file_part, scope))
            if found is None:
                return None
            scope = found
        parts = [fragment_unescape(raw) for raw in (fragment.split("/")[1:] if fragment else [])]
        node = follow(scope.data, parts)
        if node is MISSING:
            return None
        return _Target(node, scope, Location(scope.display).child(*parts), tuple(parts))

    def _relative(self, file_part: str, scope: _Scope) -> str:
        """The path of a file referred to from `scope`, relative to the root's folder."""
        return posixpath.normpath(posixpath.join(posixpath.dirname(scope.base), unquote(file_part)))

    def _names_root(self, relative: str) -> bool:
        """Whether `relative` is the root document itself (`swagger.yaml#/definitions/X`)."""
        found = self._is_root.get(relative)
        if found is None:
            found = relative == self.root_name
            if not found and relative.endswith(self.root_name):
                try:
                    found = (self.root_dir / relative).resolve() == Path(self.file).resolve()
                except (OSError, ValueError):
                    found = False
            self._is_root[relative] = found
        return found

    def _scope_of(self, relative: str) -> _Scope | None:
        if self._names_root(relative):
            return self.root
        if relative in self._files:
            return self._files[relative]
        if self._sources is None:
            # A private sink: a file that cannot be read is reported by the resolver.
            self._sources = Sources(self.root_dir, Diagnostics(), roots=self._roots)
        scope: _Scope | None
        try:
            source = self._sources.load(self.root_dir / relative)
            scope = _Scope(relative, source.display, source.data)
        except (LoadError, OSError, ValueError):
            scope = None
        self._files[relative] = scope
        return scope

    def _final_ref(self, ref: str, scope: _Scope) -> str:
        """`ref` as written in `scope`, as it must read in the converted root document."""
        file_part, hash_sign, fragment = ref.partition("#")
        if "://" in file_part:
            return ref
        relative = self._relative(file_part, scope) if file_part else scope.base
        if (scope is self.root and not file_part) or self._names_root(relative):
            return "#" + self._moved(fragment)
        if scope is self.root:
            return ref  # into another file, which the resolver reads unconverted
        encoded = relative.replace("%", "%25").replace("#", "%23")
        return encoded + hash_sign + fragment

    def _moved(self, fragment: str) -> str:
        if not fragment.startswith("/"):
            return fragment
        parts = tuple(fragment_unescape(raw) for raw in fragment.split("/")[1:])
        for length in range(len(parts), 0, -1):
            moved = self.moves.get(parts[:length])
            if moved is not None:
                return "".join("/" + fragment_escape(part) for part in moved + parts[length:])
        return fragment


# --- helpers ------------------------------------------------------------------------------------


def _media_types(value: Any) -> list[str] | None:
    if isinstance(value, list):
        found = [item for item in value if isinstance(item, str) and item.strip()]
        if found:
            return list(dict.fromkeys(found))
    return None


def _base_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def _child(track: Track, *parts: str) -> Track:
    if track is None:
        return None
    return track[0] + parts, track[1] + parts


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value
