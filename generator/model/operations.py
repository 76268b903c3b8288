"""Operations: paths and methods to resources and methods, with parameters, bodies and responses.

Types are built through the schema builder and referred to by name; resources are put together
in a second step (`finish`), once every definition is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import callpaths, ir, pagination, retries
from generator.model.bounded import is_small, scalar_text
from generator.model.deprecation import note as deprecation_note
from generator.model.examples import argument as example_argument
from generator.model.inference import Facts, response_lists
from generator.model.naming import (
    CLIENT_ATTRIBUTES,
    METHOD_RESERVED,
    Namer,
    class_identifier,
    isort_key,
    pascal_case,
    snake_identifier,
)
from generator.model.resolve import Resolver
from generator.model.resources import resource_nodes
from generator.model.schemas import SchemaBuilder

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BODY_PREFERENCE = (
    "application/json",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
)


@dataclass(slots=True)
class _ParamDraft:
    name: str
    wire_name: str
    location_in: str
    type: ir.TypeExpr
    required: bool
    description: str | None
    style: str | None
    explode: bool | None
    deprecated: bool
    location: Location
    example: tuple[Any, ...] = ()  # (value,) when the spec gives one
    default: object = None  # the schema's default, when it gives one
    deprecation: str | None = None


@dataclass(slots=True)
class _BodyFieldDraft:
    name: str
    wire_name: str
    type: ir.TypeExpr
    required: bool
    description: str | None
    is_file: bool
    is_stream_flag: bool
    deprecation: str | None = None


@dataclass(slots=True)
class _OpDraft:
    operation_id: str
    spec_id: str | None  # the operationId as written
    tag: str | None
    extensions: dict[str, Any]  # the operation's `x-` keys, for naming
    http_method: str
    path: str
    summary: str | None
    description: str | None
    deprecated: bool
    location: Location
    params: list[_ParamDraft] = field(default_factory=list)
    body_content_type: str | None = None
    body_required: bool = False
    body_fields: list[_BodyFieldDraft] | None = None
    body_whole: ir.TypeExpr | None = None
    body_description: str | None = None
    body_location: Location | None = None
    response: ir.TypeExpr | None = None
    response_kind: str = "none"
    stream: ir.TypeExpr | None = None
    stream_mode: str | None = None
    stream_argument: str | None = None
    errors: list[tuple[str, ir.TypeExpr]] = field(default_factory=list)
    method_name: str = ""  # decided for all operations at once, in `finish`
    resource: tuple[str, ...] = ()
    security: tuple[tuple[str, ...], ...] = ()
    body_example: tuple[Any, ...] = ()  # (value,) when the spec gives one
    body_argument: str | None = None  # the argument taking a body that is not exploded
    retry: ir.RetrySettings | None = None
    idempotency_header: str | None = None  # the operation's own header, when it declares one
    idempotency_argument: str | None = None
    idempotency_option: bool = False
    response_headers: frozenset[str] = frozenset()  # lower-case names, success response
    pagination: ir.Pagination | None = None
    deprecation: str | None = None


class OperationBuilder:
    def __init__(
        self,
        document: dict[str, Any],
        file: str,
        resolver: Resolver,
        schemas: SchemaBuilder,
        diagnostics: Diagnostics,
        stream_flag: str,
        method_names: dict[str, str] | None = None,
        error_key: str | None = "error",
        retry_config: ir.RetrySettings | None = None,
        idempotency_header: str | None = retries.DEFAULT_IDEMPOTENCY_HEADER,
    ) -> None:
        self.document = document
        self.file = file
        self.resolver = resolver
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.stream_flag = stream_flag
        self.method_overrides = method_names or {}
        self.error_key = error_key
        self.renamed: set[str] = set()  # operationIds whose override was used
        self.drafts: list[_OpDraft] = []
        self.total = 0
        self._operation_ids = Namer()
        self.client_attributes = CLIENT_ATTRIBUTES  # a resource never takes one of these
        self._global_security = _security(document.get("security"))
        self.retry_config = retry_config
        self.idempotency_header = idempotency_header
        self.paging = pagination.PaginationBuilder(schemas.definitions, diagnostics)
        self.document_retry = retries.speakeasy_retries(
            document.get(retries.SPEAKEASY), Location(file).child(retries.SPEAKEASY), diagnostics
        )

    def build(self) -> None:
        paths = self.document.get("paths")
        root = Location(self.file)
        if not isinstance(paths, dict):
            if paths is not None:
                self.diagnostics.error("E401", "`paths` must be a mapping", root.child("paths"))
            return
        for path, item in paths.items():
            item_where = root.child("paths", str(path))
            resolved = self.resolver.deref(item, item_where)
            if resolved is None or not isinstance(resolved[0], dict):
                self._count_unusable(item)
                continue
            item, item_where = resolved
            shared = item.get("parameters") if isinstance(item.get("parameters"), list) else []
            for method in (key for key in item if str(key).lower() in HTTP_METHODS):
                self.total += 1
                op_where = item_where.child(str(method))
                op_resolved = self.resolver.deref(item[method], op_where)
                if op_resolved is None or not isinstance(op_resolved[0], dict):
                    self.diagnostics.error(
                        "E402",
                        f"{str(method).upper()} {path} is not an "
                        "operation object; it is not generated",
                        op_where,
                    )
                    continue
                operation, op_where = op_resolved
                self._operation(
                    str(path), str(method).lower(), operation, op_where, shared, item_where
                )

    def _count_unusable(self, item: Any) -> None:
        if isinstance(item, dict):
            self.total += sum(1 for key in item if str(key).lower() in HTTP_METHODS)

    # --- one operation ---------------------------------------------------------------------

    def _operation(
        self,
        path: str,
        method: str,
        operation: dict[str, Any],
        where: Location,
        shared: list[Any],
        item_where: Location,
    ) -> None:
        raw_id = operation.get("operationId")
        if not isinstance(raw_id, str) or not raw_id.strip():
            raw_id = f"{method}_{path}"
            self.diagnostics.info(
                "I401",
                f"{method.upper()} {path} has no operationId; it is named from its path",
                where,
            )
        operation_id = self._operation_ids.take(raw_id)
        if operation_id != raw_id:
            self.diagnostics.warning(
                "W401",
                f"duplicate operationId {raw_id!r}; this one is generated as {operation_id!r}",
                where.child("operationId"),
            )
        if operation.get("x-speakeasy-ignore") is True or operation.get("x-oagen-ignore") is True:
            self.diagnostics.info(
                "I402", f"{operation_id} is marked to be left out of SDKs; not generated", where
            )
            return
        if operation_id in self.method_overrides:
            self.renamed.add(operation_id)
        tags = operation.get("tags")
        tag = scalar_text(tags[0], "default") if isinstance(tags, list) and tags else None
        base = class_identifier(operation_id, "Operation")
        draft = _OpDraft(
            operation_id=operation_id,
            spec_id=operation.get("operationId")
            if raw_id == operation.get("operationId")
            else None,
            tag=tag,
            extensions={k: v for k, v in operation.items() if str(k).startswith("x-")},
            http_method=method.upper(),
            path=path,
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            deprecated=bool(operation.get("deprecated")),
            deprecation=deprecation_note(operation, _METHOD),
            location=where,
            security=_security(operation["security"])
            if "security" in operation
            else self._global_security,
        )
        own_retry = retries.speakeasy_retries(
            operation.get(retries.SPEAKEASY), where.child(retries.SPEAKEASY), self.diagnostics
        )
        if own_retry is not None:
            # The operation's keys over the document's, and the config's over both.
            draft.retry = retries.merge(self.document_retry, own_retry, self.retry_config)
        arguments = Namer(METHOD_RESERVED)
        self._parameters(draft, operation, where, shared, item_where, base, arguments)
        if (
            draft.http_method not in retries.IDEMPOTENT_METHODS
            and draft.idempotency_argument is None
            and (draft.idempotency_header or self.idempotency_header)
        ):
            draft.idempotency_argument = arguments.take("idempotency_key")
            draft.idempotency_option = True
        self._responses(draft, operation.get("responses"), where.child("responses"), base)
        self._request_body(
            draft, operation.get("requestBody"), where.child("requestBody"), base, arguments
        )
        self._decide_streaming(draft, arguments)
        draft.body_argument = arguments.take("body") if draft.body_whole is not None else None
        draft.pagination = self._pagination(draft, operation, where)
        self.drafts.append(draft)

    def _parameters(
        self,
        draft: _OpDraft,
        operation: dict[str, Any],
        where: Location,
        shared: list[Any],
        item_where: Location,
        base: str,
        arguments: Namer,
    ) -> None:
        merged: dict[tuple[str, str], tuple[dict[str, Any], Location]] = {}
        sources = [
            (shared, item_where.child("parameters")),
            (operation.get("parameters") or [], where.child("parameters")),
        ]
        for params, params_where in sources:
            if not isinstance(params, list):
                continue
            for index, raw in enumerate(params):
                resolved = self.resolver.deref(raw, params_where.child(index))
                if resolved is None or not isinstance(resolved[0], dict):
                    continue
                param, param_where = resolved
                name, location_in = param.get("name"), param.get("in")
                if not isinstance(name, str) or location_in not in (
                    "path",
                    "query",
                    "header",
                    "cookie",
                ):
                    self.diagnostics.warning(
                        "W402", "parameter without a usable `name`/`in` is ignored", param_where
                    )
                    continue
                merged[(location_in, name)] = (param, param_where)
        for (location_in, wire), (param, param_where) in merged.items():
            if location_in == "header" and wire.lower() in (
                "accept",
                "content-type",
                "authorization",
            ):
                continue  # set by the client itself (OpenAPI says these are ignored)
            schema = param.get("schema")
            schema_where = param_where.child("schema")
            if schema is None and isinstance(param.get("content"), dict) and param["content"]:
                media_type = next(iter(param["content"]))
                schema = param["content"][media_type].get("schema")
                schema_where = param_where.child("content", media_type, "schema")
            param_type = (
                self.schemas.type_of(schema, schema_where, base + pascal_case(wire))
                if schema is not None
                else ir.Prim("str")
            )
            required = bool(param.get("required")) or location_in == "path"
            key_param = (
                location_in == "header"
                and self.idempotency_header is not None
                and draft.http_method not in retries.IDEMPOTENT_METHODS
                and draft.idempotency_argument is None
                and retries.is_idempotency_header(wire, self.idempotency_header)
            )
            if location_in == "path" and not param.get("required"):
                self.diagnostics.warning(
                    "W403",
                    f"path parameter {wire!r} must be required; it is treated as required",
                    param_where,
                )
            name = arguments.take(
                "idempotency_key" if key_param else snake_identifier(wire, "param")
            )
            if key_param:
                draft.idempotency_argument = name
                if wire.lower() != (self.idempotency_header or "").lower():
                    draft.idempotency_header = wire
            draft.params.append(
                _ParamDraft(
                    name=name,
                    wire_name=wire,
                    location_in=location_in,
                    type=param_type,
                    required=required,
                    description=_text(param.get("description")),
                    style=param.get("style") if isinstance(param.get("style"), str) else None,
                    explode=param.get("explode")
                    if isinstance(param.get("explode"), bool)
                    else None,
                    deprecated=bool(param.get("deprecated")),
                    location=param_where,
                    example=_example_of(param, schema),
                    default=schema.get("default") if isinstance(schema, dict) else None,
                    deprecation=deprecation_note(param, f"The `{name}` argument of {_METHOD}"),
                )
            )
        declared = {p.wire_name for p in draft.params if p.location_in == "path"}
        for placeholder in _placeholders(draft.path):
            if placeholder not in declared:
                self.diagnostics.warning(
                    "W404",
                    f"path parameter {{{placeholder}}} of "
                    f"{draft.path} is not declared; it is typed as str",
                    where,
                )
                draft.params.append(
                    _ParamDraft(
                        arguments.take(snake_identifier(placeholder, "param")),
                        placeholder,
                        "path",
                        ir.Prim("str"),
                        True,
                        None,
                        None,
                        None,
                        False,
                        where,
                    )
                )

    def _request_body(
        self, draft: _OpDraft, body: Any, where: Location, base: str, arguments: Namer
    ) -> None:
        if body is None:
            return
        resolved = self.resolver.deref(body, where)
        if resolved is None or not isinstance(resolved[0], dict):
            return
        body, where = resolved
        content = body.get("content")
        if not isinstance(content, dict) or not content:
            return
        content_type = _pick_content_type(list(content))
        media = content.get(content_type) or {}
        schema = media.get("schema") if isinstance(media, dict) else None
        schema_where = where.child("content", content_type, "schema")
        draft.body_content_type = content_type
        draft.body_required = bool(body.get("required"))
        draft.body_description = _text(body.get("description"))
        draft.body_location = where
        draft.body_example = _example_of(media, schema) if isinstance(media, dict) else ()
        if schema is None:
            draft.body_whole = ir.Prim("bytes") if not _is_json(content_type) else ir.Prim("any")
        else:
            body_type = self.schemas.type_of(schema, schema_where, base + "Request")
            model = self._model_of(body_type)
            if model is not None and model.fields and _form_like(content_type):
                draft.body_fields = [
                    _BodyFieldDraft(
                        name=arguments.take(f.name),
                        wire_name=f.wire_name,
                        type=f.type,
                        required=f.required,
                        description=f.description,
                        is_file=content_type == "multipart/form-data" and _is_file(f.type),
                        is_stream_flag=False,
                        deprecation=f"The `{f.name}` argument of {_METHOD} is deprecated."
                        if f.deprecated
                        else None,
                    )
                    for f in model.fields
                    if not f.read_only
                ]
            else:
                draft.body_whole = body_type

    def _pagination(
        self, draft: _OpDraft, operation: dict[str, Any], where: Location
    ) -> ir.Pagination | None:
        """How the operation pages, when its answer is a JSON body (not only a stream)."""
        if draft.response_kind != "json" or draft.stream is not None:
            return None
        params = [
            pagination.ParamShape(p.wire_name, p.location_in, p.type, p.default)
            for p in draft.params
            if p.location_in == "query"
        ]
        params += [
            pagination.ParamShape(f.wire_name, "body", f.type, None)
            for f in draft.body_fields or ()
        ]
        shape = pagination.OperationShape(
            draft.http_method, tuple(params), draft.response, draft.response_headers
        )
        found = self.paging.detect(operation, shape, where)
        if found is not None and found.source == pagination.INFERRED:
            self.diagnostics.info(
                "I430", f"{draft.operation_id} pages ({found.strategy}): {found.reason}", where
            )
        return found

    def _model_of(self, expr: ir.TypeExpr) -> ir.Model | None:
        if isinstance(expr, ir.Ref):
            definition = self.schemas.definitions.get(expr.name)
            if isinstance(definition, ir.Model):
                return definition
        return None

    def _decide_streaming(self, draft: _OpDraft, arguments: Namer) -> None:
        """How a caller chooses between the JSON answer and the event stream."""
        if draft.stream is None:
            return
        if draft.response is None:
            draft.stream_mode = "always"
            return
        for body_field in draft.body_fields or []:
            if body_field.wire_name == self.stream_flag and _is_bool(body_field.type):
                body_field.is_stream_flag = True
                draft.stream_mode = "flag"
                draft.stream_argument = body_field.name
                return
        # No body property chooses: the client asks with `Accept: text/event-stream`.
        draft.stream_mode = "accept"
        draft.stream_argument = arguments.take("stream")

    def _responses(self, draft: _OpDraft, responses: Any, where: Location, base: str) -> None:
        if not isinstance(responses, dict):
            self.diagnostics.warning(
                "W406", f"{draft.operation_id} declares no responses; it returns None", where
            )
            return
        success = sorted(
            (str(code) for code in responses if str(code).startswith("2")),
            key=lambda code: code.replace("X", "9"),
        )
        for code in success[:1]:
            self._success(draft, responses[code], where.child(code), base)
        for code, response in responses.items():
            code = str(code)
            if not (code.startswith(("4", "5")) or code == "default"):
                continue
            resolved = self.resolver.deref(response, where.child(code))
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            response, response_where = resolved
            content = response.get("content")
            if not isinstance(content, dict):
                continue
            json_type = next((ct for ct in content if _is_json(ct)), None)
            if json_type is None or not isinstance(content[json_type], dict):
                continue
            schema = content[json_type].get("schema")
            if schema is None:
                continue
            error_type = self.schemas.type_of(
                schema,
                response_where.child("content", json_type, "schema"),
                f"{base}Error{code.upper()}",
            )
            draft.errors.append((code.upper(), error_type))
        if not success:
            draft.response_kind = "none"

    def _success(self, draft: _OpDraft, response: Any, where: Location, base: str) -> None:
        resolved = self.resolver.deref(response, where)
        if resolved is None or not isinstance(resolved[0], dict):
            return
        response, where = resolved
        headers = response.get("headers")
        if isinstance(headers, dict):
            draft.response_headers = frozenset(str(name).lower() for name in headers)
        content = response.get("content")
        if not isinstance(content, dict) or not content:
            draft.response_kind = "none"
            return
        for content_type, media in content.items():
            media = media if isinstance(media, dict) else {}
            schema = media.get("schema")
            schema_where = where.child("content", str(content_type), "schema")
            if str(content_type).startswith("text/event-stream"):
                draft.stream = (
                    self.schemas.type_of(schema, schema_where, base + "StreamEvent")
                    if schema is not None
                    else ir.Prim("any")
                )
            elif draft.response is None and _is_json(str(content_type)):
                draft.response = (
                    self.schemas.type_of(schema, schema_where, base + "Response")
                    if schema is not None
                    else ir.Prim("any")
                )
                draft.response_kind = "json"
        if draft.response is None and draft.stream is None:
            first = str(next(iter(content)))
            draft.response_kind = "text" if first.startswith("text/") else "binary"
            draft.response = ir.Prim("str" if draft.response_kind == "text" else "bytes")

    # --- resources, once every definition is known ----------------------------------------

    def finish(
        self, definitions: dict[str, ir.Definition], tag_descriptions: dict[str, str]
    ) -> tuple[tuple[ir.Resource, ...], callpaths.Naming]:
        facts = [self._facts(draft, definitions) for draft in self.drafts]
        naming = callpaths.assign(
            facts, self.method_overrides, self.diagnostics, self.client_attributes
        )
        by_resource: dict[tuple[str, ...], list[_OpDraft]] = {}
        for draft, call in zip(self.drafts, naming.calls, strict=True):
            draft.resource, draft.method_name = call.resource, call.method
            by_resource.setdefault(call.resource, []).append(draft)
        # Resource modules import models by name: a resource class never takes a model's name.
        class_names = Namer(
            {"Stream", "AsyncStream", "Any", "BaseModel", "Operation", "Param", *definitions}
        )
        nodes = resource_nodes(by_resource, class_names)
        resources: list[ir.Resource] = []
        for path, node in nodes.items():
            constants = Namer()
            operations = tuple(
                self._operation_of(d, definitions, constants) for d in by_resource.get(path, ())
            )
            dotted = ".".join(path)
            resources.append(
                ir.Resource(
                    attribute=path[-1],
                    path=dotted,
                    parent=".".join(path[:-1]) or None,
                    children=node.children,
                    class_name=node.names[0],
                    async_class_name=node.names[1],
                    module=node.module,
                    description=tag_descriptions.get(dotted)
                    or (tag_descriptions.get(path[0]) if len(path) == 1 else None),
                    operations=operations,
                    raw_class_name=node.names[2],
                    async_raw_class_name=node.names[3],
                    streaming_class_name=node.names[4],
                    async_streaming_class_name=node.names[5],
                    class_names=tuple(sorted(node.names, key=isort_key)),
                )
            )
        return tuple(resources), naming

    def _facts(self, draft: _OpDraft, definitions: dict[str, ir.Definition]) -> Facts:
        response = draft.response
        while isinstance(response, ir.Nullable):
            response = response.inner
        definition = definitions.get(response.name) if isinstance(response, ir.Ref) else None
        if isinstance(definition, ir.Alias):
            response = definition.type
        # Array fields of the body, and of an object under `data`/`result` (`{data: {items}}`).
        arrays: set[str] = set()
        if isinstance(definition, ir.Model):
            for f in definition.fields:
                if _is_array(f.type):
                    arrays.add(f.wire_name)
                inner = _model_of_type(f.type, definitions)
                if inner is not None and f.wire_name in ("data", "result"):
                    arrays.update(g.wire_name for g in inner.fields if _is_array(g.type))
        segments = [s for s in draft.path.split("/") if s and "{" not in s]
        return Facts(
            operation_id=draft.operation_id,
            spec_id=draft.spec_id,
            http_method=draft.http_method,
            path=draft.path,
            tag=draft.tag,
            extensions=draft.extensions,
            lists=None
            if response is None or response in (ir.Prim("any"), ir.Prim("object"))
            else response_lists(arrays, _is_array(response), segments[-1] if segments else ""),
            location=draft.location,
        )

    def _operation_of(
        self, draft: _OpDraft, definitions: Mapping[str, ir.Definition], constants: Namer
    ) -> ir.Operation:
        params = tuple(
            ir.Parameter(
                p.name,
                p.wire_name,
                p.location_in,
                p.type,
                p.required,
                p.description,
                p.style,
                p.explode,
                p.deprecated,
                p.location,
                _named(p.deprecation, draft.method_name),
            )
            for p in draft.params
        )
        body = None
        if draft.body_content_type is not None:
            fields = tuple(
                ir.BodyField(
                    f.name,
                    f.wire_name,
                    f.type,
                    f.required,
                    f.description,
                    f.is_file,
                    f.is_stream_flag,
                    _named(f.deprecation, draft.method_name),
                )
                for f in draft.body_fields or ()
            )
            body = ir.RequestBody(
                draft.body_content_type,
                draft.body_required,
                fields,
                draft.body_argument,
                draft.body_whole,
                draft.body_whole == ir.Prim("bytes"),
                draft.body_description,
                draft.body_location or draft.location,
            )
        streams = draft.stream is not None
        return ir.Operation(
            operation_id=draft.operation_id,
            method_name=draft.method_name,
            constant=constants.take("_" + draft.method_name.upper().strip("_")),
            http_method=draft.http_method,
            path=draft.path,
            resource=".".join(draft.resource),
            summary=draft.summary,
            description=draft.description,
            deprecated=draft.deprecated,
            parameters=params,
            body=body,
            response=draft.response,
            response_kind=draft.response_kind if draft.response is not None else "none",
            stream=draft.stream,
            stream_mode=draft.stream_mode if streams else None,
            stream_argument=draft.stream_argument if streams else None,
            errors=tuple(ir.ErrorType(code, t, error_class(code)) for code, t in draft.errors),
            security=draft.security,
            location=draft.location,
            example_arguments=_example_arguments(draft, params, body, definitions),
            embedded_errors=not any(
                _declares_required(definitions, t, self.error_key)
                for t in (draft.response, draft.stream)
            ),
            retry=draft.retry,
            idempotency_header=draft.idempotency_header,
            idempotency_argument=draft.idempotency_argument,
            idempotency_option=draft.idempotency_option,
            pagination=draft.pagination,
            deprecation=_named(draft.deprecation, draft.method_name),
        )


def _declares_required(definitions: Any, expr: ir.TypeExpr | None, key: str | None) -> bool:
    """Whether a success body's model has `key` as its own required data field."""
    if key is None or not isinstance(expr, ir.Ref):
        return False
    model = definitions.get(expr.name)
    return isinstance(model, ir.Model) and any(
        f.wire_name == key and f.required for f in model.fields
    )


def _example_of(holder: dict[str, Any], schema: Any) -> tuple[Any, ...]:
    """The first example the spec gives for a parameter or a media type, as `(value,)`; none
    when it is too large, deep or long-numbered to print (see bounded.py)."""
    found = _first_example(holder, schema)
    return found if found and is_small(found[0]) else ()


def _first_example(holder: dict[str, Any], schema: Any) -> tuple[Any, ...]:
    if "example" in holder:
        return (holder["example"],)
    examples = holder.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return (example["value"],)
    if isinstance(schema, dict):
        if "example" in schema:
            return (schema["example"],)
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return (schema["examples"][0],)
    return ()


def _example_arguments(
    draft: _OpDraft,
    params: tuple[ir.Parameter, ...],
    body: ir.RequestBody | None,
    definitions: Mapping[str, ir.Definition],
) -> tuple[ir.ExampleArgument, ...]:
    """The example call's arguments as data, in signature order: the spec's examples, and a
    placeholder from the type for each required argument without one (the stream flag is left
    out: the example asks for the whole answer)."""
    found: list[ir.ExampleArgument | None] = []
    for param, param_draft in zip(params, draft.params, strict=True):
        found.append(
            example_argument(
                param.name, param_draft.example, param.type, param.required, definitions
            )
        )
    if body is not None:
        value = draft.body_example[0] if draft.body_example else None
        for field, field_draft in zip(body.fields, draft.body_fields or (), strict=True):
            if field.is_stream_flag:
                continue
            given = (
                (value[field.wire_name],)
                if (isinstance(value, dict) and not field.is_file and field.wire_name in value)
                else ()
            )
            found.append(
                example_argument(field.name, given, field_draft.type, field.required, definitions)
            )
        if body.whole_name is not None and draft.body_whole is not None:
            whole = draft.body_example if not body.whole_is_file else ()
            found.append(
                example_argument(
                    body.whole_name, whole, draft.body_whole, body.required, definitions
                )
            )
    return tuple(argument for argument in found if argument is not None)


# The exception the runtime raises for each status (`_runtime/_errors.py`, `status_error_class`);
# a test keeps the two in step.
_ERROR_CLASSES = {
    400: "BadRequestError",
    401: "AuthenticationError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    409: "ConflictError",
    422: "UnprocessableEntityError",
    429: "RateLimitError",
}


def error_class(status: str) -> str:
    """The runtime's exception for a declared error response: by status for a number, any
    `APIStatusError` for a range or `default` (`5XX` is always `InternalServerError`)."""
    if status.isdigit():
        code = int(status)
        return "InternalServerError" if code >= 500 else _ERROR_CLASSES.get(code, "APIStatusError")
    return "InternalServerError" if status == "5XX" else "APIStatusError"


# Deprecation notes name the method, which is decided once every operation is read (`finish`):
# they are written with this mark in its place, and `_named` puts the name in.
_METHOD = "\x00method"


def _named(note: str | None, method_name: str) -> str | None:
    return None if note is None else note.replace(_METHOD, f"`{method_name}`", 1)


def _model_of_type(expr: ir.TypeExpr, definitions: dict[str, ir.Definition]) -> ir.Model | None:
    while isinstance(expr, ir.Nullable):
        expr = expr.inner
    found = definitions.get(expr.name) if isinstance(expr, ir.Ref) else None
    return found if isinstance(found, ir.Model) else None


def _is_array(expr: ir.TypeExpr | None) -> bool:
    while isinstance(expr, ir.Nullable):
        expr = expr.inner
    return isinstance(expr, ir.Array)


def _security(value: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        return ()
    out: list[tuple[str, ...]] = []
    for requirement in value:
        if isinstance(requirement, dict):
            out.append(tuple(str(name) for name in requirement))
    return tuple(out)


def _pick_content_type(types: list[str]) -> str:
    for preferred in _BODY_PREFERENCE:
        for content_type in types:
            if content_type.split(";")[0].strip().lower() == preferred:
                return content_type
    for content_type in types:
        if _is_json(content_type):
            return content_type
    return types[0]


def _is_json(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return base in ("application/json", "*/*") or base.endswith("+json")


def _form_like(content_type: str) -> bool:
    base = content_type.split(";")[0].strip().lower()
    return _is_json(base) or base in ("multipart/form-data", "application/x-www-form-urlencoded")


def _is_file(expr: ir.TypeExpr) -> bool:
    if isinstance(expr, ir.Nullable):
        return _is_file(expr.inner)
    return expr == ir.Prim("bytes")


def _is_bool(expr: ir.TypeExpr) -> bool:
    if isinstance(expr, ir.Nullable):
        return _is_bool(expr.inner)
    return expr == ir.Prim("bool")


def _placeholders(path: str) -> list[str]:
    import re

    return re.findall(r"\{([^}/]+)\}", path)


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
