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

from pathlib import Path
from typing import Any

from generator.convert.parameters import Param, ParameterConverter
from generator.convert.refs import Scope, Track, child_track, copy_data, media_types
from generator.diagnostics import Diagnostics, Location

OPENAPI_VERSION = "3.0.3"

_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch"})
_OAUTH_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


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


class _Converter(ParameterConverter):
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
            details["scopes"] = copy_data(scopes) if isinstance(scopes, dict) else {}
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

    def _path_item(self, item: Any, where: Location, scope: Scope, track: Track) -> Any:
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
                    out[key] = self._parameter_list(shared, child_track(track, "parameters"))
            elif str(key).lower() in _METHODS:
                out[key] = self._operation(
                    value, where.child(str(key)), scope, child_track(track, str(key)), moved
                )
            else:
                out[key] = self._data(value, scope)
        return out

    def _operation(
        self, operation: Any, where: Location, scope: Scope, track: Track, inherited: list[Param]
    ) -> Any:
        if not isinstance(operation, dict):
            return self._data(operation, scope)
        consumes = media_types(operation.get("consumes")) or self.consumes
        produces = media_types(operation.get("produces")) or self.produces
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
                    out[key] = self._parameter_list(own, child_track(track, "parameters"))
                if body is not None:
                    out.setdefault("requestBody", body)
            elif key == "responses":
                if body is not None and not isinstance(raw_params, list):
                    out.setdefault("requestBody", body)  # where the parameters would be
                out[key] = self._responses(
                    value,
                    where.child("responses"),
                    scope,
                    produces,
                    child_track(track, "responses"),
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
