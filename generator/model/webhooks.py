"""Webhooks and callbacks: the requests an API sends to its users, as typed events.

OpenAPI 3.1 `webhooks` (name -> Path Item) and operations' `callbacks` (name -> expression ->
Path Item) describe requests the API makes. Each method there with a JSON request body is an
event; its body's type is built through the schema builder like any other (an inline schema
becomes a model named after the webhook). `collect` runs before the models are placed in
modules, `finish` after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.config import Config
from generator.diagnostics import Diagnostics, Location
from generator.load.specdata import text
from generator.model import ir
from generator.model.naming import class_identifier
from generator.model.resolve import Resolver
from generator.model.schemas import SchemaBuilder

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_DEFAULT_HEADERS = {
    "standard": ("webhook-signature", "webhook-id", "webhook-timestamp"),
    "stripe": ("Stripe-Signature", None, None),
}
DEFAULT_TOLERANCE = 300.0


@dataclass(slots=True)
class _Event:
    name: str
    kind: str
    http_method: str
    type: ir.TypeExpr
    summary: str | None
    description: str | None
    location: Location


class WebhookBuilder:
    def __init__(
        self,
        document: dict[str, Any],
        file: str,
        resolver: Resolver,
        schemas: SchemaBuilder,
        diagnostics: Diagnostics,
    ) -> None:
        self.document = document
        self.root = Location(file)
        self.resolver = resolver
        self.schemas = schemas
        self.diagnostics = diagnostics
        self.events: list[_Event] = []

    def collect(self) -> None:
        """Every webhook, then every callback in path order; each builds its body's type."""
        webhooks = self.document.get("webhooks")
        if isinstance(webhooks, dict):
            where = self.root.child("webhooks")
            for name, item in webhooks.items():
                self._path_item(str(name), "webhook", item, where.child(str(name)), str(name))
        paths = self.document.get("paths")
        if not isinstance(paths, dict):
            return
        for path, item in paths.items():
            resolved = self.resolver.deref(item, self.root.child("paths", str(path)))
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            item, item_where = resolved
            for method in (m for m in item if str(m).lower() in _METHODS):
                found = self.resolver.deref(item[method], item_where.child(str(method)))
                if found is None or not isinstance(found[0], dict):
                    continue
                operation, op_where = found
                callbacks = operation.get("callbacks")
                if isinstance(callbacks, dict):
                    owner = str(operation.get("operationId") or f"{method} {path}")
                    self._callbacks(owner, callbacks, op_where.child("callbacks"))

    def _callbacks(self, owner: str, callbacks: dict[str, Any], where: Location) -> None:
        for name, callback in callbacks.items():
            resolved = self.resolver.deref(callback, where.child(str(name)))
            if resolved is None or not isinstance(resolved[0], dict):
                continue
            callback, callback_where = resolved
            for expression, item in callback.items():
                self._path_item(
                    f"{owner} {name}",
                    "callback",
                    item,
                    callback_where.child(str(expression)),
                    f"{owner}_{name}",
                )

    def _path_item(self, name: str, kind: str, item: Any, where: Location, base: str) -> None:
        resolved = self.resolver.deref(item, where)
        if resolved is None or not isinstance(resolved[0], dict):
            return
        item, where = resolved
        for method in (m for m in item if str(m).lower() in _METHODS):
            found = self.resolver.deref(item[method], where.child(str(method)))
            if found is None or not isinstance(found[0], dict):
                continue
            operation, op_where = found
            body = self._json_body(operation.get("requestBody"), op_where.child("requestBody"))
            if body is None:
                self.diagnostics.info(
                    "I502",
                    f"{kind} {name!r} ({str(method).upper()}) has no JSON request body; "
                    "it gets no event type",
                    op_where,
                )
                continue
            schema, schema_where = body
            event_type = self.schemas.type_of(
                schema, schema_where, class_identifier(base, "Webhook") + "Event"
            )
            self.events.append(
                _Event(
                    name=name,
                    kind=kind,
                    http_method=str(method).upper(),
                    type=event_type,
                    summary=text(operation.get("summary")),
                    description=text(operation.get("description")),
                    location=op_where,
                )
            )

    def _json_body(self, body: Any, where: Location) -> tuple[Any, Location] | None:
        resolved = self.resolver.deref(body, where) if body is not None else None
        if resolved is None or not isinstance(resolved[0], dict):
            return None
        body, where = resolved
        content = body.get("content")
        if not isinstance(content, dict):
            return None
        for content_type, media in content.items():
            base = str(content_type).split(";")[0].strip().lower()
            json_like = base == "application/json" or base.endswith("+json")
            if json_like and isinstance(media, dict) and "schema" in media:
                return media["schema"], where.child("content", str(content_type), "schema")
        return None

    def finish(self, config: Config, env_prefix: str) -> ir.Webhooks | None:
        if not self.events:
            return None
        options: list[ir.TypeExpr] = []
        for event in self.events:
            if event.type not in options:
                options.append(event.type)
        union: ir.TypeExpr = options[0] if len(options) == 1 else ir.Union(tuple(options))
        events = tuple(
            ir.WebhookEvent(
                name=e.name,
                kind=e.kind,
                http_method=e.http_method,
                type=e.type,
                summary=e.summary,
                description=e.description,
                location=e.location,
            )
            for e in self.events
        )
        return ir.Webhooks(
            events=events, event_type=union, signature=_signature(config, env_prefix)
        )


def _signature(config: Config, env_prefix: str) -> ir.WebhookSignature:
    table = config.webhooks
    scheme = table.scheme if table is not None else "standard"
    signature, message_id, timestamp = _DEFAULT_HEADERS[scheme]
    return ir.WebhookSignature(
        scheme=scheme,
        signature_header=(table and table.signature_header) or signature,
        id_header=(table and table.id_header) or message_id,
        timestamp_header=(table and table.timestamp_header) or timestamp,
        tolerance=DEFAULT_TOLERANCE
        if table is None or table.tolerance is None
        else table.tolerance,
        secret_env=(table and table.secret_env) or f"{env_prefix}_WEBHOOK_SECRET",
    )
