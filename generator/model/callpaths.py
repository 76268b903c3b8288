"""Call paths: the resource (nested) and method each operation gets, `client.<resource>.<method>`.

Sources, strongest first (docs/naming.md): `[tool.oagen] names.operations`; our `x-oagen-group` /
`x-oagen-name`; other generators' hints (`x-speakeasy-group` / `x-speakeasy-name-override`,
`x-fern-sdk-group-name` / `x-fern-sdk-method-name`); then one inference style for the whole spec,
chosen from the spec's own evidence (`inference.choose_style`). Collisions are settled in document
order: the later operation falls back to its operationId name, and a warning names both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import Diagnostics, Location
from generator.model import inference
from generator.model.inference import Facts
from generator.model.naming import (
    CLIENT_ATTRIBUTES,
    METHOD_NAME_RESERVED,
    Namer,
    snake_identifier,
)

# What a call path came from, as the run summary and the corpus report name it.
CONFIG = "config"
OAGEN = "x-oagen"
SPEAKEASY = "x-speakeasy"
FERN = "x-fern"


@dataclass(frozen=True, slots=True)
class CallPath:
    resource: tuple[str, ...]  # attribute names from the client down
    method: str
    source: str  # config, x-oagen, x-speakeasy, x-fern, or an inference style


@dataclass(frozen=True, slots=True)
class Naming:
    calls: tuple[CallPath, ...]  # one per operation, in the order given
    style: str  # the inference style chosen for the spec
    sources: tuple[tuple[str, int], ...]  # operations named by each source, most first


@dataclass(frozen=True, slots=True)
class _Wanted:
    resource: tuple[str, ...] | None
    method: str | None
    source: str | None


def assign(
    facts: list[Facts],
    overrides: Mapping[str, str],
    diagnostics: Diagnostics,
    client_attributes: frozenset[str] = CLIENT_ATTRIBUTES,
) -> Naming:
    style = inference.choose_style(facts)
    drafts: list[tuple[tuple[str, ...], str, str]] = []
    for fact in facts:
        wanted = _explicit(fact, overrides, diagnostics)
        inferred = inference.infer(fact, style)
        resource = wanted.resource if wanted.resource is not None else inferred[0]
        if wanted.method is not None:
            method, source = wanted.method, wanted.source or style
        elif wanted.resource is not None:
            method, source = inference.operation_name(fact, resource), wanted.source or style
        else:
            method, source = inferred[1], inferred[2]
        drafts.append((_top_level(resource, client_attributes), method, source))
    calls = _settle(facts, drafts, diagnostics)
    counts: dict[str, int] = {}
    for call in calls:
        counts[call.source] = counts.get(call.source, 0) + 1
    return Naming(
        calls=tuple(calls),
        style=style,
        sources=tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
    )


def _top_level(resource: tuple[str, ...], client_attributes: frozenset[str]) -> tuple[str, ...]:
    # client.request and the like stay the client's own.
    if resource and resource[0] in client_attributes:
        return (resource[0] + "_", *resource[1:])
    return resource


def _settle(
    facts: list[Facts], drafts: list[tuple[tuple[str, ...], str, str]], diagnostics: Diagnostics
) -> list[CallPath]:
    """Unique method names per resource; a method never takes a sub-resource's attribute."""
    children: dict[tuple[str, ...], set[str]] = {}
    for resource, _, _ in drafts:
        for depth in range(1, len(resource)):
            children.setdefault(resource[:depth], set()).add(resource[depth])
    namers: dict[tuple[str, ...], Namer] = {}
    owners: dict[tuple[tuple[str, ...], str], Facts] = {}
    calls: list[CallPath] = []
    for fact, (resource, method, source) in zip(facts, drafts, strict=True):
        names = namers.get(resource)
        if names is None:
            names = namers[resource] = Namer(METHOD_NAME_RESERVED | children.get(resource, set()))
        wanted = method
        if method in names:
            fallback = inference.operation_name(fact, resource)
            method = names.take(fallback)
            first = owners.get((resource, wanted))
            other = f"{first.http_method} {first.path}" if first else "a sub-resource"
            dotted = ".".join((*resource, wanted))
            diagnostics.warning(
                "W407",
                f"{fact.http_method} {fact.path} and {other} both want `{dotted}`; "
                f"this one is `{'.'.join((*resource, method))}`",
                fact.location,
                "name one of them: `[tool.oagen.names] operations`, or `x-oagen-name`",
            )
        else:
            method = names.take(method)
        owners[(resource, method)] = fact
        calls.append(CallPath(resource, method, source))
    return calls


def _explicit(fact: Facts, overrides: Mapping[str, str], diagnostics: Diagnostics) -> _Wanted:
    """The strongest resource and method the config and the operation's hints give; the source
    is the one that gave the method (else the resource)."""
    resource: tuple[str, ...] | None = None
    method: str | None = None
    resource_source: str | None = None
    method_source: str | None = None
    config = overrides.get(fact.operation_id)
    if config is not None:
        *names, method = config.split(".")
        method_source = CONFIG
        if names:
            resource, resource_source = tuple(names), CONFIG
    for source, group_key, method_key in _HINTS:
        group = _group(fact.extensions.get(group_key), fact.location.child(group_key), diagnostics)
        own = _method(fact.extensions.get(method_key), fact.location.child(method_key), diagnostics)
        if own is not None and source == OAGEN and "." in own:  # a whole call path
            *dotted, own = own.split(".")
            group = group or tuple(snake_identifier(p, "default") for p in dotted if p) or None
        if source in (SPEAKEASY, FERN) and group is None and own is not None and fact.tag:
            # Those generators group an operation without a group of its own by its tag.
            group = (snake_identifier(fact.tag, "default"),)
        if resource is None and group:
            resource, resource_source = group, source
        if method is None and own is not None:
            method, method_source = snake_identifier(own, "call"), source
    return _Wanted(resource, method, method_source or resource_source)


_HINTS = (
    (OAGEN, "x-oagen-group", "x-oagen-name"),
    (SPEAKEASY, "x-speakeasy-group", "x-speakeasy-name-override"),
    (FERN, "x-fern-sdk-group-name", "x-fern-sdk-method-name"),
)


def _group(value: Any, where: Location, diagnostics: Diagnostics) -> tuple[str, ...] | None:
    if value is None:
        return None
    parts: list[str] = []
    if isinstance(value, str):
        parts = [part for part in value.split(".") if part.strip()]
    elif isinstance(value, list) and all(isinstance(part, str) for part in value):
        parts = [part for part in value if part.strip()]
    if not parts:
        diagnostics.warning(
            "W408", "a group must be a non-empty string or list of strings; ignored", where
        )
        return None
    return tuple(snake_identifier(part, "default") for part in parts)


def _method(value: Any, where: Location, diagnostics: Diagnostics) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        diagnostics.warning("W408", "a method name must be a non-empty string; ignored", where)
        return None
    return value.strip()
