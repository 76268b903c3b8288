"""Whether a folder may be the output: oagen replaces the output folder as a whole, so it must not
be a folder that holds anything else the user cares about as a whole.

Refused always: the filesystem root, the home folder or a folder holding it, a file, the
current folder or one holding it (the swap would pull it from under the shell), and anything
inside a `.git` folder. Refused unless the folder is a previous oagen output (its manifest is
there): a folder holding the spec, the config, custom templates, an overlay, or a `.git` (a
project's own files). A symbolic link is followed: the folder it points to is written and the
link is kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

MANIFEST = ".oagen-manifest.json"


def resolved(output: Path) -> Path:
    """The real folder `output` names: `.`, `..` and symbolic links resolved."""
    return Path(os.path.realpath(output))


def refusal(output: Path, inputs: Iterable[tuple[str, Path]], cwd: Path) -> str | None:
    """Why `output` must not be written, or None. `inputs` are (what, path) pairs such as
    ("the spec", spec)."""
    real = resolved(output)
    shown = str(output) if str(output) == str(real) else f"{output} (that is, {real})"
    if real == Path(real.anchor):
        return f"{shown} is the filesystem root; choose a folder of its own for the client"
    home = resolved(Path.home())
    if real == home or real in home.parents:
        return (f"{shown} is your home folder or holds it; oagen replaces its output folder as a "
                "whole: choose a folder of its own for the client, e.g. a `generated` folder "
                "in your project")
    if os.path.lexists(real) and not real.is_dir():
        return f"{shown} is a file, not a folder; choose a folder for the client"
    here = resolved(cwd)
    if real == here or real in here.parents:
        return (f"{shown} is the current folder or holds it; oagen replaces its output folder "
                "as a whole, which would pull the folder from under this shell: run oagen from "
                "outside it, with -o pointing at it")
    if ".git" in real.parts:
        return (f"{shown} is inside a .git folder, git's own data; choose a folder of its own "
                "for the client")
    if (real / MANIFEST).is_file():
        return None  # a previous oagen output: its own files are known from the manifest
    if (real / ".git").exists():
        return (f"{shown} is the root of a git repository and not a previous oagen output (no "
                f"{MANIFEST}); choose a folder of its own for the client, e.g. "
                f"{output / 'generated'}")
    for what, path in inputs:
        place = resolved(path)
        if real == place or real in place.parents:
            return (f"{shown} holds {what} ({path}) and is not a previous oagen output (no "
                    f"{MANIFEST}); oagen replaces its output folder as a whole: choose a folder "
                    f"of its own for the client, e.g. {output / 'generated'}")
    return None
