"""What every command prints: diagnostics, the summary line, the output folder's absence."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import Config, locate_in_toml
from generator.diagnostics import Diagnostic, Location, Severity
from generator.pipeline import Run
from generator.progress import Progress

if TYPE_CHECKING:
    from generator.model.ir import Api
    from generator.uptodate import Record

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def output_folder(config: Config) -> Path | None:
    if config.output is None:
        print(
            "oagen: no output folder: pass -o/--output, or set `output` under [tool.oagen]",
            file=sys.stderr,
        )
        return None
    return config.output


def print_diagnostics(run: Run, *, quiet: bool) -> None:
    """Print the run's diagnostics (errors only when `quiet`: the others are not even located)
    and keep what was printed in `run.printed`."""
    if isinstance(run.progress, Progress):
        run.progress.clear()
    minimum = Severity.ERROR if quiet else Severity.INFO
    printed = [(int(d.severity), d.format()) for d in run.diagnostics.located(run.locate, minimum)]
    for _severity, line in printed:
        print(line, file=sys.stderr)
    run.printed = (not quiet, printed)


def print_config_diagnostics(run: Run, config_path: Path | None) -> None:
    for item in run.diagnostics:
        if config_path is not None and item.location is not None:
            position = locate_in_toml(config_path, item.location.pointer)
            if position is not None:
                item = Diagnostic(
                    item.severity,
                    item.code,
                    item.message,
                    Location(item.location.file, item.location.pointer),
                    item.hint,
                    position[0],
                    position[1],
                )
        print(item.format(), file=sys.stderr)


def run_counts(run: Run, api: Api) -> tuple[int, ...]:
    """The numbers of the summary: operations generated and in the spec, models, named
    schemas, warnings, errors; operations that page, and of them those inferred."""
    paged = [op.pagination for r in api.resources for op in r.operations if op.pagination]
    return (
        sum(len(r.operations) for r in api.resources),
        api.operation_total,
        len(api.model_names),
        api.schema_total,
        run.diagnostics.count(Severity.WARNING),
        run.diagnostics.count(Severity.ERROR),
        len(paged),
        sum(p.source == "inferred" for p in paged),
    )


def naming_line(api: Api) -> str | None:
    """Which naming sources gave the call paths, and the style inferred for the rest."""
    if not api.naming_sources:
        return None
    sources = ", ".join(f"{source} {count}" for source, count in api.naming_sources)
    return f"call paths: inferred {api.naming_style}-style; named by {sources}"


def print_summary(
    run: Run,
    counts: tuple[int, ...],
    started: float,
    files: str,
    quiet: bool,
    naming: str | None = None,
) -> None:
    if isinstance(run.progress, Progress):
        run.progress.clear()
    if quiet:
        return
    generated, total, models, schemas, warnings, errors, *paging = counts
    print(
        f"oagen: {generated} of {total} operations, {models} models ({schemas} named schemas); "
        f"{warnings} warning(s), {errors} error(s); "
        f"files: {files}; {time.perf_counter() - started:.2f} s",
        file=sys.stderr,
    )
    if paging and paging[0]:
        paged, inferred = paging
        print(
            f"oagen: paged operations: {paged} ({paged - inferred} as the description says, "
            f"{inferred} inferred: see the I430 notes)",
            file=sys.stderr,
        )
    if naming is not None:
        print(f"oagen: {naming}", file=sys.stderr)
    if os.environ.get("OAGEN_TIMINGS"):
        stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in run.timings.items())
        print(f"oagen: stages: {stages}", file=sys.stderr)


def recorded_run(
    config: Config, output: Path, quiet: bool, key: str | None = None
) -> Record | None:
    """The record of a generation of these inputs (`key`, made here if not given) whose output
    `output` still holds exactly (see `uptodate.py`); None when there is none, or when it
    printed less than this run must."""
    from generator import uptodate

    key = key or uptodate.input_key(config, output)
    recorded = uptodate.check(key, output) if key is not None else None
    return recorded if recorded is not None and (recorded.complete or quiet) else None


def replay(run: Run, recorded: Record, started: float, quiet: bool, files: str) -> None:
    """What the recorded generation printed, for a run whose output is already up to date."""
    run.recorded_inputs = recorded.inputs
    for severity, line in recorded.diagnostics:
        if not quiet or severity >= Severity.ERROR:
            print(line, file=sys.stderr)
    print_summary(run, recorded.counts, started, files, quiet)
