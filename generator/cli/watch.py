"""`oagen watch`: generate again after every change to an input."""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from generator.cli.arguments import configure
from generator.cli.generate import run_generate
from generator.cli.produce import user_inputs
from generator.cli.report import EXIT_OK, EXIT_USAGE, output_folder
from generator.config import Config
from generator.diagnostics import printable
from generator.pipeline import Run

_IDLE_STEP_MS = 200


def run_watch(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    """Generate, then again after every change to an input; only changed files are rewritten."""
    from watchfiles import watch

    from generator.write.place import holds, resolved

    output = output_folder(config)
    if output is None:
        return EXIT_USAGE
    real = resolved(output)
    named = [path for _what, path in user_inputs(config)]
    for path in named:
        if holds(real, path):
            print(
                f"oagen: error: {printable(str(path))} is inside the output folder "
                f"{printable(str(output))}, whose changes watch ignores (each generation "
                "makes them): move it out of the output folder",
                file=sys.stderr,
            )
            return EXIT_USAGE
    inputs = [path.resolve() if _is_folder(path) else path.parent.resolve() for path in named]
    relevant = watch_filter(real)
    if run_generate(run, config, args, started) == EXIT_USAGE:
        return EXIT_USAGE  # an output it will not write: watching would only repeat that
    shown = ", ".join(sorted({printable(str(p)) for p in inputs}))
    _release(run)
    _keep_warm()
    _settle()
    try:
        # The watcher starts on the first step of the generator: "watching" is printed once it
        # has (a change saved right after the line was missed). Idle steps yield no changes.
        saves = watch(
            *sorted(set(inputs)),
            watch_filter=relevant,
            debounce=300,
            raise_interrupt=True,
            rust_timeout=_IDLE_STEP_MS,
            yield_on_timeout=True,
        )
        first = next(saves)
        print(f"oagen: watching {shown} (Ctrl-C to stop)", file=sys.stderr)
        for changes in itertools.chain([first], saves):
            if not changes:
                continue
            changed = sorted({printable(os.path.relpath(path)) for _change, path in changes})
            print(f"oagen: changed: {', '.join(changed)}", file=sys.stderr)
            fresh = Run(Config())
            current = configure(args, fresh)  # the config itself may have changed
            if current is not None:
                fresh.config = current
                try:
                    run_generate(fresh, current, args, time.perf_counter())
                except OSError as exc:  # an input removed or replaced mid-run: wait for the next
                    print(
                        f"oagen: error: {printable(str(exc))}; nothing was written; still watching",
                        file=sys.stderr,
                    )
            _release(fresh)
            _settle()
    except KeyboardInterrupt:
        pass
    print("oagen: stopped watching", file=sys.stderr)
    return EXIT_OK


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


def _is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False when the system cannot say (a name too long)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def watch_filter(output: Path | None) -> Callable[[object, str], bool]:
    """Changes that call for a new generation: not inside the output, and not oagen's own lock,
    staging, retired or journal files beside it (each run makes them: that looped forever)."""
    beside = f".{output.name}.oagen-" if output is not None else ""

    def relevant(_change: object, path: str) -> bool:
        if output is None:
            return True
        changed = Path(path)
        for place in (changed, *changed.parents):
            if place == output or (place.parent == output.parent and place.name.startswith(beside)):
                return False
        return True

    return relevant
