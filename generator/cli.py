"""The `oagen` command line. The only module that prints.

Exit codes: 0 success; 1 errors in the spec, or (for `check`) the output is stale; 2 usage errors
(bad flags, missing files or settings).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from generator import __version__
from generator.config import (
    Config,
    find_pyproject,
    load_config,
    locate_in_toml,
    name_problem,
    with_overrides,
)
from generator.diagnostics import Diagnostic, Location, Severity, json_text, printable
from generator.load.plainfile import spec_file_problem
from generator.pipeline import Run
from generator.progress import Progress

if TYPE_CHECKING:
    from generator import uptodate
    from generator.model.ir import Api

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_LISTED = 8  # files named when watch lists what a regeneration rewrote
_DIFF_LIMIT = 4 * 2**20  # bytes of an old file `check` compares (or twice the new one's size)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oagen",
        description="Generate a typed Python client package from an OpenAPI description.",
        epilog="Exit codes: 0 ok, 1 errors or stale output, 2 usage. Defaults come from "
        "[tool.oagen] in pyproject.toml.",
    )
    parser.add_argument("--version", action="version", version=f"oagen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, output: bool = True) -> None:
        sub.add_argument("spec", nargs="?", type=Path, help="OpenAPI file (default: config)")
        if output:
            sub.add_argument("-o", "--output", type=Path, help="output folder (default: config)")
            sub.add_argument("--package", help="import name of the generated package")
            sub.add_argument(
                "--templates",
                type=Path,
                help="folder of templates that replace the built-ins by name",
            )
        sub.add_argument("--config", type=Path, help="TOML file with a [tool.oagen] table")
        sub.add_argument(
            "--overlay",
            action="append",
            type=Path,
            metavar="FILE",
            help="OpenAPI Overlay applied before validation (repeatable)",
        )
        sub.add_argument(
            "--strict", action="store_true", default=None, help="treat warnings as errors"
        )
        sub.add_argument(
            "--root",
            type=Path,
            metavar="DIR",
            help="folder $refs may read files from (default: the spec's folder)",
        )
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")

    generate = commands.add_parser("generate", help="generate the client package")
    common(generate)
    generate.add_argument(
        "--force",
        action="store_true",
        help="replace files at generated paths that oagen did not write "
        "(everything else in the output folder is kept)",
    )
    generate.add_argument(
        "--bump",
        choices=["auto"],
        help="version the package by what changed since the last generation, "
        "and prepend the changes to CHANGELOG.md",
    )
    common(commands.add_parser("check", help="exit 1 with a diff if the output is stale"))
    common(
        commands.add_parser(
            "watch",
            help="regenerate whenever the spec, config or a "
            "custom template changes (Ctrl-C to stop)",
        )
    )
    common(commands.add_parser("validate", help="report every problem in the spec"), output=False)
    diff = commands.add_parser(
        "diff",
        help="list the client-level changes between two versions of a spec",
        description="OLD and NEW are spec files or REV:PATH (e.g. HEAD~1:spec/openrouter.yaml).",
    )
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--format", choices=["markdown", "json"], default="markdown")
    diff.add_argument(
        "--fail-on-breaking", action="store_true", help="exit 1 when any change is breaking"
    )
    diff.add_argument("--config", type=Path, help="TOML file with a [tool.oagen] table")
    diff.add_argument(
        "--root",
        type=Path,
        metavar="DIR",
        help="folder $refs may read files from (default: each spec's folder; "
        "for REV:PATH, the same folder in that revision)",
    )
    diff.add_argument(
        "--overlay",
        action="append",
        type=Path,
        metavar="FILE",
        help="OpenAPI Overlay applied to both sides (repeatable)",
    )
    diff.set_defaults(spec=None, strict=None)
    inspect = commands.add_parser("inspect", help="print the structure of a spec")
    common(inspect, output=False)
    inspect.add_argument("--format", choices=["json-structure"], default="json-structure")
    return parser


def run_and_exit() -> NoReturn:
    """The `oagen` command. A run builds large, long-lived object graphs: the collector's
    default thresholds rescan them again and again, and tearing them down at exit only frees
    memory the process is about to give back (together about 15% of a large generation)."""
    import gc

    gc.set_threshold(100_000, 50, 100)
    try:
        code = main()
    except SystemExit as exc:  # argparse's --help and usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    if args.command == "diff":
        return _diff(args, Run(Config()))
    run = Run(Config())
    config = _configure(args, run)
    if config is None:
        return EXIT_USAGE
    run.config = config
    progress = Progress(sys.stderr)
    run.progress = progress
    if config.spec is None:
        print(
            "oagen: no spec given: pass a path, or set `spec` under [tool.oagen] in pyproject.toml",
            file=sys.stderr,
        )
        return EXIT_USAGE
    problem = spec_file_problem(config.spec)
    if problem is not None:
        print(f"error E001 file {problem}: {printable(str(config.spec))}", file=sys.stderr)
        return EXIT_USAGE
    handler = {
        "generate": _generate,
        "check": _check,
        "validate": _validate,
        "inspect": _inspect,
        "watch": _watch,
    }[args.command]
    from generator.write.swap import OutputReplaced

    try:
        return handler(run, config, args, started)
    except OutputReplaced:
        progress.clear()
        print(
            "oagen: interrupted after the output folder was replaced; it holds the new client",
            file=sys.stderr,
        )
        return EXIT_FAILED
    except KeyboardInterrupt:
        progress.clear()
        print("oagen: interrupted; the output folder was not changed", file=sys.stderr)
        return EXIT_FAILED


def _configure(args: argparse.Namespace, run: Run) -> Config | None:
    """The config file's settings with the command line's on top; None if the file is bad."""
    config_path = args.config or find_pyproject(Path.cwd())
    config = load_config(config_path, run.diagnostics, explicit=args.config is not None)
    if run.diagnostics.has_errors:
        _print_config_diagnostics(run, config_path)
        return None
    problem = name_problem("package", getattr(args, "package", None))
    if problem is not None:
        print(f"oagen: error: --package {problem}", file=sys.stderr)
        return None
    return with_overrides(
        config,
        spec=args.spec,
        strict=args.strict,
        output=getattr(args, "output", None),
        package=getattr(args, "package", None),
        templates=getattr(args, "templates", None),
        overlays=tuple(args.overlay) if getattr(args, "overlay", None) else None,
        root=getattr(args, "root", None),
    )


# --- commands -----------------------------------------------------------------------------------


def _generate(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    """Check the output folder, then generate into it holding its lock: one run at a time."""
    from generator.write.lock import LockError, locked
    from generator.write.place import refusal, resolved
    from generator.write.swap import recover

    output = _output(config)
    if output is None:
        return EXIT_USAGE
    problem = refusal(output, _inputs(config), Path.cwd())
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


def _inputs(config: Config) -> list[tuple[str, Path]]:
    """The user's own files an output folder must not hold."""
    named = [
        ("the spec", config.spec),
        ("the config file", config.source),
        ("the custom templates", config.templates),
    ]
    named += [("an overlay", overlay) for overlay in config.overlays]
    return [(what, path) for what, path in named if path is not None]


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
        recorded = uptodate.check(key, output) if key is not None else None
        if recorded is not None:
            _replay(run, recorded, started, args.quiet)
            return EXIT_OK
    result = _produce(run, config, args)
    if result is None:
        return EXIT_FAILED
    files, api = result
    files, editable = _split_editable(files, api.package)
    metadata = _metadata(config, api.package_version)
    if metadata is None:
        return EXIT_FAILED
    from generator.write.emit import EmitError, emit

    try:
        writing = time.perf_counter()
        emitted = emit(
            output,
            files,
            metadata,
            force=bool(getattr(args, "force", False)),
            editable=editable,
        )
    except (EmitError, OSError) as exc:
        print(
            f"oagen: error: cannot write {printable(str(output))}: "
            f"{printable(_write_failure(exc))}",
            file=sys.stderr,
        )
        return EXIT_FAILED
    try:
        run.timings["emit"] = time.perf_counter() - writing
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
        _summary(
            run,
            _counts(run, api),
            started,
            f"{len(emitted.written)} written, "
            f"{len(emitted.unchanged)} unchanged, {len(emitted.removed)} removed",
            args.quiet,
        )
        if args.command == "watch" and not args.quiet:
            _list_written(emitted.written, emitted.removed)
        if key is not None:
            _remember(run, config, output, key, _counts(run, api), sorted(editable))
    except KeyboardInterrupt:
        raise OutputReplaced from None
    return EXIT_OK


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
    inputs = list(run.sources.files) if run.sources is not None else []
    printed = [(int(item.severity), item.format()) for item in run.diagnostics.located(run.locate)]
    uptodate.record(key, output, inputs, printed, counts, editable)


def _replay(run: Run, recorded: uptodate.Record, started: float, quiet: bool) -> None:
    """What the recorded generation printed, for a run whose output is already up to date."""
    for severity, line in recorded.diagnostics:
        if not quiet or severity >= Severity.ERROR:
            print(line, file=sys.stderr)
    _summary(run, recorded.counts, started, "up to date, nothing written", quiet)


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
        current = _spec_sha256(config.spec)
    except OSError as exc:
        raise ReleaseError(
            f"{printable(str(config.spec))} cannot be read again "
            f"({printable(exc.strerror or str(exc))})"
        ) from None
    if current == recorded:
        return previous, None
    revision = previous_spec_revision(config.spec, recorded)
    with spec_at(revision) as old:
        result = diff_specs(old, config.spec, config, _config_at(config, old, revision))
    if not result.ok:
        raise ReleaseError("the previous or the current spec could not be read; see above")
    version = bump(previous, suggested_bump(result.changes))
    return version, render_markdown(result.changes, title=version)


def _watch(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    """Generate, then again after every change to an input; only changed files are rewritten."""
    from watchfiles import watch

    from generator.write.place import holds, resolved

    output = _output(config)
    if output is None:
        return EXIT_USAGE
    real = resolved(output)
    named = [path for _what, path in _inputs(config)]
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
    relevant = _watch_filter(real)
    if _generate(run, config, args, started) == EXIT_USAGE:
        return EXIT_USAGE  # an output it will not write: watching would only repeat that
    shown = ", ".join(sorted({printable(str(p)) for p in inputs}))
    print(f"oagen: watching {shown} (Ctrl-C to stop)", file=sys.stderr)
    try:
        for changes in watch(
            *sorted(set(inputs)), watch_filter=relevant, debounce=300, raise_interrupt=True
        ):
            changed = sorted({printable(os.path.relpath(path)) for _change, path in changes})
            print(f"oagen: changed: {', '.join(changed)}", file=sys.stderr)
            fresh = Run(Config())
            current = _configure(args, fresh)  # the config itself may have changed
            if current is not None:
                fresh.config = current
                try:
                    _generate(fresh, current, args, time.perf_counter())
                except OSError as exc:  # an input removed or replaced mid-run: wait for the next
                    print(
                        f"oagen: error: {printable(str(exc))}; nothing was written; still watching",
                        file=sys.stderr,
                    )
    except KeyboardInterrupt:
        pass
    print("oagen: stopped watching", file=sys.stderr)
    return EXIT_OK


def _is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False when the system cannot say (a name too long)."""
    try:
        return path.is_dir()
    except OSError:
        return False


def _watch_filter(output: Path | None) -> Callable[[object, str], bool]:
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


def _print_api_summary(config: Config, output: Path) -> None:
    """What the stale output's spec change means for users, when git has the old spec."""
    from generator.review.diff import diff_specs, render_markdown
    from generator.review.gitrev import RevisionError, spec_at
    from generator.review.release import ReleaseError, previous_spec_revision
    from generator.write.emit import read_manifest

    assert config.spec is not None
    recorded = read_manifest(output).get("spec_sha256")
    try:
        current = _spec_sha256(config.spec)
    except OSError:
        return  # the spec changed under us; the stale-output report above stands
    if not isinstance(recorded, str) or recorded == current:
        return  # the templates or oagen changed, not the API
    try:
        revision = previous_spec_revision(config.spec, recorded)
        with spec_at(revision) as old:
            result = diff_specs(old, config.spec, config, _config_at(config, old, revision))
    except (ReleaseError, RevisionError) as exc:
        print(f"oagen: no API summary: {printable(str(exc))}", file=sys.stderr)
        return
    if result.ok:
        sys.stdout.write("\n" + render_markdown(result.changes))


def _config_at(config: Config, spec: Path, argument: str | os.PathLike[str]) -> Config:
    """`config` for a spec `spec_at` gave for `argument`: `root` follows a copy from git."""
    from generator.review.gitrev import revision_root

    if config.root is None:
        return config
    return dataclasses.replace(config, root=revision_root(config.root, spec, argument))


def _diff(args: argparse.Namespace, run: Run) -> int:
    from generator.review.diff import diff_specs, render_json, render_markdown
    from generator.review.gitrev import RevisionError, spec_at

    config = _configure(args, run)
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
                old, new, _config_at(config, new, args.new), _config_at(config, old, args.old)
            )
            for side in (result.old_run, result.new_run):
                _print_diagnostics(side, quiet=True)
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


def _check(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    from generator.write.emit import MANIFEST, manifest_bytes, missing_editable, plan
    from generator.write.place import unusable

    output = _output(config)
    if output is None:
        return EXIT_USAGE
    problem = unusable(output)
    if problem is not None:
        print(f"oagen: error: {printable(problem)}", file=sys.stderr)
        return EXIT_USAGE
    result = _produce(run, config, args)
    if result is None:
        return EXIT_FAILED
    files, api = result
    files, editable = _split_editable(files, api.package)
    expected = dict(files)
    metadata = _metadata(config, api.package_version)
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
        _summary(run, _counts(run, api), started, f"{output} is up to date", args.quiet)
        return EXIT_OK
    _print_diff(output, expected, changes.written, changes.removed, sys.stdout)
    _print_api_summary(config, output)
    print(
        f"oagen: {output} is stale: {len(changes.written)} file(s) differ, "
        f"{len(changes.removed)} to remove; run `oagen generate` and commit the result",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _validate(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    from generator.pipeline import analyse

    assert config.spec is not None
    api = analyse(run, config.spec)
    _print_diagnostics(run, quiet=args.quiet)
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


def _inspect(run: Run, config: Config, args: argparse.Namespace, started: float) -> int:
    from generator.pipeline import load_spec
    from generator.review.structure import structure
    from generator.validate.openapi import check_document_kind

    assert config.spec is not None
    source = load_spec(run, config.spec)
    if source is None or check_document_kind(source.data, source.display, run.diagnostics) is None:
        _print_diagnostics(run, quiet=False)
        return EXIT_FAILED
    print(json_text(structure(source.data)))
    return EXIT_OK


# --- helpers ---------------------------------------------------------------------------------


def _split_editable(
    files: dict[str, bytes], package: str
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The generated files, and apart those the package's maintainer edits (see emit)."""
    from generator.render.package import editable_files

    names = editable_files(package)
    return (
        {path: content for path, content in files.items() if path not in names},
        {path: content for path, content in files.items() if path in names},
    )


def _produce(
    run: Run, config: Config, args: argparse.Namespace
) -> tuple[dict[str, bytes], Api] | None:
    from generator.pipeline import analyse, cancel_validation, join_validation, render_and_format

    assert config.spec is not None
    try:
        api = analyse(run, config.spec, background=True)
        files = render_and_format(run, api) if api is not None and not run.failed() else {}
        join_validation(run)
    finally:
        cancel_validation(run)
    if api is None or run.failed():
        _print_diagnostics(run, quiet=args.quiet)
        if api is not None and not run.diagnostics.has_errors:
            print("oagen: warnings are errors under --strict; nothing was written", file=sys.stderr)
        else:
            print("oagen: errors above; nothing was written", file=sys.stderr)
        return None
    _print_diagnostics(run, quiet=args.quiet)
    return files, api


def _output(config: Config) -> Path | None:
    if config.output is None:
        print(
            "oagen: no output folder: pass -o/--output, or set `output` under [tool.oagen]",
            file=sys.stderr,
        )
        return None
    return config.output


def _spec_sha256(spec: Path) -> str:
    """The spec's hash, read as the loader reads it: a regular file of at most 64 MB, without
    blocking (a FIFO swapped in for the spec while watch regenerated hung here for ever, and a
    link to /dev/zero would have filled memory). OSError when it is no longer such a file."""
    from generator.load.plainfile import read_regular
    from generator.load.sources import MAX_FILE_BYTES

    return hashlib.sha256(read_regular(Path(os.path.realpath(spec)), MAX_FILE_BYTES)).hexdigest()


def _metadata(config: Config, package_version: str) -> dict[str, str] | None:
    """The manifest's record of this generation; None (reported) when the spec cannot be read
    again to hash it."""
    assert config.spec is not None
    try:
        digest = _spec_sha256(config.spec)
    except OSError as exc:
        print(
            f"oagen: error: {printable(str(config.spec))} changed while oagen ran "
            f"({printable(exc.strerror or str(exc))}); nothing was written",
            file=sys.stderr,
        )
        return None
    return {
        "oagen_version": __version__,
        "spec": config.spec.name,
        "spec_sha256": digest,
        "package_version": package_version,
    }


def _print_diagnostics(run: Run, *, quiet: bool) -> None:
    if isinstance(run.progress, Progress):
        run.progress.clear()
    for item in run.diagnostics.located(run.locate):
        if quiet and item.severity < Severity.ERROR:
            continue
        print(item.format(), file=sys.stderr)


def _print_config_diagnostics(run: Run, config_path: Path | None) -> None:
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


def _counts(run: Run, api: Api) -> tuple[int, ...]:
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


def _summary(run: Run, counts: tuple[int, ...], started: float, files: str, quiet: bool) -> None:
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
    if os.environ.get("OAGEN_TIMINGS"):
        stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in run.timings.items())
        print(f"oagen: stages: {stages}", file=sys.stderr)


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


def entry() -> None:  # pragma: no cover - console-script shim
    sys.exit(main())
