"""What `oagen watch` reacts to: the files a generation reads, and nothing else in their folders.

The inputs are the spec, the files its `$ref`s name (known only once a run has read them, so the
set is remade after every generation), the overlays, the config file and every file under custom
templates. Paths are compared, not files: an editor that saves by writing a new file and renaming
it over the old one changes the input's path, as a write in place does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change

from generator.config import Config


@dataclass(frozen=True, slots=True)
class Inputs:
    """The files and folders whose changes call for a new generation (see `normal` for the form
    of their paths)."""

    files: frozenset[Path]
    folders: frozenset[Path]  # any file under them (custom templates)
    holders: frozenset[Path]  # folders that lead to an input: created, moved or deleted, it changed
    referenced: frozenset[Path]  # the files read that the user did not name (through `$ref`s)
    watched: tuple[Path, ...]  # the folders to watch, recursively, to see each change above

    def changed(self, change: Change, path: str) -> bool:
        """Whether a change watchfiles reports at `path` is a change to an input."""
        place = normal(Path(path))
        if place in self.files:
            return True
        if any(place == folder or place.is_relative_to(folder) for folder in self.folders):
            return True
        return change != Change.modified and place in self.holders


def inputs_of(config: Config, config_file: Path | None, read: Iterable[Path]) -> Inputs:
    """The inputs of a generation under `config` that read (or tried to read) the files `read`;
    `config_file` is the `--config` given, if any."""
    named = [*filter(None, (config.spec, config.source, config_file)), *config.overlays]
    own = {_real(path) for path in named}
    referenced = frozenset(path for path in map(_real, read) if path not in own)
    files = {form for path in (*named, *referenced) for form in _forms(path)}
    folders = frozenset(_forms(config.templates) if config.templates is not None else ())
    # A link's target's folder is watched only for a regular file (not /dev for /dev/zero).
    holding = {normal(path).parent for path in (*named, *referenced)}
    holding |= {file.parent for file in files if os.path.isfile(file)}
    watched = _outermost(holding | folders)
    if config_file is None:  # seen only where a folder watched for the rest holds them
        files |= {form for path in _nearer_configs(config.source) for form in _forms(path)}
    holders = frozenset(parent for path in files | folders for parent in path.parents)
    return Inputs(frozenset(files), folders, holders, referenced, watched)


def _outermost(folders: set[Path]) -> tuple[Path, ...]:
    """The folders to watch for `folders`, without those inside another (a recursive watch
    sees them)."""
    here = _real(Path.cwd())
    existing = sorted({place for place in (_existing(folder, here) for folder in folders) if place})
    return tuple(
        folder
        for folder in existing
        if not any(other != folder and folder.is_relative_to(other) for other in existing)
    )


def _existing(folder: Path, here: Path) -> Path | None:
    """`folder` when it exists; else, inside the current folder, the nearest one above it that
    does (watched, it sees `folder` come back); else None."""
    while not os.path.isdir(folder):
        if folder == here or not folder.is_relative_to(here):
            return None
        folder = folder.parent
    return folder


def _nearer_configs(found: Path | None) -> list[Path]:
    """Where a pyproject.toml would be read instead of `found` (the nearest one above the
    current folder is read): made there, it is the new config."""
    here = Path.cwd()
    candidates = []
    for folder in (here, *here.parents):
        candidates.append(folder / "pyproject.toml")
        if found is not None and folder == found.parent:
            break
    return candidates


def normal(path: Path) -> Path:
    """`path` with its folder made real (links followed, absolute) and its own name kept: the
    name a change is reported under, whatever the file is now (a link, gone, a new file)."""
    return Path(os.path.realpath(path.parent)) / path.name


def _forms(path: Path) -> set[Path]:
    """The path an input is reached by, and where it really is (a link's target is its own
    file: a save there changes the input)."""
    return {normal(path), _real(path)}


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


class InputFilter:
    """watchfiles' `watch_filter`: a change to an input (`inputs`, remade after each generation),
    never one of oagen's own writes, inside the output or its lock, staging, retired and journal
    files beside it (a templates folder may hold the output: counted, each run looped forever)."""

    def __init__(self, output: Path | None, inputs: Inputs) -> None:
        self.output = output
        self.inputs = inputs

    def __call__(self, change: Change, path: str) -> bool:
        return not self.written_by_oagen(Path(path)) and self.inputs.changed(change, path)

    def written_by_oagen(self, changed: Path) -> bool:
        if self.output is None:
            return False
        beside = f".{self.output.name}.oagen-"
        for place in (changed, *changed.parents):
            if place == self.output or (
                place.parent == self.output.parent and place.name.startswith(beside)
            ):
                return True
        return False
