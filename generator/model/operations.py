"""Operations: paths and methods to resources and methods, with parameters, bodies and responses.

Types are built through the schema builder and referred to by name; resources are put together
in a second step (`finish`), once every definition is known.
"""

from __future__ import annotations

from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import callpaths, ir, pagination, retries
from generator.model.assemble import assemble_resources
from generator.model.bodies import decide_streaming, read_request_body
from generator.model.bounded import scalar_text
from generator.model.deprecation import note as deprecation_note
from generator.model.drafts import METHOD, OpDraft, text
from generator.model.naming import CLIENT_ATTRIBUTES, METHOD_RESERVED, Namer, class_identifier
from generator.model.paging_inference import INFERRED
from generator.model.paging_shapes import OperationShape, ParamShape
from generator.model.parameters import read_parameters
from generator.model.resolve import Resolver
from generator.model.responses import read_responses
from generator.model.schemas import SchemaBuilder

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


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
        self.drafts: list[OpDraft] = []
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
        draft = OpDraft(
            operation_id=operation_id,
            spec_id=operation.get("operationId")
            if raw_id == operation.get("operationId")
            else None,
            tag=tag,
            extensions={k: v for k, v in operation.items() if str(k).startswith("x-")},
            http_method=method.upper(),
            path=path,
            summary=text(operation.get("summary")),
            description=text(operation.get("description")),
            deprecated=bool(operation.get("deprecated")),
            deprecation=deprecation_note(operation, METHOD),
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
        read_parameters(
            draft,
            operation,
            where,
            shared,
            item_where,
            base,
            arguments,
            resolver=self.resolver,
            schemas=self.schemas,
            diagnostics=self.diagnostics,
            idempotency_header=self.idempotency_header,
        )
        if (
            draft.http_method not in retries.IDEMPOTENT_METHODS
            and draft.idempotency_argument is None
            and (draft.idempotency_header or self.idempotency_header)
        ):
            draft.idempotency_argument = arguments.take("idempotency_key")
            draft.idempotency_option = True
        read_responses(
            draft,
            operation.get("responses"),
            where.child("responses"),
            base,
            resolver=self.resolver,
            schemas=self.schemas,
            diagnostics=self.diagnostics,
        )
        read_request_body(
            draft,
            operation.get("requestBody"),
            where.child("requestBody"),
            base,
            arguments,
            resolver=self.resolver,
            schemas=self.schemas,
        )
        decide_streaming(draft, arguments, self.stream_flag)
        draft.body_argument = arguments.take("body") if draft.body_whole is not None else None
        draft.pagination = self._pagination(draft, operation, where)
        self.drafts.append(draft)

    def _pagination(
        self, draft: OpDraft, operation: dict[str, Any], where: Location
    ) -> ir.Pagination | None:
        """How the operation pages, when its answer is a JSON body (not only a stream)."""
        if draft.response_kind != "json" or draft.stream is not None:
            return None
        params = [
            ParamShape(p.wire_name, p.location_in, p.type, p.default)
            for p in draft.params
            if p.location_in == "query"
        ]
        params += [ParamShape(f.wire_name, "body", f.type, None) for f in draft.body_fields or ()]
        shape = OperationShape(
            draft.http_method, tuple(params), draft.response, draft.response_headers
        )
        found = self.paging.detect(operation, shape, where)
        if found is not None and found.source == INFERRED:
            self.diagnostics.info(
                "I430", f"{draft.operation_id} pages ({found.strategy}): {found.reason}", where
            )
        return found

    # --- resources, once every definition is known ----------------------------------------

    def finish(
        self, definitions: dict[str, ir.Definition], tag_descriptions: dict[str, str]
    ) -> tuple[tuple[ir.Resource, ...], callpaths.Naming]:
        return assemble_resources(
            self.drafts,
            definitions,
            tag_descriptions,
            method_overrides=self.method_overrides,
            diagnostics=self.diagnostics,
            client_attributes=self.client_attributes,
            error_key=self.error_key,
        )


def _security(value: Any) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        return ()
    out: list[tuple[str, ...]] = []
    for requirement in value:
        if isinstance(requirement, dict):
            out.append(tuple(str(name) for name in requirement))
    return tuple(out)
