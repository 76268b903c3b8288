"""Whether a folder may be the output: oagen replaces the output folder as a whole, so it must not
be a folder that holds anything else the user cares about as a whole.

Refused always: a path that cannot be a folder (a file on the way, a name too long), the
filesystem root, an existing folder at its top (/etc, /usr) that is not a previous output, the
home folder or a folder holding it, a file, the current folder or one holding it (the swap would
pull it from under the shell), and anything inside a `.git` folder. Refused unless the folder is
a previous oagen output (its manifest is there): a folder holding the spec, the config, custom
templates, an overlay, or a `.git` (a project's own files). A symbolic link is followed: the
folder it points to is written and the link is kept.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from generator.write.swap import MANIFEST


def resolved(output: Path) -> Path:
    """The real folder `output` names: `.`, `..` and symbolic links resolved."""
    return Path(os.path.realpath(output))


def holds(folder: Path, path: Path) -> bool:
    """Whether the real folder `folder` is the real path of `path` or holds it."""
    place = resolved(path)
    return folder == place or folder in place.parents


def unusable(output: Path) -> str | None:
    """Why `output` cannot be a folder at all (a file on its way, a name too long, a folder
    oagen may not look into), or None. Never raises."""
    try:
        real = resolved(output)
        for place in (output.absolute(), *output.absolute().parents):
            if os.path.islink(place) and not os.path.exists(place):
                return (
                    f"{place} is a symbolic link to {os.readlink(place)}, which does not "
                    "exist or loops; oagen writes through a link only to a folder that is "
                    "there: create it, or remove the link"
                )
    except (OSError, ValueError) as error:
        return f"{output} cannot be used: {getattr(error, 'strerror', None) or error}"
    for place in (real, *real.parents):
        try:
            info = os.lstat(place)
        except (FileNotFoundError, NotADirectoryError):  # a file above says more
            continue
        except OSError as error:
            return (
                f"{output} cannot be used: {error.strerror} ({place}); choose another output folder"
            )
        if place != real and not stat.S_ISDIR(info.st_mode):
            return f"{place} is a file, so {output} cannot be a folder; choose another output"
        return None
    return None


def refusal(output: Path, inputs: Iterable[tuple[str, Path]], cwd: Path) -> str | None:
    """Why `output` must not be written, or None. `inputs` are (what, path) pairs such as
    ("the spec", spec)."""
    problem = unusable(output)
    if problem is not None:
        return problem
    try:
        return _refusal(output, inputs, cwd)
    except OSError as error:  # a path component too long for the system, say
        return f"{output} cannot be used: {error.strerror}; choose another output folder"


def _refusal(output: Path, inputs: Iterable[tuple[str, Path]], cwd: Path) -> str | None:
    real = resolved(output)
    shown = str(output) if str(output) == str(real) else f"{output} (that is, {real})"
    if real == Path(real.anchor):
        return f"{shown} is the filesystem root; choose a folder of its own for the client"
    if (
        real.parent == Path(real.anchor)
        and os.path.lexists(real)
        and not (real / MANIFEST).is_file()
    ):
        return (
            f"{shown} is a folder at the top of the filesystem (such as /etc or /usr) and "
            "not a previous oagen output; choose a folder of its own for the client"
        )
    if holds(real, Path.home()):
        return (
            f"{shown} is your home folder or holds it; oagen replaces its output folder as a "
            "whole: choose a folder of its own for the client, e.g. a `generated` folder "
            "in your project"
        )
    if os.path.lexists(real) and not real.is_dir():
        return f"{shown} is a file, not a folder; choose a folder for the client"
    if holds(real, cwd):
        return (
            f"{shown} is the current folder or holds it; oagen replaces its output folder "
            "as a whole, which would pull the folder from under this shell: run oagen from "
            "outside it, with -o pointing at it"
        )
    if any(part.casefold() == ".git" for part in real.parts):  # .GIT is .git on macOS
        return (
            f"{shown} is inside a .git folder, git's own data; choose a folder of its own "
            "for the client"
        )
    if (real / MANIFEST).is_file():
        return None  # a previous oagen output: its own files are known from the manifest
    if (real / ".git").exists():
        return (
            f"{shown} is the root of a git repository and not a previous oagen output (no "
            f"{MANIFEST}); choose a folder of its own for the client, e.g. "
            f"{output / 'generated'}"
        )
    for what, path in inputs:
        if holds(real, path):
            return (
                f"{shown} holds {what} ({path}) and is not a previous oagen output (no "
                f"{MANIFEST}); oagen replaces its output folder as a whole: choose a folder "
                f"of its own for the client, e.g. {output / 'generated'}"
            )
    return None
