"""Render: print the IR through the Jinja2 templates in `templates/`.

Templates only print what the IR says (StrictUndefined: a missing value is an error, not an empty
string). The filters only quote text safely, whatever the spec's strings contain: `tomlstr` makes
a TOML string; the Python ones (`pystr`, `docstring`, `attribute_doc`, ...) come from
`pysource.py`, which also writes them in black's layout.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jinja2

from . import ir, pysource

RUNTIME_DIR = Path(__file__).parent / "runtime"


def template_dirs() -> list[Path]:
    """Built-in templates: beside the package when installed, else at the repository root."""
    candidates = [Path(__file__).parent / "templates", Path(__file__).parent.parent / "templates"]
    return [path for path in candidates if path.is_dir()]


def tomlstr(value: object) -> str:
    import json

    # JSON escapes the C0 controls; TOML also forbids a raw DEL and any surrogate, even escaped
    # (a lone one becomes the replacement character).
    text = re.sub("[\ud800-\udfff]", "\ufffd", str(value))
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


@cache
def environment(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*extra_dirs, *template_dirs()]),
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
    env.filters["tomlstr"] = tomlstr
    return env


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
LAID_OUT = frozenset({"package/__init__.py.j2", "package/_client.py.j2",
                      "package/models/__init__.py.j2", "package/models/module.py.j2",
                      "package/resources/__init__.py.j2", "package/resources/resource.py.j2"})


def render_api(api: ir.Api, extra_dirs: tuple[Path, ...] = ()) -> tuple[dict[str, str], set[str]]:
    """Every file of the generated distribution, keyed by path relative to the output folder,
    and the paths of those rendered by built-in templates that emit black's layout."""
    env = environment(extra_dirs)
    builtin = [str(path) for path in template_dirs()]
    package = api.package
    files: dict[str, str] = {}
    laid_out: set[str] = set()

    def put(path: str, template: str, **context: object) -> None:
        try:
            loaded = env.get_template(template)
            files[path] = loaded.render(api=api, **context)
        except jinja2.TemplateError as exc:
            raise RenderError(_describe(exc, template)) from exc
        if template in LAID_OUT and (loaded.filename or "").startswith(tuple(builtin)):
            laid_out.add(path)

    put("pyproject.toml", "pyproject.toml.j2")
    put("README.md", "README.md.j2")
    put(f"{package}/__init__.py", "package/__init__.py.j2")
    put(f"{package}/_client.py", "package/_client.py.j2")
    put(f"{package}/py.typed", "package/py.typed.j2")
    put(f"{package}/models/__init__.py", "package/models/__init__.py.j2")
    for module in api.modules:
        put(f"{package}/models/{module.name}.py", "package/models/module.py.j2", module=module)
    put(f"{package}/resources/__init__.py", "package/resources/__init__.py.j2")
    for resource in api.resources:
        put(f"{package}/resources/{resource.module}.py", "package/resources/resource.py.j2",
            resource=resource)
    for runtime_file in sorted(RUNTIME_DIR.glob("*.py")):
        files[f"{package}/_runtime/{runtime_file.name}"] = runtime_file.read_text(encoding="utf-8")
    return files, laid_out
