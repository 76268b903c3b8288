"""A generation's files and manifest record, and the facts about the inputs they depend on."""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from generator import __version__
from generator.cli.report import print_diagnostics
from generator.config import Config
from generator.diagnostics import printable
from generator.pipeline import Run

if TYPE_CHECKING:
    from generator.model.ir import Api


def produce(
    run: Run,
    config: Config,
    args: argparse.Namespace,
    before_validation: Callable[[dict[str, bytes], Api], None] | None = None,
) -> tuple[dict[str, bytes], Api] | None:
    """The files of a generation, or None (reported) when it failed. `before_validation` is
    handed the files while the validator may still be running, unless its findings could stop
    them (`--strict`): they are warnings, and the files do not depend on them."""
    from generator.pipeline import analyse, cancel_validation, join_validation, render_and_format

    assert config.spec is not None
    try:
        api = analyse(run, config.spec, background=True)
        files = render_and_format(run, api) if api is not None and not run.failed() else {}
        early = before_validation is not None and api is not None and not config.strict
        if early and not run.failed():
            assert before_validation is not None and api is not None
            before_validation(files, api)
        join_validation(run)
    finally:
        cancel_validation(run)
    if api is None or run.failed():
        print_diagnostics(run, quiet=args.quiet)
        if api is not None and not run.diagnostics.has_errors:
            print("oagen: warnings are errors under --strict; nothing was written", file=sys.stderr)
        else:
            print("oagen: errors above; nothing was written", file=sys.stderr)
        return None
    print_diagnostics(run, quiet=args.quiet)
    return files, api


def split_editable(
    files: dict[str, bytes], package: str
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The generated files, and apart those the package's maintainer edits (see emit)."""
    from generator.render.package import editable_files

    names = editable_files(package)
    return (
        {path: content for path, content in files.items() if path not in names},
        {path: content for path, content in files.items() if path in names},
    )


def spec_sha256(spec: Path) -> str:
    """The spec's hash, read as the loader reads it: a regular file of at most 64 MB, without
    blocking (a FIFO swapped in for the spec while watch regenerated hung here for ever, and a
    link to /dev/zero would have filled memory). OSError when it is no longer such a file."""
    from generator.load.plainfile import read_regular
    from generator.load.sources import MAX_FILE_BYTES

    return hashlib.sha256(read_regular(Path(os.path.realpath(spec)), MAX_FILE_BYTES)).hexdigest()


def manifest_metadata(config: Config, package_version: str) -> dict[str, str] | None:
    """The manifest's record of this generation; None (reported) when the spec cannot be read
    again to hash it."""
    assert config.spec is not None
    try:
        digest = spec_sha256(config.spec)
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


def user_inputs(config: Config) -> list[tuple[str, Path]]:
    """The user's own files an output folder must not hold."""
    named = [
        ("the spec", config.spec),
        ("the config file", config.source),
        ("the custom templates", config.templates),
    ]
    named += [("an overlay", overlay) for overlay in config.overlays]
    return [(what, path) for what, path in named if path is not None]


def config_at(config: Config, spec: Path, argument: str | os.PathLike[str]) -> Config:
    """`config` for a spec `spec_at` gave for `argument`: `root` follows a copy from git."""
    from generator.review.gitrev import revision_root

    if config.root is None:
        return config
    return dataclasses.replace(config, root=revision_root(config.root, spec, argument))
