"""Rendering and formatting that reuse what an earlier run produced for unchanged modules.

A module of the models or resources package is printed from one IR node (`ModelModule`,
`Resource`), the definitions its types name and the API's own settings. Its formatted text is
cached (signed, `cache.py`) under a key made of the node's `repr` (the IR is frozen dataclasses of
tuples, so equal reprs are equal nodes), what printing reads of each definition it names
(`_named`), the API's fields other than its modules and resources, the template and oagen's
fingerprint (code, templates, libraries: `fingerprint.py`). A hit skips rendering, laying out and
compiling that module. api.md's section of each resource is reused under the same key; the other
files that read the whole API are rendered every time (and their layout is reused by text, see
`format.py`). Custom templates may read any part of the API: with
them, modules are always rendered.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from pathlib import Path

from generator import cache, fingerprint
from generator.diagnostics import Diagnostics, Severity
from generator.model import ir, typerules
from generator.render import fanout
from generator.render.format import encoded, format_files, report_invalid
from generator.render.package import (
    REFERENCE_READERS,
    Unit,
    reference_from,
    reference_statements,
    render_units,
    units,
)
from generator.render.types import TypePrinter


def render_and_format(
    api: ir.Api,
    extra_dirs: tuple[Path, ...],
    diagnostics: Diagnostics,
    progress: Callable[[str], None],
    timings: dict[str, float],
) -> dict[str, bytes]:
    """Every file of the generated distribution, formatted (RenderError from a template);
    the seconds spent rendering and formatting are added to `timings`."""
    started = time.perf_counter()
    store = cache.folder("module", fingerprint.tool()) if not extra_dirs else None
    settings = repr(dataclasses.replace(api, modules=(), resources=(), model_names=())).encode()
    reused: dict[str, bytes] = {}
    entries: dict[str, str] = {}
    todo: list[Unit] = []
    named = _Named(typerules.definition_index(api))
    printed: dict[int, str] = {}  # id(node) -> repr(node)
    for unit in units(api):
        if store is not None and unit.node is not None:
            text = printed[id(unit.node)] = repr(unit.node)
            entry = cache.key(
                settings, unit.template.encode(), unit.path.encode(), text.encode(), named(text)
            )
            hit = cache.read(store, entry)
            if hit is not None:
                reused[unit.path] = hit.encode("utf-8")
                continue
            entries[unit.path] = entry
        todo.append(unit)
    progress(f"rendering {len(todo)} files")
    sections = _Sections(store, settings, named, printed) if store is not None else None
    modules = [unit for unit in todo if unit.node is not None]
    readers = [unit for unit in todo if unit.template in REFERENCE_READERS]
    # The reference goes to children only with the modules (else it is laid out as it is read).
    with_children = bool(readers) and fanout.worthwhile(modules, extra_dirs)
    statements = reference_statements(api, TypePrinter.of(api)) if with_children else []
    children = fanout.start(api, modules, extra_dirs, statements)
    if children is None:
        files, laid_out = render_units(api, todo, extra_dirs, sections)
        delivered = None
    else:
        others = [unit for unit in todo if unit.node is None and unit not in readers]
        files, laid_out = render_units(api, others, extra_dirs, sections)
        delivered = children.results()
        reference = None if delivered is None else reference_from(api, delivered.statements)
        more, more_laid_out = render_units(
            api, readers, extra_dirs, sections, runtime=False, reference=reference
        )
        files.update(more)
        laid_out |= more_laid_out
    timings["render"] = time.perf_counter() - started
    started = time.perf_counter()
    errors = diagnostics.count(Severity.ERROR)
    formatted = format_files(files, diagnostics, progress, laid_out)
    if children is not None:
        formatted.update(_modules(delivered, api, modules, extra_dirs, diagnostics, progress))
    timings["format"] = time.perf_counter() - started
    if diagnostics.count(Severity.ERROR) == errors:  # only modules that compiled are kept
        for path, entry in entries.items():
            cache.write(store, entry, formatted[path].decode("utf-8"))
    return dict(sorted({**formatted, **reused}.items()))


def _modules(
    delivered: fanout.Delivered | None,
    api: ir.Api,
    modules: list[Unit],
    extra_dirs: tuple[Path, ...],
    diagnostics: Diagnostics,
    progress: Callable[[str], None],
) -> dict[str, bytes]:
    """The modules the children rendered and finished; rendered here if they did not."""
    if delivered is None:
        files, laid_out = render_units(api, modules, extra_dirs, runtime=False)
        return format_files(files, diagnostics, progress, laid_out)
    for path, error in delivered.invalid:
        report_invalid(path, error, diagnostics)
    return encoded(delivered.modules)


class _Sections:
    """api.md's section of each resource, rendered or reused: the key is the resource module's,
    made for another template (the section prints the same node with the same types)."""

    def __init__(
        self, store: Path, settings: bytes, named: _Named, printed: dict[int, str]
    ) -> None:
        self.store, self.settings, self.named, self.printed = store, settings, named, printed

    def __call__(self, resource: ir.Resource, render: Callable[[], str]) -> str:
        text = self.printed.get(id(resource)) or repr(resource)
        entry = cache.key(self.settings, b"api_section.md.j2", text.encode(), self.named(text))
        hit = cache.read(self.store, entry)
        if hit is not None:
            return hit
        fresh = render()
        cache.write(self.store, entry, fresh)
        return fresh


# A reference in a node's repr: definition names are Python identifiers. A match inside a
# description only adds a dependency, which costs a miss at worst.
_REF = re.compile(r"Ref\(name='([A-Za-z_][A-Za-z0-9_]*)'\)")


class _Named:
    """What printing a node's types reads of the definitions they name: for an alias or an enum,
    all of it (an alias is expanded, so what it names counts too); for a model, its module, and
    what a tagged union reads (its location and its fields typed by a literal)."""

    def __init__(self, definitions: typerules.DefinitionIndex) -> None:
        self.definitions = definitions
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> bytes:
        names = set(_REF.findall(text))
        found: dict[str, str] = {}
        while names:
            name = names.pop()
            if name in found:
                continue
            found[name] = self._read(name)
            if isinstance(self.definitions.get(name), ir.Alias):
                names.update(_REF.findall(found[name]))
        return "\n".join(f"{name}={found[name]}" for name in sorted(found)).encode()

    def _read(self, name: str) -> str:
        if name not in self.seen:
            definition = self.definitions.get(name)
            if isinstance(definition, ir.Model):
                literal = [(f.wire_name, f.type) for f in definition.fields]
                tags = [(wire, kind) for wire, kind in literal if isinstance(kind, ir.Literal)]
                self.seen[name] = repr(("model", definition.module, definition.location, tags))
            else:
                self.seen[name] = repr(definition)
        return self.seen[name]
