"""`oagen generate`: write the client into the output folder under its lock; `--bump auto`."""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from generator.cli.produce import (
    config_at,
    manifest_metadata,
    produce,
    spec_sha256,
    split_editable,
    user_inputs,
)
from generator.cli.report import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    naming_line,
    output_folder,
    print_summary,
    recorded_run,
    replay,
    run_counts,
)
from generator.config import Config
from generator.diagnostics import printable
from generator.pipeline import Run

if TYPE_CHECKING:
    from generator.model.ir import Api
    from generator.write.emit import EmitResult

_LISTED = 8  # files named when watch lists what a regeneration rewrote


def run_generate(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    """Check the output folder, then generate into it holding its lock: one run at a time."""
    from generator.write.lock import LockError, locked
    from generator.write.place import refusal, resolved
    from generator.write.swap import recover

    output = output_folder(config)
    if output is None:
        return EXIT_USAGE
    problem = refusal(output, user_inputs(config), Path.cwd())
    if problem is not None:
        print(f"oagen: error: will not write there: {printable(problem)}", file=sys.stderr)
        return EXIT_USAGE
    real = resolved(output)
    try:
        with locked(real, lambda message: print(f"oagen: {printable(message)}", file=sys.stderr)):
            for note in recover(real):
                print(f"oagen: {printable(note)}", file=sys.stderr)
            return _generate_locked(run, config, args, started, real)
    except LockError as exc:
        print(f"oagen: error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_FAILED


def _generate_locked(
    run: Run, config: Config, args: argparse.Namespace, started: float, output: Path
) -> int:
    from generator.write.swap import OutputReplaced

    changelog: str | None = None
    if getattr(args, "bump", None) == "auto":
        from generator.review.release import ReleaseError

        try:
            version, changelog = _auto_version(config, output)
        except ReleaseError as exc:
            print(f"oagen: error: {printable(str(exc))}", file=sys.stderr)
            return EXIT_FAILED
        config = dataclasses.replace(config, version=version)
        run.config = config
        changes_file = output / "CHANGELOG.md"
        if changelog and (
            changes_file.is_symlink() or (changes_file.exists() and not changes_file.is_file())
        ):
            print(
                f"oagen: error: {changes_file} is a link or not a file; --bump writes the "
                "changelog there: replace it with a plain file (or remove it) and run again",
                file=sys.stderr,
            )
            return EXIT_FAILED
    key: str | None = None
    if getattr(args, "bump", None) != "auto":
        from generator import uptodate

        key = uptodate.input_key(config, output)
        recorded = recorded_run(config, output, args.quiet, key) if key is not None else None
        if recorded is not None:
            replay(run, recorded, started, args.quiet, "up to date, nothing written")
            return EXIT_OK
    force = bool(getattr(args, "force", False))
    writer = _Writer(output, config, force)
    try:
        result = produce(run, config, args, writer.write_early)
    except KeyboardInterrupt:
        if writer.emitted is not None:
            raise OutputReplaced from None
        raise
    if result is None:
        return EXIT_FAILED
    files, api = result
    if writer.emitted is None and writer.failure is None:
        metadata = manifest_metadata(config, api.package_version)
        if metadata is None:
            return EXIT_FAILED
        writer.write(files, api, metadata)
    if writer.failure is not None:
        print(
            f"oagen: error: cannot write {printable(str(output))}: {printable(writer.failure)}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    emitted = writer.emitted
    assert emitted is not None
    editable = writer.editable
    try:
        run.timings["emit"] = writer.seconds
        for warning in emitted.warnings:
            print(f"oagen: warning: {printable(warning)}", file=sys.stderr)
        if changelog:
            from generator.review.release import prepend_changelog

            try:
                prepend_changelog(output / "CHANGELOG.md", changelog)
            except OSError as exc:
                print(
                    f"oagen: error: the client was written, but "
                    f"{printable(str(output / 'CHANGELOG.md'))} could not be updated "
                    f"({printable(_write_failure(exc))}); add the entry yourself:\n{changelog}",
                    file=sys.stderr,
                )
                return EXIT_FAILED
        print_summary(
            run,
            run_counts(run, api),
            started,
            f"{len(emitted.written)} written, "
            f"{len(emitted.unchanged)} unchanged, {len(emitted.removed)} removed",
            args.quiet,
            naming_line(api),
        )
        if args.command == "watch" and not args.quiet:
            _list_written(emitted.written, emitted.removed)
        if key is not None:
            _remember(run, config, output, key, run_counts(run, api), editable)
    except KeyboardInterrupt:
        raise OutputReplaced from None
    return EXIT_OK


class _Writer:
    """Writes a generation's files into the output: as soon as they are ready (`write_early`,
    while the validator may still run), or after the diagnostics; keeps what happened."""

    def __init__(self, output: Path, config: Config, force: bool) -> None:
        self.output, self.config, self.force = output, config, force
        self.emitted: EmitResult | None = None
        self.failure: str | None = None  # why writing failed (the output is as it was)
        self.editable: list[str] = []
        self.seconds = 0.0

    def write_early(self, files: dict[str, bytes], api: Api) -> None:
        """Write now, unless the spec cannot be hashed again: that is reported after the
        diagnostics, by the ordinary path."""
        assert self.config.spec is not None
        try:
            spec_sha256(self.config.spec)
        except OSError:
            return
        metadata = manifest_metadata(self.config, api.package_version)
        if metadata is not None:
            self.write(files, api, metadata)

    def write(self, files: dict[str, bytes], api: Api, metadata: dict[str, str]) -> None:
        from generator.write.emit import EmitError, emit

        files, editable = split_editable(files, api.package)
        self.editable = sorted(editable)
        started = time.perf_counter()
        try:
            self.emitted = emit(self.output, files, metadata, force=self.force, editable=editable)
        except (EmitError, OSError) as exc:
            self.failure = _write_failure(exc)
        self.seconds = time.perf_counter() - started


def _list_written(written: list[str], removed: list[str]) -> None:
    """What a regeneration under watch changed in the output, file by file (the first few)."""
    for verb, paths in (("rewrote", written), ("removed", removed)):
        if paths:
            shown = ", ".join(printable(path) for path in paths[:_LISTED])
            more = f" and {len(paths) - _LISTED} more" if len(paths) > _LISTED else ""
            print(f"oagen: {verb} {shown}{more}", file=sys.stderr)


def _remember(
    run: Run,
    config: Config,
    output: Path,
    key: str,
    counts: tuple[int, ...],
    editable: list[str],
) -> None:
    """Record this generation for the up-to-date check: not when an input changed while it ran
    (the key no longer names what was read), nor when validation stopped short of its end."""
    from generator import uptodate

    if any(item.code == "W103" for item in run.diagnostics.items):
        return
    if uptodate.input_key(config, output) != key:
        return
    if run.printed is None:
        return
    complete, printed = run.printed
    inputs = list(run.sources.files) if run.sources is not None else []
    uptodate.record(key, output, inputs, printed, complete, counts, editable)


def _write_failure(exc: Exception) -> str:
    """Why writing failed, and that the previous output is as it was (emit guarantees it)."""
    import errno

    if not isinstance(exc, OSError) or exc.errno is None:
        return str(exc)
    hints = {
        errno.ENOSPC: "the disk is full: free some space",
        errno.EDQUOT: "your disk quota is used up: free some space",
        errno.EFBIG: "a file is larger than this process may write (ulimit -f)",
        errno.EROFS: "the filesystem is read-only: choose another output",
        errno.EACCES: "permission denied: choose an output you may write",
        errno.EPERM: "operation not permitted: choose an output you may write",
    }
    where = f" ({exc.filename})" if exc.filename else ""
    reason = hints.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{reason}{where}; the previous output was left as it was"


def _auto_version(config: Config, output: Path) -> tuple[str, str | None]:
    """The bumped version and its changelog entry (None when nothing changed)."""
    from generator.review.diff import diff_specs, render_markdown, suggested_bump
    from generator.review.gitrev import spec_at
    from generator.review.release import ReleaseError, bump, previous_spec_revision
    from generator.write.emit import read_manifest

    assert config.spec is not None
    manifest = read_manifest(output)
    recorded, previous = manifest.get("spec_sha256"), manifest.get("package_version")
    if not isinstance(recorded, str) or not isinstance(previous, str):
        raise ReleaseError(
            f"{output} has no record of a previous generation; generate once without --bump first"
        )
    try:
        current = spec_sha256(config.spec)
    except OSError as exc:
        raise ReleaseError(
            f"{printable(str(config.spec))} cannot be read again "
            f"({printable(exc.strerror or str(exc))})"
        ) from None
    if current == recorded:
        return previous, None
    revision = previous_spec_revision(config.spec, recorded)
    with spec_at(revision) as old:
        result = diff_specs(old, config.spec, config, config_at(config, old, revision))
    if not result.ok:
        raise ReleaseError("the previous or the current spec could not be read; see above")
    version = bump(previous, suggested_bump(result.changes))
    return version, render_markdown(result.changes, title=version)
