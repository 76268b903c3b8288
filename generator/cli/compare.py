"""`oagen diff`: the client-level changes between two versions of a spec."""

from __future__ import annotations

import argparse
import sys

from generator.cli.arguments import configure
from generator.cli.produce import config_at
from generator.cli.report import EXIT_FAILED, EXIT_OK, EXIT_USAGE, print_diagnostics
from generator.diagnostics import printable
from generator.load.plainfile import spec_file_problem
from generator.pipeline import Run


def run_diff(args: argparse.Namespace, run: Run) -> int:
    from generator.review.diff import diff_specs, render_json, render_markdown
    from generator.review.gitrev import RevisionError, spec_at

    config = configure(args, run)
    if config is None:
        return EXIT_USAGE
    try:
        with spec_at(args.old) as old, spec_at(args.new) as new:
            for path in (old, new):
                problem = spec_file_problem(path)
                if problem is not None:
                    print(f"error E001 file {problem}: {printable(str(path))}", file=sys.stderr)
                    return EXIT_USAGE
            result = diff_specs(
                old, new, config_at(config, new, args.new), config_at(config, old, args.old)
            )
            for side in (result.old_run, result.new_run):
                print_diagnostics(side, quiet=True)
    except RevisionError as exc:
        print(f"oagen: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    if not result.ok:
        print("oagen: a spec could not be read; nothing was compared", file=sys.stderr)
        return EXIT_FAILED
    render = render_json if args.format == "json" else render_markdown
    sys.stdout.write(render(result.changes))
    breaking = any(change.severity.rank == 0 for change in result.changes)
    return EXIT_FAILED if args.fail_on_breaking and breaking else EXIT_OK
