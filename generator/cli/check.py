"""`oagen check`: whether the output folder holds what `generate` would write."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from generator.cli.produce import config_at, manifest_metadata, produce, spec_sha256, split_editable
from generator.cli.report import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    output_folder,
    print_summary,
    recorded_run,
    replay,
    run_counts,
)
from generator.config import Config
from generator.diagnostics import printable
from generator.pipeline import Run

_DIFF_LIMIT = 4 * 2**20  # bytes of an old file `check` compares (or twice the new one's size)


def run_check(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    from generator.write.emit import MANIFEST, manifest_bytes, missing_editable, plan
    from generator.write.place import unusable

    output = output_folder(config)
    if output is None:
        return EXIT_USAGE
    problem = unusable(output)
    if problem is not None:
        print(f"oagen: error: {printable(problem)}", file=sys.stderr)
        return EXIT_USAGE
    recorded = recorded_run(config, output, args.quiet)
    if recorded is not None:  # what generating these inputs wrote is there, file by file
        replay(run, recorded, started, args.quiet, f"{output} is up to date")
        return EXIT_OK
    result = produce(run, config, args)
    if result is None:
        return EXIT_FAILED
    files, api = result
    files, editable = split_editable(files, api.package)
    expected = dict(files)
    metadata = manifest_metadata(config, api.package_version)
    if metadata is None:
        return EXIT_FAILED
    expected[MANIFEST] = manifest_bytes(files, metadata)
    changes = plan(output, expected)
    # An editable file is the user's: only its absence makes the output stale.
    for path in missing_editable(output, editable):
        expected[path] = editable[path]
        changes.written.append(path)
    for warning in changes.warnings:
        print(f"oagen: warning: {printable(warning)}", file=sys.stderr)
    if not changes.written and not changes.removed:
        print_summary(run, run_counts(run, api), started, f"{output} is up to date", args.quiet)
        return EXIT_OK
    _print_diff(output, expected, changes.written, changes.removed, sys.stdout)
    _print_api_summary(config, output)
    print(
        f"oagen: {output} is stale: {len(changes.written)} file(s) differ, "
        f"{len(changes.removed)} to remove; run `oagen generate` and commit the result",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _print_api_summary(config: Config, output: Path) -> None:
    """What the stale output's spec change means for users, when git has the old spec."""
    from generator.review.diff import diff_specs, render_markdown
    from generator.review.gitrev import RevisionError, spec_at
    from generator.review.release import ReleaseError, previous_spec_revision
    from generator.write.emit import read_manifest

    assert config.spec is not None
    recorded = read_manifest(output).get("spec_sha256")
    try:
        current = spec_sha256(config.spec)
    except OSError:
        return  # the spec changed under us; the stale-output report above stands
    if not isinstance(recorded, str) or recorded == current:
        return  # the templates or oagen changed, not the API
    try:
        revision = previous_spec_revision(config.spec, recorded)
        with spec_at(revision) as old:
            result = diff_specs(old, config.spec, config, config_at(config, old, revision))
    except (ReleaseError, RevisionError) as exc:
        print(f"oagen: no API summary: {printable(str(exc))}", file=sys.stderr)
        return
    if result.ok:
        sys.stdout.write("\n" + render_markdown(result.changes))


def _print_diff(
    output: Path, expected: dict[str, bytes], written: list[str], removed: list[str], stream: TextIO
) -> None:
    import difflib

    from generator.load.plainfile import read_regular
    from generator.write.emit import through_link

    for path in written:
        old_path = output / path
        if through_link(output, path):  # never print what a link points at (a checkout's trap)
            stream.write(
                f"--- a/{path}\n+++ b/{path}\n(a symbolic link, to be replaced by a file)\n"
            )
            continue
        try:  # bounded: a checkout's 1 GB file at a generated path would stall difflib
            data = read_regular(old_path, max(_DIFF_LIMIT, 2 * len(expected[path])))
        except FileNotFoundError:
            data = b""
        except OSError as exc:
            stream.write(f"--- a/{path}\n+++ b/{path}\n(not compared: {exc.strerror})\n")
            continue
        old = data.decode("utf-8", errors="replace").splitlines(keepends=True)
        new = expected[path].decode("utf-8", errors="replace").splitlines(keepends=True)
        stream.writelines(difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"))
    for path in removed:  # a name the checkout's manifest lists: its controls are escaped
        stream.write(f"--- a/{printable(path)}\n+++ /dev/null\n(stale file, to be removed)\n")
