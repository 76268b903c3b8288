"""Rendering and formatting that reuse what an earlier run produced for unchanged modules.

A module of the models or resources package is printed from one IR node (`ModelModule`,
`Resource`) and the API's own settings. Its formatted text is cached (signed, `cache.py`) under a
key made of the node's `repr` (the IR is frozen dataclasses of tuples, so equal reprs are equal
nodes), the API's fields other than its modules and resources, the template and oagen's
fingerprint (code, templates, libraries: `fingerprint.py`). A hit skips rendering, laying out and
compiling that module; the files that read the whole API are rendered every time (and their
layout is reused by text, see `format.py`). Custom templates may read any part of the API: with
them, modules are always rendered.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

from generator import cache, fingerprint
from generator.diagnostics import Diagnostics, Severity
from generator.model import ir
from generator.render.format import format_files
from generator.render.package import Unit, render_units, units


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
    for unit in units(api):
        if store is not None and unit.node is not None:
            entry = cache.key(
                settings, unit.template.encode(), unit.path.encode(), repr(unit.node).encode()
            )
            hit = cache.read(store, entry)
            if hit is not None:
                reused[unit.path] = hit.encode("utf-8")
                continue
            entries[unit.path] = entry
        todo.append(unit)
    progress(f"rendering {len(todo)} files")
    files, laid_out = render_units(api, todo, extra_dirs)
    timings["render"] = time.perf_counter() - started
    started = time.perf_counter()
    errors = diagnostics.count(Severity.ERROR)
    formatted = format_files(files, diagnostics, progress, laid_out)
    timings["format"] = time.perf_counter() - started
    if diagnostics.count(Severity.ERROR) == errors:  # only modules that compiled are kept
        for path, entry in entries.items():
            cache.write(store, entry, formatted[path].decode("utf-8"))
    return dict(sorted({**formatted, **reused}.items()))
