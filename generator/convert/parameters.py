"""Swagger 2.0 conversion of what an operation sends and receives: parameters (a `schema`, a
`style` and `explode` from `type`, `items` and `collectionFormat`), body and formData
parameters as request bodies, and responses with their headers, as `content` per media type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.convert.refs import (
    LITERAL_KEYWORDS,
    ConverterBase,
    Scope,
    Track,
    child_track,
    copy_data,
)
from generator.diagnostics import Location
from generator.pointers import fragment_escape

_MULTIPART = "multipart/form-data"
_URLENCODED = "application/x-www-form-urlencoded"
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
_QUERY_STYLES = {
    "csv": ("form", False),
    "multi": ("form", True),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
}


@dataclass(slots=True, eq=False)
class Param:
    """One parameter of an operation or path item, its `$ref`s followed."""

    node: Any  # the parameter object, or the entry as written when it cannot be followed
    scope: Scope
    where: Location
    index: int  # position in the list it was written in
    component: str | None  # X when it is the root document's `#/parameters/X`
    kind: str  # body, form, param, or opaque when it cannot be followed


def parameter_kind(node: Any) -> str:
    """Where a Swagger 2 parameter goes: the request body, a form field, or a parameter."""
    if not isinstance(node, dict):
        return "opaque"
    return {"body": "body", "formData": "form"}.get(str(node.get("in")), "param")


class ParameterConverter(ConverterBase):
    def _body_of(
        self, inherited: list[Param], params: list[Param], consumes: list[str], track: Track
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
        fields: dict[str, Param] = {}
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

    def _params(self, raw: Any, where: Location, scope: Scope) -> list[Param]:
        if not isinstance(raw, list):
            return []
        return [
            self._param(item, where.child("parameters", index), scope, index)
            for index, item in enumerate(raw)
        ]

    def _param(self, raw: Any, where: Location, scope: Scope, index: int) -> Param:
        if isinstance(raw, dict) and "$ref" in raw:
            target = self._deref(raw, scope, where)
            if target is None or not isinstance(target.node, dict):
                return Param(raw, scope, where, index, None, "opaque")
            component = None
            if (
                target.scope is self.root
                and len(target.parts) == 2
                and target.parts[0] == "parameters"
            ):
                component = target.parts[1]
            return Param(
                target.node,
                target.scope,
                target.where,
                index,
                component,
                parameter_kind(target.node),
            )
        return Param(raw, scope, where, index, None, parameter_kind(raw))

    def _parameter_list(self, params: list[Param], track: Track) -> list[Any]:
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

    def _parameter(self, param: Param, track: Track) -> Any:
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

    def _header(self, node: Any, where: Location, scope: Scope) -> Any:
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

    def _value_schema(self, node: dict[str, Any], where: Location, scope: Scope) -> dict[str, Any]:
        """The schema described by the value keywords of a parameter, header or Items object."""
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key not in _VALUE_KEYWORDS:
                continue
            if key == "items":
                out[key] = self._items(value, where.child("items"), scope)
            elif key in LITERAL_KEYWORDS:
                out[key] = copy_data(value)
            else:
                out[key] = self._data(value, scope)
        if out.get("type") == "file":
            out["type"] = "string"
            out["format"] = "binary"
        return out

    def _items(self, node: Any, where: Location, scope: Scope) -> Any:
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

    def _request_body(self, param: Param, consumes: list[str], track: Track) -> dict[str, Any]:
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
        self, fields: list[Param], consumes: list[str], track: Track, own: list[Param]
    ) -> dict[str, Any]:
        multipart = any(f.node.get("type") == "file" for f in fields) or any(
            base_type(ct) == _MULTIPART for ct in consumes
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

    def _responses(
        self, responses: Any, where: Location, scope: Scope, produces: list[str], track: Track
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
                    response, where.child(code), scope, produces, child_track(track, code)
                )
        return out

    def _response_entry(
        self,
        response: Any,
        where: Location,
        scope: Scope,
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
        self, response: Any, where: Location, scope: Scope, produces: list[str], track: Track
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
                    content[media_type]["example"] = copy_data(example)
        return out


def base_type(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()
