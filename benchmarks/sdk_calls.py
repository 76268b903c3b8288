"""Print an official SDK's call paths as JSON: {"GET /files/{}": "files.list", ...}.

Runs in the benchmark environment (.bench-venv), where the official packages are installed:

    .bench-venv/bin/python benchmarks/sdk_calls.py openai|openrouter|kubernetes

The SDK's resource classes are introspected (the client's resources and their sub-resources);
each public method's (HTTP method, path) is read from its own source. Path parameters are
written `{}`, so names that differ between an SDK and a spec still match.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

_PARAM = re.compile(r"\{[^}]*\}")


def normal_path(path: str) -> str:
    return _PARAM.sub("{}", path)


def _methods(cls: type) -> Iterator[tuple[str, str]]:
    """Public methods defined on `cls` itself, with their source."""
    for name, member in vars(cls).items():
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        try:
            yield name, inspect.getsource(member)
        except (OSError, TypeError):
            continue


# --- Stainless (openai): resources are cached properties; methods call self._get/_post/... ----

_STAINLESS_CALL = re.compile(
    r"self\._(get_api_list|get|post|put|patch|delete)\(\s*"
    r"(?:path_template\(\s*)?f?[\"']([^\"']+)[\"']"
)


def _stainless_resources(
    obj: Any, prefix: tuple[str, ...]
) -> Iterator[tuple[tuple[str, ...], Any]]:
    from functools import cached_property

    for klass in type(obj).__mro__:
        for name, member in vars(klass).items():
            if name.startswith("with_") or name.startswith("_"):
                continue
            fget = getattr(member, "func", None) if isinstance(member, cached_property) else None
            if fget is None:
                continue
            try:
                child = getattr(obj, name)
            except Exception:  # a resource needing optional extras: not comparable
                continue
            if type(child).__module__.startswith(type(obj).__module__.split(".")[0]):
                yield (*prefix, name), child
                yield from _stainless_resources(child, (*prefix, name))


def openai_calls() -> dict[str, str]:
    import openai

    client = openai.OpenAI(api_key="sk-benchmark", base_url="http://127.0.0.1:9")
    calls: dict[str, str] = {}
    for path, resource in _stainless_resources(client, ()):
        for name, source in _methods(type(resource)):
            found = _STAINLESS_CALL.search(source)
            if found is None:
                continue
            verb = "GET" if found.group(1) == "get_api_list" else found.group(1).upper()
            calls.setdefault(f"{verb} {normal_path(found.group(2))}", ".".join((*path, name)))
    return calls


# --- Speakeasy (openrouter): sub-SDKs are lazy attributes (_sub_sdk_map) or set in __init__ ---

_SPEAKEASY_CALL = re.compile(r'method="(\w+)",\s*path="([^"]+)"')


def openrouter_calls() -> dict[str, str]:
    import openrouter
    from openrouter.basesdk import BaseSDK

    client = openrouter.OpenRouter(api_key="sk-benchmark")
    calls: dict[str, str] = {}

    seen: set[int] = set()

    def walk(sdk: Any, prefix: tuple[str, ...]) -> None:
        seen.add(id(sdk))
        names = list(getattr(type(sdk), "_sub_sdk_map", {}))
        names += [n for n, v in vars(sdk).items() if isinstance(v, BaseSDK) and n not in names]
        for name in names:
            if name.startswith("_") or name == "sdk_configuration":
                continue
            child = getattr(sdk, name)
            if not isinstance(child, BaseSDK) or id(child) in seen:  # parent_ref points back
                continue
            for method, source in _methods(type(child)):
                found = _SPEAKEASY_CALL.search(source)
                if found is None or method.endswith("_async"):
                    continue
                key = f"{found.group(1).upper()} {normal_path(found.group(2))}"
                calls.setdefault(key, ".".join((*prefix, name, method)))
            walk(child, (*prefix, name))

    walk(client, ())
    return calls


# --- OpenAPI Generator (kubernetes): one class per tag; `_<name>_serialize` builds the request --

_OPENAPI_GENERATOR_CALL = re.compile(r"method='(\w+)',\s*resource_path='([^']+)'")


def kubernetes_calls() -> dict[str, str]:
    from kubernetes.client import api as apis

    calls: dict[str, str] = {}
    for class_name in sorted(dir(apis)):
        cls = getattr(apis, class_name)
        if not (inspect.isclass(cls) and class_name.endswith("Api")):
            continue
        resource = _snake(class_name.removesuffix("Api"))
        for name, member in vars(cls).items():
            if not (name.startswith("_") and name.endswith("_serialize")):
                continue
            public = name[1 : -len("_serialize")]
            if public not in vars(cls):
                continue
            found = _OPENAPI_GENERATOR_CALL.search(inspect.getsource(member))
            if found is not None:
                key = f"{found.group(1).upper()} {normal_path(found.group(2))}"
                calls.setdefault(key, f"{resource}.{public}")
    return calls


def _snake(name: str) -> str:
    """The SDK's class naming back to its tag: CoreV1Api -> core_v1, RbacAuthorizationV1 ->
    rbac_authorization_v1."""
    words = re.findall(r"V\d+(?:alpha\d*|beta\d*)?|[A-Z][a-z0-9]*|[a-z0-9]+", name)
    return "_".join(word.lower() for word in words)


def main() -> None:
    sdk = sys.argv[1]
    found = {"openai": openai_calls, "openrouter": openrouter_calls, "kubernetes": kubernetes_calls}
    json.dump(found[sdk](), sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
