"""`oagen watch`: generate again after every change to an input (see `watch_inputs.py`)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import time
from collections.abc import Generator
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli.arguments import configure
from generator.cli.generate import run_generate
from generator.cli.produce import user_inputs
from generator.cli.report import EXIT_FAILED, EXIT_OK, EXIT_USAGE, output_folder
from generator.config import Config
from generator.diagnostics import printable
from generator.pipeline import Run

if TYPE_CHECKING:  # watchfiles is imported by `watch` alone, not by every command
    from watchfiles.main import FileChange

    from generator.cli.watch_inputs import InputFilter, Inputs

_IDLE_STEP_MS = 200


def run_watch(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    """Generate, then again after every change to an input; only changed files are rewritten."""
    from generator.cli.watch_inputs import InputFilter, inputs_of
    from generator.write.place import holds, resolved

    output = output_folder(config)
    if output is None:
        return EXIT_USAGE
    real = resolved(output)
    for _what, path in user_inputs(config):
        if holds(real, path):
            print(
                f"oagen: error: {printable(str(path))} is inside the output folder "
                f"{printable(str(output))}, whose changes watch ignores (each generation "
                "makes them): move it out of the output folder",
                file=sys.stderr,
            )
            return EXIT_USAGE
    if run_generate(run, config, args, started) == EXIT_USAGE:
        return EXIT_USAGE  # an output it will not write: watching would only repeat that
    relevant = InputFilter(real, inputs_of(config, args.config, run.files_read()))
    _release(run)
    _keep_warm()
    _settle()
    try:
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the way to stop
            _regenerate_on_changes(relevant, config, args)
    except OSError as exc:  # a folder watchfiles may not watch (or past the system's limit)
        print(f"oagen: error: cannot watch: {printable(str(exc))}", file=sys.stderr)
        return EXIT_FAILED
    print("oagen: stopped watching", file=sys.stderr)
    return EXIT_OK


def _regenerate_on_changes(relevant: InputFilter, config: Config, args: argparse.Namespace) -> None:
    """Regenerate after each change to an input, until Ctrl-C."""
    from generator.cli.watch_inputs import inputs_of

    watcher = _Watcher(relevant, config)
    while True:
        changes = watcher.changes()
        if not changes:
            continue
        changed = sorted({printable(os.path.relpath(path)) for _change, path in changes})
        print(f"oagen: changed: {', '.join(changed)}", file=sys.stderr)
        fresh = Run(Config())
        current = configure(args, fresh)  # the config itself may have changed
        if current is not None:  # (a config the reader refused: its fix is one of the inputs)
            fresh.config = current
            # Where a new config puts the inputs is watched before they are read.
            watcher.follow(inputs_of(current, args.config, relevant.inputs.referenced), current)
            try:
                run_generate(fresh, current, args, time.perf_counter())
            except OSError as exc:  # an input removed or replaced mid-run: wait for the next
                print(
                    f"oagen: error: {printable(str(exc))}; nothing was written; still watching",
                    file=sys.stderr,
                )
            watcher.follow(inputs_of(current, args.config, fresh.files_read()), current)
        _release(fresh)
        _settle()


class _Watcher:
    """watchfiles' watch over the folders that hold the inputs, moved when they move."""

    def __init__(self, relevant: InputFilter, config: Config) -> None:
        self.relevant = relevant
        self.folders = relevant.inputs.watched
        self.saves = _watch(self.folders, relevant)
        self.waiting = next(self.saves)  # the watcher runs once its first step is over
        _say_watching(config, relevant.inputs)

    def changes(self) -> set[FileChange]:
        """The next changes to inputs, or an empty set after an idle step."""
        changes, self.waiting = self.waiting or next(self.saves), set()
        return changes

    def follow(self, inputs: Inputs, config: Config) -> None:
        """Watch for changes to `inputs`; when they are in other folders, the new watcher starts
        before the old one is read a last time and closed, so no change falls between them."""
        self.relevant.inputs = inputs
        if inputs.watched == self.folders:
            return
        old = self.saves
        self.folders = inputs.watched
        self.saves = _watch(self.folders, self.relevant)
        self.waiting |= next(self.saves)
        self.waiting |= next(old)
        old.close()
        _say_watching(config, inputs)


def _watch(
    folders: tuple[Path, ...], relevant: InputFilter
) -> Generator[set[FileChange], None, None]:
    """The changes to inputs under `folders` (recursively), or an empty set after each idle
    step. The watcher starts on the first step: "watching" is printed after it (a change saved
    right after the line was missed)."""
    from watchfiles import watch

    return watch(
        *folders,
        watch_filter=relevant,
        debounce=300,
        raise_interrupt=True,
        rust_timeout=_IDLE_STEP_MS,
        yield_on_timeout=True,
    )


def _say_watching(config: Config, inputs: Inputs) -> None:
    """The inputs the user named, and how many others the spec's `$ref`s added."""
    shown = [printable(os.path.relpath(path)) for _what, path in user_inputs(config)]
    if inputs.referenced:
        count = len(inputs.referenced)
        shown.append(f"{count} file{'s' if count > 1 else ''} named by $refs")
    print(f"oagen: watching {', '.join(shown)} (Ctrl-C to stop)", file=sys.stderr)


def _release(run: Run) -> None:
    """Drop what a finished generation read (documents, their text): the next one reads its
    own, and holding both made every collection of the next run walk both."""
    run.sources = None
    run.referenced = []
    run.pending_validation = None


def _settle() -> None:
    """While waiting for a save: collect the last generation's cyclic garbage (the collector's
    thresholds, raised for one-shot runs, would otherwise let it pile up from save to save)."""
    gc.collect()


def _keep_warm() -> None:
    """What every regeneration would import again is imported here once: each one runs in
    this process, and its validation child, forked from it, finds the validator imported."""
    from generator.validate.validator_adapter import preload

    preload()
