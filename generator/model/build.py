"""Build: a resolved OpenAPI document to the IR (`ir.Api`).

Types (`schemas.py`) and operations (`operations.py`) are built by separate modules; `modules.py`
places named types in modules; this module wires them together and decides the client-level
names (package, classes, environment variables, constructor arguments).
"""

from __future__ import annotations

from typing import Any

from generator.config import Config
from generator.diagnostics import Diagnostics, Location
from generator.load.specdata import mapping, text
from generator.model import ir, retries, security
from generator.model.bounded import scalar_text
from generator.model.modules import build_modules
from generator.model.naming import (
    RESERVED_CLIENT_NAMES,
    class_identifier,
    snake_case,
    snake_identifier,
)
from generator.model.operations import OperationBuilder
from generator.model.resolve import Resolver
from generator.model.schemas import SchemaBuilder
from generator.model.webhooks import WebhookBuilder


def build_api(
    document: dict[str, Any],
    spec_version: str,
    file: str,
    resolver: Resolver,
    config: Config,
    diagnostics: Diagnostics,
) -> ir.Api:
    root = Location(file)
    schemas = SchemaBuilder(
        resolver, diagnostics, spec_version, dict(config.model_names), dict(config.field_names)
    )
    components = mapping(document.get("components"))
    named = mapping(components.get("schemas"))
    named_where = root.child("components", "schemas")
    schemas.reserve_components(named, named_where)
    schemas.build_components(named, named_where)

    retry_config = retries.from_config(config.retry)
    idempotency_header = retries.idempotency_header(document, config, file, diagnostics)
    webhooks = WebhookBuilder(document, file, resolver, schemas, diagnostics)
    webhooks.collect()
    operations = OperationBuilder(
        document,
        file,
        resolver,
        schemas,
        diagnostics,
        config.stream_flag,
        dict(config.operation_names),
        config.error_key,
        retry_config,
        idempotency_header,
    )
    if webhooks.events:
        operations.client_attributes = operations.client_attributes | {"webhooks"}
    operations.build()
    _unused_overrides(config, schemas, operations, diagnostics)

    definitions, modules = build_modules(schemas.definitions, schemas.order, schemas.dependencies)
    resources, naming = operations.finish(definitions, _tag_descriptions(document))

    info = mapping(document.get("info"))
    title = scalar_text(info.get("title") or "API").strip() or "API"
    package = config.package or snake_identifier(title + " client", "api_client")
    client_class = config.client or _client_name(title)
    env_prefix = config.env_prefix or snake_case(title.removesuffix(" API")).upper() or "API"
    arguments = security.constructor_namer()
    schemes = security.security_schemes(
        document, components.get("securitySchemes"), env_prefix, config.api_key_env, arguments
    )
    servers, server_variables = security.servers(
        document, arguments, root.child("servers"), diagnostics
    )
    license_info = info.get("license")
    return ir.Api(
        title=title,
        version=scalar_text(info.get("version") or "0.0.0", "0.0.0"),
        description=text(info.get("description")),
        spec_version=spec_version,
        base_url=_base_url(document),
        package=package,
        distribution=config.distribution or package.replace("_", "-"),
        package_version=config.version or _pep440(scalar_text(info.get("version") or "0.1.0")),
        client_class=client_class,
        async_client_class=config.async_client or _avoid_reserved("Async" + client_class),
        env_prefix=env_prefix,
        base_url_env=config.base_url_env or f"{env_prefix}_BASE_URL",
        log_env=config.log_env or f"{env_prefix}_LOG",
        security_schemes=schemes,
        servers=servers,
        server_variables=server_variables,
        request_id_header=config.request_id_header,
        modules=modules,
        model_names=tuple(sorted((name, d.module) for name, d in definitions.items())),
        resources=resources,
        default_headers=config.default_headers,
        sse_done=config.sse_done,
        error_key=config.error_key,
        retry=retries.merge(operations.document_retry, retry_config),
        idempotency_header=idempotency_header,
        license=_license(license_info),
        urls=_urls(document, info),
        naming_style=naming.style,
        naming_sources=naming.sources,
        webhooks=webhooks.finish(config, env_prefix),
        operation_total=operations.total,
        schema_total=len(schemas.definitions),
    )


def _unused_overrides(
    config: Config, schemas: SchemaBuilder, operations: OperationBuilder, diagnostics: Diagnostics
) -> None:
    """A naming override that matches nothing is a typo or a stale entry: say so."""
    where = Location(str(config.source) if config.source else "pyproject.toml", "/tool/oagen/names")
    for table, pairs, used in (
        ("operations", config.operation_names, operations.renamed),
        ("models", config.model_names, schemas.renamed_models),
        ("fields", config.field_names, schemas.renamed_fields),
    ):
        for source, _target in pairs:
            if source not in used:
                diagnostics.warning(
                    "W011",
                    f"naming override names.{table}.{source} matches nothing in the spec",
                    where.child(table, source),
                    "check the spelling, or remove the entry",
                )


def _base_url(document: dict[str, Any]) -> str:
    servers = document.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        url = scalar_text(servers[0].get("url") or "")
        variables = servers[0].get("variables")
        if isinstance(variables, dict):
            for name, variable in variables.items():
                if isinstance(variable, dict) and "default" in variable:
                    url = url.replace("{" + str(name) + "}", scalar_text(variable["default"]))
        return url.rstrip("/")
    return ""


def _tag_descriptions(document: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for tag in document.get("tags") or []:
        if isinstance(tag, dict) and isinstance(tag.get("name"), str):
            found = text(tag.get("description"))
            if found:
                out[snake_identifier(tag["name"], "default")] = found
    return out


def _client_name(title: str) -> str:
    return _avoid_reserved(class_identifier(title.removesuffix(" API"), "Client"))


def _avoid_reserved(name: str) -> str:
    """A client class never takes a name its own module or package imports."""
    return "Api" + name if name in RESERVED_CLIENT_NAMES else name


def _urls(document: dict[str, Any], info: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    found = [
        ("Homepage", mapping(info.get("contact")).get("url")),
        ("Documentation", mapping(document.get("externalDocs")).get("url")),
        ("Terms of service", info.get("termsOfService")),
    ]
    return tuple(
        (label, url.strip())
        for label, url in found
        if isinstance(url, str) and url.strip().startswith(("http://", "https://"))
    )


def _license(value: Any) -> str | None:
    if isinstance(value, dict):
        return text(value.get("identifier")) or text(value.get("name"))
    return None


def _pep440(version: str) -> str:
    import re

    return version if re.fullmatch(r"\d+(\.\d+)*", version) else "0.1.0"
