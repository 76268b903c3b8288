"""Run as a script in a fresh interpreter: `python -I probe.py OUTPUT PACKAGE`.

Imports every module of the generated package (models and resources), builds every model and type
alias, checks that no module-level import is shadowed by a later definition, instantiates the sync
and async clients and every resource on them, and prints a JSON report as its last line. Problems
are collected, not raised, so one run reports them all.
"""

from __future__ import annotations

import ast
import asyncio
import functools
import importlib
import importlib.util
import inspect
import json
import keyword
import pkgutil
import sys
import traceback
from pathlib import Path
from typing import Any

# The client's own cached properties that are not resources.
_NOT_RESOURCES = frozenset({"with_raw_response", "with_streaming_response", "webhooks"})


def main() -> None:
    output, package = sys.argv[1], sys.argv[2]
    sys.path.insert(0, output)
    problems: list[str] = []
    report: dict[str, Any] = {
        "problems": problems,
        "modules": [],
        "models": {},
        "aliases": [],
        "clients": {},
        "resources": {},
    }

    def failed(what: str) -> None:
        problems.append(f"{what}:\n{traceback.format_exc(limit=-4)}")

    try:
        root = importlib.import_module(package)
    except BaseException:
        failed(f"import {package}")
        print(json.dumps(report))
        return
    names = sorted(info.name for info in pkgutil.walk_packages(root.__path__, package + "."))
    for name in names:
        try:
            importlib.import_module(name)
            report["modules"].append(name)
        except BaseException:
            failed(f"import {name}")

    _models(package, report, failed)
    _shadowed_imports(output, package, problems)
    _clients(package, report, failed, problems)
    print(json.dumps(report))


def _models(package: str, report: dict[str, Any], failed: Any) -> None:
    import pydantic

    try:
        models = importlib.import_module(package + ".models")
        exported = list(models.__all__)
    except BaseException:
        failed("models package")
        return
    for name in exported:
        try:
            value = getattr(models, name)
            if isinstance(value, type) and issubclass(value, pydantic.BaseModel):
                value.model_rebuild(force=True)  # resolves every annotation, builds validators
                report["models"][name] = {
                    field: info.alias if info.alias is not None else field
                    for field, info in value.model_fields.items()
                }
            else:
                pydantic.TypeAdapter(value)
                report["aliases"].append(name)
        except BaseException:
            failed(f"model {name}")


def _shadowed_imports(output: str, package: str, problems: list[str]) -> None:
    """A name a module imports at top level must still be that object once the module (and every
    other module) has run: a class or import of the same name silently replaces it."""
    base = Path(output)
    for path in sorted((base / package).rglob("*.py")):
        if "_runtime" in path.parts:
            continue
        relative = path.relative_to(base).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts.pop()
        module_name = ".".join(parts)
        module = sys.modules.get(module_name)
        if module is None:
            continue  # its import failed; reported already
        tree = ast.parse(path.read_text(encoding="utf-8"))
        exported = (
            set(getattr(module, "__all__", ())) if module_name == f"{package}.models" else set()
        )
        for node in tree.body:  # top level only: TYPE_CHECKING blocks never run
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    expected = sys.modules.get(
                        alias.name.split(".")[0] if alias.asname is None else alias.name
                    )
                    _compare(problems, module_name, module, bound, expected, f"import {alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
                source = (
                    importlib.util.resolve_name(
                        "." * node.level + (node.module or ""), module.__package__
                    )
                    if node.level
                    else node.module or ""
                )
                origin = sys.modules.get(source)
                for alias in node.names:
                    bound = alias.asname or alias.name
                    if bound in exported:
                        continue  # models/__init__ caches each model under its own name
                    expected = getattr(origin, alias.name, None)
                    if expected is None:
                        expected = sys.modules.get(f"{source}.{alias.name}")
                    _compare(
                        problems,
                        module_name,
                        module,
                        bound,
                        expected,
                        f"from {source} import {alias.name}",
                    )


def _compare(
    problems: list[str], module_name: str, module: Any, bound: str, expected: Any, statement: str
) -> None:
    actual = getattr(module, bound, None)
    if expected is not None and actual is not expected:
        problems.append(
            f"{module_name}: `{statement}` is shadowed: `{bound}` is now "
            f"{actual!r}, not {expected!r}"
        )


def _clients(package: str, report: dict[str, Any], failed: Any, problems: list[str]) -> None:
    try:
        root = importlib.import_module(package)
        client_module = importlib.import_module(package + "._client")
        runtime = importlib.import_module(package + "._runtime")
        sync_name, async_name = client_module.__all__
    except BaseException:
        failed("client module")
        return
    for name in (sync_name, async_name):
        if getattr(root, name, None) is not getattr(client_module, name, object()):
            problems.append(
                f"{package}.{name} is {getattr(root, name, None)!r}, not the client "
                f"class of {package}._client"
            )
    pairs = (
        (sync_name, runtime.SyncClient, runtime.SyncAPIResource),
        (async_name, runtime.AsyncClient, runtime.AsyncAPIResource),
    )
    for name, base, resource_base in pairs:
        cls = getattr(client_module, name)
        for attribute in dir(base):  # a resource must never replace the client's own API
            if not attribute.startswith("_") and getattr(cls, attribute) is not getattr(
                base, attribute
            ):
                problems.append(
                    f"{name}.{attribute} of {base.__name__} is replaced by "
                    f"{getattr(cls, attribute)!r}"
                )
        attributes = [
            attr
            for attr, value in vars(cls).items()
            if isinstance(value, functools.cached_property) and attr not in _NOT_RESOURCES
        ]
        report["clients"][name] = attributes
        try:
            client = cls(base_url="http://127.0.0.1:9")
        except BaseException:
            failed(f"{name}()")
            continue
        reached: set[str] = set()
        try:
            raw = client.with_raw_response
            streaming = client.with_streaming_response
            for attribute in attributes:
                if not attribute.isidentifier() or keyword.iskeyword(attribute):
                    problems.append(f"{name}.{attribute} is not a usable attribute name")
                resource = getattr(client, attribute)
                if not isinstance(resource, resource_base):
                    problems.append(f"{name}.{attribute} is {resource!r}, not a resource")
                    continue
                reached.add(type(resource).__module__)
                methods = sorted(
                    m
                    for m, v in vars(type(resource)).items()
                    if not m.startswith("_") and inspect.isfunction(v)
                )
                report["resources"][f"{name}.{attribute}"] = methods
                raw_resource = getattr(raw, attribute)
                streaming_resource = getattr(streaming, attribute)
                for method in methods:
                    if not callable(getattr(raw_resource, method, None)):
                        problems.append(f"{name}.with_raw_response.{attribute}.{method} missing")
                    if not callable(getattr(streaming_resource, method, None)):
                        problems.append(
                            f"{name}.with_streaming_response.{attribute}.{method} missing"
                        )
                    parameters = inspect.signature(getattr(resource, method)).parameters
                    for parameter in parameters:
                        if not parameter.isidentifier() or keyword.iskeyword(parameter):
                            problems.append(f"{name}.{attribute}.{method}({parameter}=)")
            modules = {m for m in report["modules"] if m.startswith(f"{package}.resources.")}
            if reached != modules:
                problems.append(
                    f"{name} reaches the resources of {sorted(reached)}, but the "
                    f"package has {sorted(modules)}"
                )
        except BaseException:
            failed(f"{name} resources")
        finally:
            try:
                if base is runtime.SyncClient:
                    client.close()
                else:
                    asyncio.run(client.close())
            except BaseException:
                failed(f"{name}.close()")


if __name__ == "__main__":
    main()
