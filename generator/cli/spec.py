"""`oagen validate` and `oagen inspect`: read a spec and report on it; nothing is written."""

from __future__ import annotations

import argparse
import sys
import time

from generator.cli.report import EXIT_FAILED, EXIT_OK, print_diagnostics
from generator.config import Config
from generator.diagnostics import Severity, json_text, printable
from generator.pipeline import Run


def run_validate(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    from generator.pipeline import analyse

    assert config.spec is not None
    api = analyse(run, config.spec)
    print_diagnostics(run, quiet=args.quiet)
    failed = api is None or run.failed()
    if not args.quiet:
        warnings = run.diagnostics.count(Severity.WARNING)
        errors = run.diagnostics.count(Severity.ERROR)
        state = "invalid" if failed else "usable"
        print(
            f"oagen: {printable(str(config.spec))}: {state}: {errors} error(s), "
            f"{warnings} warning(s), "
            f"{time.perf_counter() - started:.2f} s",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def run_inspect(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    from generator.pipeline import load_spec
    from generator.review.structure import structure
    from generator.validate.openapi import check_document_kind

    assert config.spec is not None
    source = load_spec(run, config.spec)
    if source is None or check_document_kind(source.data, source.display, run.diagnostics) is None:
        print_diagnostics(run, quiet=False)
        return EXIT_FAILED
    print(json_text(structure(source.data)))
    return EXIT_OK
