"""The pipeline: load, validate, resolve and build, then render and format; no printing here.

Each stage is a function of the previous one's output; the CLI decides what to print and where to
write. A `Run` carries the diagnostics and timings of one run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import cache, workers
from generator.config import Config
from generator.diagnostics import Diagnostics, Location, Severity, printable
from generator.progress import silent

if TYPE_CHECKING:  # imported where used: a run whose output is up to date never loads them
    from generator.load.sources import SourceFile, Sources
    from generator.model import ir


class PendingValidation(NamedTuple):
    """A validation running in a child process, and what is needed to finish it here."""

    child: workers.Child
    source: SourceFile
    store: Path | None  # the validator's cache
    entry: str


@dataclass(slots=True)
class Run:
    config: Config
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    sources: Sources | None = None
    timings: dict[str, float] = field(default_factory=dict)
    progress: Callable[[str], None] = silent
    pending_validation: PendingValidation | None = None
    referenced: list[SourceFile] = field(default_factory=list)  # loaded through `$ref`s
    recorded_inputs: tuple[Path, ...] = ()  # an up-to-date run's: the files its record lists
    # What the command line printed of the diagnostics: (all of them, or errors only; lines).
    printed: tuple[bool, list[tuple[int, str]]] | None = None

    def locate(self, location: Any) -> tuple[int, int] | None:
        if self.sources is None:
            return None
        return self.sources.locate(location)

    def files_read(self) -> set[Path]:
        """The real paths of the files this run read or tried to read: the spec, the overlays,
        the files named by `$ref`s; for a run found up to date, those its record lists."""
        if self.sources is not None:
            return self.sources.tried()
        return set(self.recorded_inputs)

    def failed(self) -> bool:
        if self.diagnostics.has_errors:
            return True
        return self.config.strict and self.diagnostics.count(Severity.WARNING) > 0


def load_spec(run: Run, spec: Path) -> SourceFile | None:
    from generator.load.sources import LoadError

    started = time.perf_counter()
    run.progress(f"loading {spec.name}")
    run.sources = sources_for(run.config, spec, run.diagnostics)
    try:
        source = run.sources.load(spec)
        if run.config.overlays:
            from generator.overlay.apply import overlay_source

            source = overlay_source(source, run.config.overlays, run.diagnostics, run.sources)
            run.sources.files[source.path] = source
            if run.diagnostics.has_errors:
                return None
        if run.config.overlays or _EXTERNAL_REF.search(source.text):
            from generator.load.references import load_referenced

            run.referenced = load_referenced(run.sources, source)
    except LoadError:
        return None
    finally:
        run.timings["load"] = time.perf_counter() - started
    return source


def sources_for(config: Config, spec: Path, diagnostics: Diagnostics) -> Sources:
    """The run's file reader: `$ref`s read under the spec's real folder, and under `root`."""
    from generator.load.sources import Sources

    folder = Path(os.path.realpath(spec)).parent
    roots = (folder, config.root) if config.root is not None else ()
    sources = Sources(folder, diagnostics, roots=roots)
    for named in (spec, *config.overlays):
        sources.name(named)
    return sources


# Validation runs in a child process under these budgets: openapi-spec-validator's cost grows
# faster than the document on some shapes (quadratic in operationIds; gigabytes for a few thousand
# schemas with invalid names), and a child can be stopped where this process could not. It runs
# beside build, render and format, which do not need its findings.
_VALIDATE_SECONDS = 60.0  # OAGEN_VALIDATE_TIMEOUT overrides
_VALIDATE_MEMORY = 4 << 30  # bytes above what the child starts with; OAGEN_VALIDATE_MEMORY_MB


def validation_budget() -> tuple[float, int]:
    """Seconds and bytes a background validation may use (from the environment, if set)."""
    seconds, memory = _VALIDATE_SECONDS, _VALIDATE_MEMORY
    with contextlib.suppress(ValueError):
        seconds = max(1.0, float(os.environ.get("OAGEN_VALIDATE_TIMEOUT", seconds)))
    with contextlib.suppress(ValueError):
        memory = max(256, int(os.environ.get("OAGEN_VALIDATE_MEMORY_MB", memory >> 20))) << 20
    return seconds, memory


def _findings_of(job: list[Any]) -> list[list[Any]]:  # runs in the validation child
    from generator.validate.openapi import validate_document

    data, version, display, uri, documents = job
    found = Diagnostics()
    validate_document(data, version, display, uri, found, [tuple(item) for item in documents])
    return [
        [
            d.severity.value,
            d.code,
            d.message,
            d.location.file if d.location else "",
            d.location.pointer if d.location else "",
            d.hint,
        ]
        for d in found.items
    ]


def _prepare_validation() -> None:  # runs in the validation child
    from generator.validate.validator_adapter import preload

    preload()


def validation_standby() -> workers.Standby | None:
    """A validation child that imports the validator while this process reads the spec (a
    fifth of a second, then no longer in the way); None when no child can be started now (the
    ordinary path then reports why)."""
    try:
        return workers.Standby(_prepare_validation, _findings_of, memory=validation_budget()[1])
    except OSError:
        return None


def _validation_child(job: list[Any], standby: workers.Standby | None) -> workers.Child:
    if standby is not None:
        try:
            return standby.send(job)
        except ValueError:  # not plain data (marshal): the child is forked with it instead
            standby.cancel()
    return workers.Child(_findings_of, job, memory=validation_budget()[1])


def validate_spec(
    run: Run,
    source: SourceFile,
    *,
    background: bool = False,
    standby: workers.Standby | None = None,
) -> str | None:
    """Record the validator's findings (from the cache, or from a child process under the
    validation budget: `standby`'s, when given). With `background`, the child goes on while the
    caller does; `join_validation` then adds its findings."""
    from generator.validate.openapi import check_document_kind

    version = check_document_kind(source.data, source.display, run.diagnostics)
    if version is None:
        return None
    started = time.perf_counter()
    run.progress("validating")
    store, entry = _validation_cache_entry(source, version, bool(run.config.overlays))
    cached = cache.read(store, entry) if entry else None
    if cached is not None:
        _add_findings(run, source, json.loads(cached))
    else:
        job = _job(run, source, version)
        try:
            child = _validation_child(job, standby)
        except OSError as exc:  # no process or semaphore to be had (a limit, a full /dev/shm)
            run.diagnostics.warning(
                "W103",
                f"openapi-spec-validator could not be started "
                f"({printable(exc.strerror or str(exc))}); the document was not validated",
                Location(source.display),
                "generation goes on; the builder checks what it uses",
            )
        else:
            run.pending_validation = PendingValidation(child, source, store, entry)
            if not background:
                join_validation(run)
    run.timings["validate"] = time.perf_counter() - started
    return version


def join_validation(run: Run) -> None:
    """Add the findings of a validation running in the background. A child stopped by its
    budget is reported (W103) and not redone here: the same work would have no budget."""
    if run.pending_validation is None:
        return
    child, source, store, entry = run.pending_validation
    run.pending_validation = None
    started = time.perf_counter()
    seconds, memory = validation_budget()
    findings = child.collect(timeout=seconds)
    if findings is None:
        why = {
            "timeout": f"did not finish within {seconds:g} s",
            "out-of-memory": f"needed more than {memory >> 20} MB",
        }.get(child.outcome, "stopped without a result (out of memory, or it crashed)")
        run.diagnostics.warning(
            "W103",
            f"openapi-spec-validator {why}; the document was not fully validated",
            Location(source.display),
            "generation goes on; OAGEN_VALIDATE_TIMEOUT (seconds) "
            "and OAGEN_VALIDATE_MEMORY_MB raise the budget",
        )
    else:
        if entry:
            cache.write(store, entry, json.dumps(findings))
        _add_findings(run, source, findings)
    run.timings["validate-wait"] = time.perf_counter() - started


def cancel_validation(run: Run) -> None:
    if run.pending_validation is not None:
        run.pending_validation.child.cancel()
        run.pending_validation = None


def _job(run: Run, source: SourceFile, version: str) -> list[Any]:
    """What the validator needs, as plain data: the document and the files it refers to (the
    only ones the validator may read)."""
    documents = [[str(item.path), item.display, item.data] for item in run.referenced]
    return [source.data, version, source.display, source.path.as_uri(), documents]


def _add_findings(run: Run, source: SourceFile, findings: list[list[Any]]) -> None:
    for severity, code, message, file, pointer, hint in findings:
        run.diagnostics.add(
            Severity(severity), code, message, Location(file or source.display, pointer), hint
        )


_EXTERNAL_REF = re.compile(r"""\$ref["']?\s*:\s*["']?[^#"'\s]""")


def _validation_cache_entry(
    source: SourceFile, version: str, run_has_overlays: bool
) -> tuple[Path | None, str]:
    """Where the validator's findings for this document are cached; no entry for documents
    that refer to other files, whose findings depend on more than this file's text."""
    if _EXTERNAL_REF.search(source.text) or run_has_overlays:
        return None, ""
    from importlib.metadata import version as installed

    # The findings' format is part of the key: file, pointer and hint since format 2.
    store = cache.folder("validate", f"{installed('openapi-spec-validator')}|findings-2")
    # A file name may hold bytes that are not UTF-8 (kept as surrogates by Python).
    return store, cache.key(
        source.text.encode(), version.encode(), source.display.encode("utf-8", "surrogateescape")
    )


def build(run: Run, source: SourceFile, version: str) -> ir.Api:
    from generator.convert.document import swagger_to_openapi
    from generator.load.sources import SourceFile
    from generator.model.build import build_api
    from generator.model.resolve import Resolver

    assert run.sources is not None
    started = time.perf_counter()
    run.progress("building")
    document = source.data
    if version == "2.0":
        document = swagger_to_openapi(document, source.display, run.diagnostics, run.sources.roots)
        source = SourceFile(source.path, source.display, source.text, document, source.is_json)
    resolver = Resolver(run.sources, source, run.diagnostics)
    api = build_api(document, version, source.display, resolver, run.config, run.diagnostics)
    run.timings["build"] = time.perf_counter() - started
    return api


def analyse(
    run: Run, spec: Path, *, validate: bool = True, background: bool = False
) -> ir.Api | None:
    """Everything up to the IR. None when the spec cannot be used at all. With `background`,
    validation may still be running: call `join_validation` before reading the diagnostics."""
    standby = validation_standby() if validate and background else None
    try:
        source = load_spec(run, spec)
        if source is None:
            return None
        if validate:
            version = validate_spec(run, source, background=background, standby=standby)
        else:
            from generator.validate.openapi import check_document_kind

            version = check_document_kind(source.data, source.display, run.diagnostics)
    finally:
        if standby is not None:
            standby.discard()  # not needed: the spec could not be read, or findings were cached
    if version is None:
        return None
    return build(run, source, version)


def render_and_format(run: Run, api: ir.Api) -> dict[str, bytes]:
    from generator.render import reuse
    from generator.render.package import RenderError

    run.progress("rendering")
    extra = (run.config.templates,) if run.config.templates is not None else ()
    try:
        return reuse.render_and_format(api, extra, run.diagnostics, run.progress, run.timings)
    except RenderError as exc:
        run.diagnostics.error(
            "E602",
            f"template error: {exc}",
            None,
            "fix the template (a custom one, or report a bug in oagen's)",
        )
        return {}
