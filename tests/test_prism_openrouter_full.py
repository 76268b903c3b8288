"""Every GET and POST operation of the full OpenRouter client against Prism in dynamic mode.

The client is generated from the shared corpus's full OpenRouter description (OpenAPI 3.1, ~100
operations, ~770 schemas) into a temporary folder; Prism mocks the same description with
``-d``.  Each GET and POST operation is called once through the generated sync client with its
required parameters and required body fields: values come from the spec's examples (the IR's
``Operation.example_arguments``, then the parameter's or media type's own examples) when they
validate against their schema, else from a deterministic synthesiser
(``tests/prism_full/synth.py``).
Each call must pass Prism's request validation, get a 2xx and parse into the declared type (the
raw body validates: no lenient fallback), and the parsed value must keep every key of the raw
body, at every depth (Prism's faker adds unknown ones; values may be normalised, e.g. datetimes).
When Prism itself cannot fake a body (a json-schema-faker crash, its 500 ``errors#UNKNOWN``
problem) the test is an xfail naming that reason.

Prism's dynamic bodies are seeded per operation (``Prefer: seed=<seed>-<operationId>``), so a
failure is reproducible; set ``OAGEN_PRISM_SEED`` to try other random bodies.
"""

from __future__ import annotations

import ast
import importlib
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest

from .prism_full.synth import Schemas
from .support.prism import PrismError, PrismServer, prism_binary, problem_violations, violations

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO.parent / "shared" / "corpus" / "openrouter" / "openapi.yaml"
PACKAGE = "openrouter_full"
METHODS = ("GET", "POST")
SEED = os.environ.get("OAGEN_PRISM_SEED", "oagen")
CREDENTIAL = "sk-or-v1-prism-test"
UPLOAD = ("document.pdf", b"%PDF-1.4\n% a tiny test upload\n", "application/pdf")

if not SPEC.is_file():
    pytest.skip(
        f"the full OpenRouter description is not at {SPEC} (the shared corpus is "
        "expected beside the repository)",
        allow_module_level=True,
    )
if prism_binary() is None:
    pytest.skip("Prism is not installed: `make test` installs it (npm ci)", allow_module_level=True)

from generator.config import Config  # noqa: E402
from generator.model import ir  # noqa: E402  (only once the spec is known to be there
from generator.pipeline import Run, analyse  # noqa: E402
from generator.render import pysource  # noqa: E402

# Operations that cannot pass for reasons outside the generated client: operation id -> reason.
# Each is strict, so a fixed Prism or spec shows up as an XPASS failure.  None is needed today.
KNOWN_FAILURES: dict[str, str] = {}


# --- the API as the generator sees it ---------------------------------------------------------


@cache
def _analysed() -> tuple[ir.Api, dict[str, Any]]:
    run = Run(Config(package=PACKAGE))
    api = analyse(run, SPEC, validate=False)
    if api is None or run.sources is None:
        errors = "\n".join(str(d) for d in run.diagnostics.items)
        raise RuntimeError(f"the generator cannot analyse {SPEC}:\n{errors}")
    document = run.sources.files[SPEC.resolve()].data
    return api, document


def _cases() -> list[Any]:
    api, _ = _analysed()
    cases = []
    for resource in api.resources:
        for operation in resource.operations:
            if operation.http_method not in METHODS:
                continue
            reason = KNOWN_FAILURES.get(operation.operation_id)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(resource, operation, id=operation.operation_id, marks=marks))
    return cases


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client generated from the full description, importable for this module's tests."""
    root = tmp_path_factory.mktemp("openrouter_full")
    config = root / "empty.toml"
    config.write_text("", encoding="utf-8")
    out = root / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(SPEC),
            "-o",
            str(out),
            "--package",
            PACKAGE,
            "-q",
            "--config",
            str(config),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, f"generation failed:\n{result.stdout}\n{result.stderr}"
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def prism() -> Iterator[PrismServer]:
    server = PrismServer(SPEC, dynamic=True, start_timeout=180)
    try:
        server.start()
    except PrismError as exc:
        pytest.skip(f"Prism cannot mock {SPEC}: {exc}")
    try:
        yield server
    finally:
        server.stop()


class Recorder:
    """httpx event hooks keeping the last exchange, to report and check what went over the wire."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.responses: list[httpx.Response] = []

    def on_request(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def on_response(self, response: httpx.Response) -> None:
        response.read()
        self.responses.append(response)

    def clear(self) -> None:
        self.requests.clear()
        self.responses.clear()

    def describe(self) -> str:
        lines: list[str] = []
        for request in self.requests:
            lines.append(f"request: {request.method} {request.url}")
            for key, value in request.headers.items():
                if key.lower() != "authorization":
                    lines.append(f"  {key}: {value}")
            body = _content(request)
            if body:
                lines.append(f"  body: {_clip(body)}")
        for response in self.responses:
            lines.append(
                f"response: {response.status_code} {response.headers.get('content-type', '')}"
            )
            for problem in violations(response.headers):
                lines.append(f"  sl-violation: {problem}")
            lines.append(f"  body: {_clip(response.content)}")
        return "\n".join(lines)


def _content(request: httpx.Request) -> bytes:
    try:
        return request.content
    except httpx.RequestNotRead:
        return b"<streamed body>"


def _clip(data: bytes, limit: int = 3000) -> str:
    text = data.decode("utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


@pytest.fixture(scope="module")
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(scope="module")
def client(package: ModuleType, prism: PrismServer, recorder: Recorder) -> Iterator[Any]:
    api, _ = _analysed()
    http = httpx.Client(
        event_hooks={"request": [recorder.on_request], "response": [recorder.on_response]}
    )
    credentials = {scheme.argument: CREDENTIAL for scheme in api.security_schemes}
    client_class = getattr(package, api.client_class)
    with client_class(
        base_url=prism.base_url, max_retries=0, timeout=120.0, http_client=http, **credentials
    ) as instance:
        yield instance
    http.close()


@pytest.fixture(scope="module")
def schemas() -> Schemas:
    return Schemas(_analysed()[1])


# --- arguments ---------------------------------------------------------------------------------


def _example_kwargs(operation: ir.Operation) -> dict[str, Any]:
    """The keyword arguments of the IR's example call that come from the spec (placeholders
    for arguments it has no example for are left out)."""
    return {
        argument.name: ast.literal_eval(pysource.example_value(argument.value))
        for argument in operation.example_arguments
        if argument.from_spec
    }


def _media_examples(node: dict[str, Any]) -> list[Any]:
    found = []
    if isinstance(node.get("examples"), dict):
        found.extend(
            e["value"] for e in node["examples"].values() if isinstance(e, dict) and "value" in e
        )
    if "example" in node:
        found.append(node["example"])
    return found


_MISSING = object()


def _choose(schemas: Schemas, schema: Any, *candidates: Any) -> Any:
    """The first candidate valid against ``schema``, else a synthesised value."""
    for candidate in candidates:
        if candidate is not _MISSING and schemas.valid(candidate, schema):
            return candidate
    return schemas.synth(schema)


def _spec_operation(
    schemas: Schemas, operation: ir.Operation
) -> tuple[dict[str, Any], dict[tuple[str, str], dict[str, Any]]]:
    path_item = schemas.deref(schemas.document["paths"][operation.path])
    node = schemas.deref(path_item[operation.http_method.lower()])
    parameters: dict[tuple[str, str], dict[str, Any]] = {}
    for raw in [*path_item.get("parameters", []), *node.get("parameters", [])]:
        parameter = schemas.deref(raw)
        parameters[(parameter["in"], parameter["name"])] = parameter
    return node, parameters


def build_arguments(schemas: Schemas, operation: ir.Operation) -> dict[str, Any]:
    """Keyword arguments for the required parameters and required body fields."""
    examples = _example_kwargs(operation)
    node, parameters = _spec_operation(schemas, operation)
    by_wire = {(p.location_in, p.wire_name): p for p in operation.parameters}
    kwargs: dict[str, Any] = {}
    for (where, name), parameter in parameters.items():
        if not parameter.get("required") and where != "path":
            continue
        generated = by_wire.get((where, name))
        assert generated is not None, (
            f"required {where} parameter {name!r} of {operation.operation_id} has no argument"
        )
        if "schema" in parameter:
            schema = parameter["schema"]
        else:
            schema = next(iter(parameter.get("content", {}).values()), {}).get("schema", {})
        kwargs[generated.name] = _choose(
            schemas, schema, examples.get(generated.name, _MISSING), *_media_examples(parameter)
        )
    body = schemas.deref(node.get("requestBody")) if "requestBody" in node else None
    if body is None or operation.body is None:
        assert body is None or not body.get("required"), (
            f"{operation.operation_id} requires a body but the method takes none"
        )
        return kwargs
    media = body["content"][operation.body.content_type]
    schema = media.get("schema", {})
    media_examples = _media_examples(media)
    if operation.body.whole_name is not None:
        kwargs[operation.body.whole_name] = _choose(
            schemas, schema, examples.get(operation.body.whole_name, _MISSING), *media_examples
        )
        return kwargs
    merged = schemas.merged(schema)
    properties = merged.get("properties", {})
    fields = {f.wire_name: f for f in operation.body.fields}
    values: dict[str, Any] = {}
    for wire in merged.get("required", []):
        field = fields.get(wire)
        assert field is not None, (
            f"required body property {wire!r} of {operation.operation_id} has no argument"
        )
        if field.is_file:
            kwargs[field.name] = UPLOAD
            continue
        from_media = [e[wire] for e in media_examples if isinstance(e, dict) and wire in e]
        values[wire] = _choose(
            schemas, properties.get(wire, {}), examples.get(field.name, _MISSING), *from_media
        )
    if not schemas.valid(values, schema) and not any(f.is_file for f in fields.values()):
        whole = schemas.synth(schema)  # the parts are valid, the whole is not: start over
        if isinstance(whole, dict) and schemas.valid(whole, schema):
            values = whole
    for wire, value in values.items():
        assert wire in fields, f"body property {wire!r} of {operation.operation_id} has no argument"
        kwargs[fields[wire].name] = value
    return kwargs


# --- the tests ---------------------------------------------------------------------------------


def _runtime_operations(package: ModuleType) -> dict[str, Any]:
    found: dict[str, Any] = {}
    resources = importlib.import_module(f"{PACKAGE}.resources")
    operation_type = importlib.import_module(f"{PACKAGE}._runtime").Operation
    folder = Path(resources.__file__).parent
    for path in sorted(folder.glob("*.py")):
        if path.stem == "__init__":
            continue
        module = importlib.import_module(f"{PACKAGE}.resources.{path.stem}")
        for value in vars(module).values():
            if isinstance(value, operation_type):
                found[value.operation_id] = value
    return found


def test_every_operation_is_generated_and_called(package: ModuleType) -> None:
    _, document = _analysed()
    in_spec = {
        (method.upper(), path, op["operationId"])
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    }
    generated = {
        (op.method, op.path, op.operation_id) for op in _runtime_operations(package).values()
    }
    assert generated == in_spec
    called = {case.id for case in _cases()}
    assert called == {op_id for method, _, op_id in in_spec if method in METHODS}


@pytest.mark.parametrize(("resource", "operation"), _cases())
def test_operation(
    resource: ir.Resource,
    operation: ir.Operation,
    package: ModuleType,
    client: Any,
    recorder: Recorder,
    schemas: Schemas,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if operation.stream_mode == "always":
        pytest.skip("the operation only streams; Prism cannot fake an event stream")
    kwargs = build_arguments(schemas, operation)
    method = getattr(getattr(client, resource.attribute), operation.method_name)
    module = importlib.import_module(f"{PACKAGE}.resources.{resource.module}")
    described = getattr(module, operation.constant)
    errors = importlib.import_module(PACKAGE)
    recorder.clear()
    caplog.set_level(logging.WARNING, logger=PACKAGE)
    try:
        result = method(**kwargs, extra_headers={"Prefer": f"seed={SEED}-{operation.operation_id}"})
    except errors.APIStatusError as exc:
        body = _json_or_none(exc.response)
        if _prism_crashed(body):
            assert isinstance(body, dict)
            pytest.xfail(
                f"Prism could not fake the response of {operation.operation_id} "
                f"(seed {SEED}-{operation.operation_id}): {body['title'].splitlines()[0]}"
            )
        problems = problem_violations(body)
        pytest.fail(
            f"{operation.operation_id}({_short(kwargs)}) got {exc.status_code}: {exc}\n"
            f"problem violations: {problems}\n{recorder.describe()}",
            pytrace=False,
        )
    except Exception as exc:
        pytest.fail(
            f"{operation.operation_id}({_short(kwargs)}) raised "
            f"{type(exc).__name__}: {exc}\n{recorder.describe()}",
            pytrace=False,
        )
    context = f"{operation.operation_id}({_short(kwargs)})\n{recorder.describe()}"
    assert recorder.responses, context
    response = recorder.responses[-1]
    request_problems = [p for p in violations(response.headers) if p.startswith("request")]
    assert not request_problems, context
    assert 200 <= response.status_code < 300, context
    if operation.pagination is not None:  # a list that pages: the first page, its body checked
        assert type(result).__name__ == "SyncPage", context
        assert len(recorder.responses) == 1, context  # no page fetched before it is needed
        result = result.body
    _check_result(operation, described, result, response, caplog, context)


def _check_result(
    operation: ir.Operation,
    described: Any,
    result: Any,
    response: httpx.Response,
    caplog: pytest.LogCaptureFixture,
    context: str,
) -> None:
    fallbacks = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(PACKAGE) and r.levelno >= logging.WARNING
    ]
    assert not fallbacks, f"{fallbacks}\n{context}"
    if operation.response_kind == "none" or described.response_type is None:
        assert result is None, context
        return
    if operation.response_kind == "binary":
        assert isinstance(result, bytes) and result == response.content, context
        return
    if operation.response_kind == "text":
        assert isinstance(result, str) and result == response.text, context
        return
    expected = described.response_type
    name = operation.response.name if isinstance(operation.response, ir.Ref) else ""
    model = getattr(importlib.import_module(f"{PACKAGE}.models"), name, None)
    if isinstance(model, type):
        assert expected is model, (expected, operation.response)
    try:
        pydantic.TypeAdapter(expected).validate_json(response.content)
    except pydantic.ValidationError as exc:
        pytest.fail(
            f"the body does not validate as {expected!r} (the client fell back to "
            f"an unvalidated value):\n{exc}\n{context}",
            pytrace=False,
        )
    if isinstance(expected, type) and issubclass(expected, pydantic.BaseModel):
        assert isinstance(result, expected), (type(result), context)
    dumped = pydantic.TypeAdapter(expected).dump_python(
        result, mode="json", by_alias=True, exclude_unset=True
    )
    lost = list(_lost_keys(response.json(), dumped))
    assert not lost, f"raw keys the parsed value lost: {lost}\n{context}"


def _lost_keys(raw: object, dumped: object, where: str = "") -> Iterator[str]:
    """Where ``dumped`` lacks a key (or list item) of ``raw``; values may be normalised."""
    if isinstance(raw, dict):
        if not isinstance(dumped, dict):
            yield f"{where or '<root>'}: an object became {type(dumped).__name__}"
            return
        for key, value in raw.items():
            if key not in dumped:
                yield f"{where}.{key}"
            else:
                yield from _lost_keys(value, dumped[key], f"{where}.{key}")
    elif isinstance(raw, list):
        if not isinstance(dumped, list) or len(dumped) != len(raw):
            yield f"{where or '<root>'}: a list of {len(raw)} became {dumped!r:.80}"
            return
        for index, (item, kept) in enumerate(zip(raw, dumped, strict=True)):
            yield from _lost_keys(item, kept, f"{where}[{index}]")


def _prism_crashed(body: object) -> bool:
    """Prism's own failure to fake a body (a json-schema-faker exception), not a verdict."""
    return (
        isinstance(body, dict)
        and body.get("status") == 500
        and body.get("type") == "https://stoplight.io/prism/errors#UNKNOWN"
        and isinstance(body.get("title"), str)
    )


def _json_or_none(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def _short(kwargs: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={json.dumps(v, default=repr)[:200]}" for k, v in kwargs.items())
    return text[:1500]
