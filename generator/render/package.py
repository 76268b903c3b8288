"""Render: print the IR through the Jinja2 templates in `templates/`.

Templates only print what the IR says (StrictUndefined: a missing value is an error, not an empty
string). The filters quote text safely, whatever the spec's strings contain: `tomlstr` makes a
TOML string; the Python ones (`pystr`, `docstring`, `attribute_doc`, ...) come from
`pysource.py`, which also writes them in black's layout. Types and import lines are printed from
the IR's data by `types.py`, through the `types` printer every template is given.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.bccache

from generator import cache, fingerprint
from generator.model import ir
from generator.render import pysource
from generator.render import types as types_module
from generator.render.bytecode import TemplateBytecode, compiled_folder
from generator.render.markdown import md_block, md_code, md_text
from generator.render.types import TypePrinter

GENERATOR_DIR = Path(__file__).parent.parent
RUNTIME_DIR = GENERATOR_DIR / "runtime"


def template_dirs() -> list[Path]:
    """Built-in templates: beside the package when installed, else at the repository root."""
    candidates = [GENERATOR_DIR / "templates", GENERATOR_DIR.parent / "templates"]
    return [path for path in candidates if path.is_dir()]


# --- Markdown: spec text is untrusted ---------------------------------------------------------

# --- api.md: each method's signature and example, printed from the IR ---------------------


@dataclass(frozen=True, slots=True)
class MethodReference:
    signature: str  # a `def` stub, as black lays it out
    example: str  # the example call, as black lays it out


# reference[resource call path][method name]
Reference = Mapping[str, Mapping[str, MethodReference]]


def _signature(op: ir.Operation, types: TypePrinter) -> str:
    parameters: list[str] = []

    def add(name: str, annotation: str, required: bool) -> None:
        parameters.append(
            f"{name}: {annotation}" if required else f"{name}: {annotation} | NotGiven = NOT_GIVEN"
        )

    positional = tuple(
        f"{p.name}: {types.argument(p)}"
        for p in op.parameters
        if p.location_in == "path" and p.required
    )
    for param in op.parameters:
        if not (param.location_in == "path" and param.required):
            add(param.name, types.argument(param), param.required)
    if op.body is not None:
        for field in op.body.fields:
            add(
                field.name,
                "bool" if field.is_stream_flag else types.argument(field),
                field.required and not field.is_stream_flag,
            )
        if op.body.whole_name is not None and op.body.whole_type is not None:
            add(op.body.whole_name, types.argument(op.body), op.body.required)
    if op.stream_mode == "accept" and op.stream_argument is not None:
        parameters.append(f"{op.stream_argument}: bool = False")
    return pysource.def_stub(op.method_name, parameters, types.returns(op), positional)


def paging_text(pagination: ir.Pagination) -> str:
    """How a method pages, in words for api.md (names as Markdown code)."""
    parameter = md_code(pagination.parameter or "")
    if pagination.strategy == "cursor" and pagination.item_cursor is not None:
        text = f"{parameter} set to the last item's {md_code(pagination.item_cursor)}"
    elif pagination.strategy == "cursor":
        text = f"{parameter} set to {md_code('.'.join(pagination.next))} of the page"
    elif pagination.strategy == "offset":
        text = f"{parameter} advanced by the number of items received"
    elif pagination.strategy == "page":
        text = f"{parameter} numbers from {pagination.first}"
    elif pagination.strategy == "next_url":
        text = f"the link in {md_code('.'.join(pagination.next))}"
    else:
        text = "the link in the `Link` header"
    if pagination.has_more:
        text += f", until {md_code('.'.join(pagination.has_more))} is false"
    if pagination.limit_parameter is not None:
        text += f"; a page shorter than {md_code(pagination.limit_parameter)} is the last"
    if pagination.source != "inferred":
        text += f"; as {md_code(pagination.source)} says"
    return text


def _example(resource: ir.Resource, op: ir.Operation) -> str:
    arguments = [(a.name, pysource.example_value(a.value)) for a in op.example_arguments]
    target = "stream" if op.stream_mode == "always" else "result"
    return pysource.call_line(target, f"client.{resource.path}.{op.method_name}", arguments)


def api_reference(api: ir.Api, types: TypePrinter) -> Reference:
    """The API reference's signatures and examples (`reference[resource call path][method]` for
    `api.md.j2` and the README), in black's layout, each laid out when first read: after an
    edit most of api.md's sections are reused, and need none."""
    operations: dict[str, dict[str, tuple[ir.Resource, ir.Operation]]] = {}
    for resource in api.resources:
        for op in resource.operations:
            operations.setdefault(resource.path, {})[op.method_name] = (resource, op)
    return {path: _LaidOnRead(methods, types) for path, methods in operations.items()}


class _LaidOnRead(Mapping[str, MethodReference]):
    """One resource's methods in the reference, each laid out when first read."""

    def __init__(
        self, methods: dict[str, tuple[ir.Resource, ir.Operation]], types: TypePrinter
    ) -> None:
        self.methods, self.types = methods, types
        self.laid: dict[str, MethodReference] = {}

    def __getitem__(self, name: str) -> MethodReference:
        found = self.laid.get(name)
        if found is None:
            from generator.render.format import cached_black

            statements = _statements(*self.methods[name], self.types)
            found = self.laid[name] = MethodReference(
                *pysource.lay_out_statements(statements, cached_black)
            )
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.methods)

    def __len__(self) -> int:
        return len(self.methods)


def _statements(resource: ir.Resource, op: ir.Operation, types: TypePrinter) -> list[str]:
    """An operation's signature and example, before they are laid out."""
    return [_signature(op, types), _example(resource, op)]


def reference_statements(api: ir.Api, types: TypePrinter) -> list[str]:
    """Each operation's signature and example, in that order, before they are laid out."""
    return [
        text
        for resource in api.resources
        for op in resource.operations
        for text in _statements(resource, op, types)
    ]


def reference_from(api: ir.Api, laid: list[str]) -> Reference:
    """The reference from `reference_statements` laid out."""
    reference: dict[str, dict[str, MethodReference]] = {}
    pairs = iter(laid)
    for resource in api.resources:
        for op in resource.operations:
            signature, example = next(pairs), next(pairs)
            reference.setdefault(resource.path, {})[op.method_name] = MethodReference(
                signature, example
            )
    return reference


def tomlstr(value: object) -> str:

    # JSON escapes the C0 controls; TOML also forbids a raw DEL and any surrogate, even escaped
    # (a lone one becomes the replacement character).
    text = re.sub("[\ud800-\udfff]", "\ufffd", str(value))
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


@functools.cache
def environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The environment of a run: templates compiled ahead, else cached as they are compiled."""
    store = cache.folder("jinja", fingerprint.tool())
    return new_environment(extra_dirs, TemplateBytecode(compiled_folder(), store))


def new_environment(
    extra_dirs: tuple[Path, ...], bytecode: jinja2.BytecodeCache
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*extra_dirs, *template_dirs()]),
        bytecode_cache=bytecode,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pystr"] = pysource.pystr
    env.filters["pytuple"] = pysource.pytuple
    env.filters["docstring"] = pysource.docstring
    env.filters["attribute_doc"] = pysource.attribute_doc
    env.filters["doc_text"] = pysource.doc_text
    env.globals["from_import"] = pysource.from_import
    env.globals["assign_call"] = pysource.assign_call
    env.globals["retry_policy"] = pysource.retry_policy
    env.filters["tomlstr"] = tomlstr
    env.filters["md_text"] = md_text
    env.filters["md_code"] = md_code
    env.filters["md_block"] = md_block
    env.filters["annotation"] = _annotation
    env.filters["input_annotation"] = _input_annotation
    env.filters["runtime"] = _runtime
    env.filters["field_annotation"] = _field_annotation
    env.filters["argument_annotation"] = _argument_annotation
    env.filters["definition_annotation"] = _definition_annotation
    env.filters["credential_annotation"] = types_module.credential_annotation
    env.globals["returns"] = _returns
    env.filters["paging_text"] = paging_text
    env.globals["model_imports"] = _model_imports
    env.globals["resource_imports"] = _resource_imports
    env.globals["webhook_imports"] = _webhook_imports
    env.globals["resource_models"] = _resource_models
    return env


# --- printing types: filters and globals over the `types` printer in every template's context ---


def _types(context: jinja2.runtime.Context) -> TypePrinter:
    printer = context["types"]
    assert isinstance(printer, TypePrinter)
    return printer


@jinja2.pass_context
def _annotation(context: jinja2.runtime.Context, expr: ir.TypeExpr | None) -> str:
    return _types(context).output(expr)


@jinja2.pass_context
def _input_annotation(context: jinja2.runtime.Context, expr: ir.TypeExpr) -> str:
    return _types(context).input(expr)


@jinja2.pass_context
def _runtime(context: jinja2.runtime.Context, expr: ir.TypeExpr | None) -> str:
    return _types(context).plain(expr)


@jinja2.pass_context
def _field_annotation(context: jinja2.runtime.Context, field: ir.Field) -> str:
    return _types(context).field(field)


@jinja2.pass_context
def _argument_annotation(context: jinja2.runtime.Context, argument: types_module.Argument) -> str:
    return _types(context).argument(argument)


@jinja2.pass_context
def _definition_annotation(context: jinja2.runtime.Context, definition: ir.Enum | ir.Alias) -> str:
    return _types(context).definition(definition)


@jinja2.pass_context
def _returns(
    context: jinja2.runtime.Context,
    op: ir.Operation,
    variant: str = "impl",
    stream_class: str = "Stream",
) -> str:
    return _types(context).returns(op, variant, stream_class)


@jinja2.pass_context
def _model_imports(context: jinja2.runtime.Context, module: ir.ModelModule) -> tuple[str, ...]:
    return _types(context).model_imports(module)


@jinja2.pass_context
def _webhook_imports(context: jinja2.runtime.Context, webhooks: ir.Webhooks) -> tuple[str, ...]:
    return _types(context).webhook_imports(webhooks)


@jinja2.pass_context
def _resource_imports(context: jinja2.runtime.Context, resource: ir.Resource) -> tuple[str, ...]:
    return _types(context).resource_imports(resource)


@jinja2.pass_context
def _resource_models(context: jinja2.runtime.Context, resource: ir.Resource) -> tuple[str, ...]:
    return _types(context).resource_models(resource)


# What renders api.md's section of a resource: given the resource and a function rendering the
# section, its text (an earlier run's, when unchanged: see reuse.py).
SectionSource = Callable[[ir.Resource, Callable[[], str]], str]


def _section_renderer(
    env: jinja2.Environment, context: dict[str, object], sections: SectionSource | None
) -> Callable[[ir.Resource], str]:
    """`resource_section(r)` for api.md.j2: one resource's section, from api_section.md.j2."""
    template = env.get_template("api_section.md.j2")

    def section(resource: ir.Resource) -> str:
        def fresh() -> str:
            return template.render({**context, "r": resource})

        return fresh() if sections is None else sections(resource, fresh)

    return section


class RenderError(Exception):
    """A template failed; the message names the template file and line."""


def _describe(exc: jinja2.TemplateError, template: str) -> str:
    """`file:line: message` for a template error, from the frames Jinja2 maps to templates."""
    where, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    trace = exc.__traceback__
    while trace is not None:  # runtime errors: the innermost frame that is a template
        if trace.tb_frame.f_code.co_filename.endswith(".j2"):
            where, line = trace.tb_frame.f_code.co_filename, trace.tb_lineno
        trace = trace.tb_next
    return f"{where or template}:{line or 1}: {exc.message or type(exc).__name__}"


# Templates whose output is already laid out as black lays it out (see pysource.py); a custom
# template replacing one of them is formatted by black like any other file.
LAID_OUT = frozenset(
    {
        "package/__init__.py.j2",
        "package/_client.py.j2",
        "package/_hooks.py.j2",
        "package/models/__init__.py.j2",
        "package/models/module.py.j2",
        "package/resources/__init__.py.j2",
        "package/resources/resource.py.j2",
        "package/webhooks.py.j2",
    }
)


def editable_files(package: str) -> frozenset[str]:
    """Files generated once for the package's maintainer to edit: written only where missing,
    never overwritten, left out of the manifest (so never stale and never removed)."""
    return frozenset({f"{package}/_hooks.py"})


@dataclass(frozen=True, slots=True)
class Unit:
    """One file to render: its path in the output, its template, and the IR node the template
    prints (the module or resource: None for files that read the whole API)."""

    path: str
    template: str
    node: ir.ModelModule | ir.Resource | None = None


def units(api: ir.Api) -> list[Unit]:
    """The templated files of the generated distribution, in rendering order."""
    package = api.package
    planned = [
        Unit("pyproject.toml", "pyproject.toml.j2"),
        Unit("README.md", "README.md.j2"),
        Unit("api.md", "api.md.j2"),
        Unit(f"{package}/__init__.py", "package/__init__.py.j2"),
        Unit(f"{package}/_client.py", "package/_client.py.j2"),
        Unit(f"{package}/_hooks.py", "package/_hooks.py.j2"),
        Unit(f"{package}/py.typed", "package/py.typed.j2"),
        Unit(f"{package}/models/__init__.py", "package/models/__init__.py.j2"),
    ]
    planned += [
        Unit(f"{package}/models/{module.name}.py", "package/models/module.py.j2", module)
        for module in api.modules
    ]
    planned.append(Unit(f"{package}/resources/__init__.py", "package/resources/__init__.py.j2"))
    planned += [
        Unit(
            f"{package}/resources/{resource.module}.py",
            "package/resources/resource.py.j2",
            resource,
        )
        for resource in api.resources
    ]
    if api.webhooks is not None:
        planned.append(Unit(f"{package}/webhooks.py", "package/webhooks.py.j2"))
    return planned


def render_api(api: ir.Api, extra_dirs: tuple[Path, ...] = ()) -> tuple[dict[str, str], set[str]]:
    """Every file of the generated distribution, keyed by path relative to the output folder,
    and the paths of those rendered by built-in templates that emit black's layout."""
    return render_units(api, units(api), extra_dirs)


REFERENCE_READERS = ("README.md.j2", "api.md.j2")


def render_units(
    api: ir.Api,
    chosen: list[Unit],
    extra_dirs: tuple[Path, ...] = (),
    sections: SectionSource | None = None,
    *,
    runtime: bool = True,
    reference: Reference | None = None,
) -> tuple[dict[str, str], set[str]]:
    """The `chosen` files (and the runtime's, unless `runtime` is False), as `render_api`
    gives them."""
    printer = Printer(api, extra_dirs, sections, reference)
    files: dict[str, str] = {}
    laid_out: set[str] = set()
    for unit in chosen:
        files[unit.path], is_laid_out = printer.render(unit)
        if is_laid_out:
            laid_out.add(unit.path)
    for runtime_file in sorted(RUNTIME_DIR.glob("*.py")) if runtime else ():
        files[f"{api.package}/_runtime/{runtime_file.name}"] = runtime_file.read_text(
            encoding="utf-8"
        )
    return files, laid_out


class Printer:
    """Renders the units of one API: the environment and the type printer are made once."""

    def __init__(
        self,
        api: ir.Api,
        extra_dirs: tuple[Path, ...] = (),
        sections: SectionSource | None = None,
        reference: Reference | None = None,
    ) -> None:
        self.api = api
        self.sections = sections
        self.env = environment(extra_dirs)
        self.builtin = tuple(str(path) for path in template_dirs())
        self.types = TypePrinter.of(api)
        self.reference = reference  # laid out when first read, unless given
        self.loaded: dict[str, jinja2.Template] = {}

    def load(self, template: str) -> jinja2.Template:
        # Once per run: Jinja2 checks a template's file for changes on every lookup.
        loaded = self.loaded.get(template)
        if loaded is None:
            try:
                loaded = self.loaded[template] = self.env.get_template(template)
            except jinja2.TemplateError as exc:
                raise RenderError(_describe(exc, template)) from exc
        return loaded

    def render(self, unit: Unit) -> tuple[str, bool]:
        """The unit's text, and whether a built-in template laid it out as black would."""
        context: dict[str, object] = {"api": self.api, "types": self.types}
        if unit.template in REFERENCE_READERS:
            if self.reference is None:
                self.reference = api_reference(self.api, self.types)
            context["reference"] = self.reference
        if unit.template == "api.md.j2":
            context["resource_section"] = _section_renderer(self.env, context, self.sections)
        if isinstance(unit.node, ir.ModelModule):
            context["module"] = unit.node
        elif isinstance(unit.node, ir.Resource):
            context["resource"] = unit.node
            context["types"] = self.types.for_resource(unit.node)
        loaded = self.load(unit.template)
        try:
            text = loaded.render(context)
        except jinja2.TemplateError as exc:
            raise RenderError(_describe(exc, unit.template)) from exc
        builtin = (loaded.filename or "").startswith(self.builtin)
        return text, unit.template in LAID_OUT and builtin
