"""Operation drafts into resources, once every definition is known: call paths decided for all
operations at once, resource classes named, each draft made an `ir.Operation` with its example."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.diagnostics import Diagnostics
from generator.model import callpaths, ir
from generator.model.drafts import OpDraft, named
from generator.model.examples import argument as example_argument
from generator.model.inference import Facts, response_lists
from generator.model.naming import Namer, isort_key
from generator.model.resources import resource_nodes
from generator.model.responses import error_class


def assemble_resources(
    drafts: list[OpDraft],
    definitions: dict[str, ir.Definition],
    tag_descriptions: dict[str, str],
    *,
    method_overrides: dict[str, str],
    diagnostics: Diagnostics,
    client_attributes: frozenset[str],
    error_key: str | None,
) -> tuple[tuple[ir.Resource, ...], callpaths.Naming]:
    facts = [_facts(draft, definitions) for draft in drafts]
    naming = callpaths.assign(facts, method_overrides, diagnostics, client_attributes)
    by_resource: dict[tuple[str, ...], list[OpDraft]] = {}
    for draft, call in zip(drafts, naming.calls, strict=True):
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
            _operation_of(d, definitions, constants, error_key) for d in by_resource.get(path, ())
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


def _facts(draft: OpDraft, definitions: dict[str, ir.Definition]) -> Facts:
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
    draft: OpDraft,
    definitions: Mapping[str, ir.Definition],
    constants: Namer,
    error_key: str | None,
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
            named(p.deprecation, draft.method_name),
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
                named(f.deprecation, draft.method_name),
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
            _declares_required(definitions, t, error_key) for t in (draft.response, draft.stream)
        ),
        retry=draft.retry,
        idempotency_header=draft.idempotency_header,
        idempotency_argument=draft.idempotency_argument,
        idempotency_option=draft.idempotency_option,
        pagination=draft.pagination,
        deprecation=named(draft.deprecation, draft.method_name),
    )


def _declares_required(definitions: Any, expr: ir.TypeExpr | None, key: str | None) -> bool:
    """Whether a success body's model has `key` as its own required data field."""
    if key is None or not isinstance(expr, ir.Ref):
        return False
    model = definitions.get(expr.name)
    return isinstance(model, ir.Model) and any(
        f.wire_name == key and f.required for f in model.fields
    )


def _example_arguments(
    draft: OpDraft,
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


def _model_of_type(expr: ir.TypeExpr, definitions: dict[str, ir.Definition]) -> ir.Model | None:
    while isinstance(expr, ir.Nullable):
        expr = expr.inner
    found = definitions.get(expr.name) if isinstance(expr, ir.Ref) else None
    return found if isinstance(found, ir.Model) else None


def _is_array(expr: ir.TypeExpr | None) -> bool:
    while isinstance(expr, ir.Nullable):
        expr = expr.inner
    return isinstance(expr, ir.Array)
