"""The command line's arguments, and the configuration they make with the config file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import __version__
from generator.cli.report import print_config_diagnostics
from generator.config import Config, find_pyproject, load_config, name_problem, with_overrides
from generator.pipeline import Run


def build_parser() -> argparse.ArgumentParser:
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


def configure(args: argparse.Namespace, run: Run) -> Config | None:
    """The config file's settings with the command line's on top; None if the file is bad."""
    config_path = args.config or find_pyproject(Path.cwd())
    config = load_config(config_path, run.diagnostics, explicit=args.config is not None)
    if run.diagnostics.has_errors:
        print_config_diagnostics(run, config_path)
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
