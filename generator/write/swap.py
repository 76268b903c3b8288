"""Swap a staged folder into place so that an interruption at any moment leaves the old or the new
output, and the next run tidies up what an interrupted one left beside it.

Beside the output `OUT` live, only while a run is writing:
- `.OUT.oagen-staging-<hex>`: the new tree being assembled; it holds a marker file of the same
  name until the swap, so a later run can prove it is oagen's and remove it;
- `.OUT.oagen-swap.json`: the journal, written before the two renames, naming the staging and the
  retired folder and the digest of the new manifest;
- `.OUT.oagen-retired-<hex>`: the previous output between the two renames, removed afterwards.
`recover` (run under the output lock, before anything else) reads the journal: an output missing
after the first rename is put back from the retired copy; a retired copy whose successor's
manifest matches the journal is removed; anything it cannot prove is kept and reported.
Ctrl-C is held back during the renames and raised after them as `OutputReplaced`, so the command
line can say truthfully that the output was replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.load.plainfile import read_regular

_MARKER_TEXT = b"oagen staging folder: safe to delete when no oagen run is writing\n"
MANIFEST = ".oagen-manifest.json"  # the list of files oagen wrote, in each output
MANIFEST_LIMIT = 64 * 2**20  # bytes; a manifest of 100,000 files is about 12 MB


class OutputReplaced(KeyboardInterrupt):
    """Ctrl-C arrived while the output was being swapped; the new output is in place."""


def staging_name(output: Path) -> str:
    return f".{output.name}.oagen-staging-{secrets.token_hex(8)}"


def marker(staging: Path) -> Path:
    """The file that marks a staging folder as oagen's: named like the folder, so no file a
    user keeps in the output (carried into the staging folder) can take its place."""
    return staging / staging.name


def journal_path(output: Path) -> Path:
    return output.parent / f".{output.name}.oagen-swap.json"


def new_staging(output: Path) -> Path:
    """An empty staging folder beside `output` (mode from the umask), marked as oagen's."""
    staging = output.parent / staging_name(output)
    os.mkdir(staging, 0o777)
    try:
        write_new(marker(staging), _MARKER_TEXT, exclusive=True)
    except BaseException:  # a full disk: an unmarked folder would stay for ever
        remove_tree(staging)
        raise
    return staging


def manifest_digest(folder: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(folder / MANIFEST, MANIFEST_LIMIT)).hexdigest()
    except OSError:
        return None


def install(staging: Path, output: Path, digest: str) -> None:
    """Replace `output` (if any) with `staging`, whose manifest has sha256 `digest`."""
    retired = output.parent / f".{output.name}.oagen-retired-{secrets.token_hex(8)}"
    journal = journal_path(output)
    _write_journal(
        journal, {"staging": staging.name, "retired": retired.name, "manifest_sha256": digest}
    )
    try:
        _unlink_marker(staging)  # from here on the journal names the staging folder
    except BaseException:
        journal.unlink(missing_ok=True)
        raise
    had_output = os.path.lexists(output)
    with _interrupts_held() as held:
        try:
            if had_output:
                os.replace(output, retired)
            _test_pause()
            try:
                os.replace(staging, output)
            except OSError:
                if had_output:
                    os.replace(retired, output)  # put the previous output back
                raise
        except OSError:
            journal.unlink(missing_ok=True)
            raise
    try:
        if not had_output or remove_tree(retired):
            journal.unlink(missing_ok=True)  # else the next run tries again, and says so
    except KeyboardInterrupt:
        raise OutputReplaced from None
    if held:
        raise OutputReplaced


def _unlink_marker(staging: Path) -> None:
    """Remove the marker, even from a staging folder that already has the mode of a read-only
    output (0555): it is opened for the owner only for that moment."""
    try:
        os.unlink(marker(staging))
    except PermissionError:
        mode = stat.S_IMODE(os.lstat(staging).st_mode)
        os.chmod(staging, mode | stat.S_IWUSR | stat.S_IXUSR)
        try:
            os.unlink(marker(staging))
        finally:
            os.chmod(staging, mode)


def recover(output: Path) -> list[str]:
    """Finish or undo what an interrupted run left beside `output`; notes for the user."""
    notes: list[str] = []
    journal = journal_path(output)
    if os.path.lexists(journal):
        record = _read_journal(journal, output)
        if record is None:
            notes.append(f"removed {journal}: not a swap record oagen wrote")
        else:
            staging, retired, digest = record
            if _is_folder(retired):
                if not os.path.lexists(output):
                    os.replace(retired, output)
                    notes.append(f"restored {output} from the copy an interrupted run left")
                elif manifest_digest(output) == digest:
                    _remove(retired, notes)
                else:
                    notes.append(
                        f"kept {retired}: an interrupted run left it and {output} is "
                        "not the output that run wrote; check it, then delete it"
                    )
            if _is_folder(staging):
                _remove(staging, notes)
        journal.unlink(missing_ok=True)
    pattern = re.compile(re.escape(f".{output.name}.oagen-staging-") + "[0-9a-f]{16}")
    try:
        entries = list(os.scandir(output.parent))
    except OSError:
        return notes
    for entry in entries:
        if (
            pattern.fullmatch(entry.name)
            and entry.is_dir(follow_symlinks=False)
            and _is_marker(marker(Path(entry.path)))
        ):
            _remove(Path(entry.path), notes)
    return notes


def _write_journal(journal: Path, record: dict[str, str]) -> None:
    data = (json.dumps(record, sort_keys=True) + "\n").encode("utf-8")
    try:
        write_new(journal, data, exclusive=False)
    except BaseException:  # half a journal would only be reported as foreign by the next run
        journal.unlink(missing_ok=True)
        raise


def write_new(path: Path, data: bytes, *, exclusive: bool) -> None:
    """Write `data` to `path` whole (a short write is continued), never through a link, through
    the system calls alone (Python's buffered file objects cost more than the write itself for
    a small file)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    flags |= os.O_EXCL if exclusive else os.O_TRUNC
    descriptor = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _read_journal(journal: Path, output: Path) -> tuple[Path, Path, str] | None:
    """The journal's folders, only when they are names oagen gives folders beside `output`."""
    try:
        record = json.loads(read_regular(journal, 4096))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(record, dict):
        return None
    names = record.get("staging"), record.get("retired")
    digest = record.get("manifest_sha256")
    prefix = re.escape(f".{output.name}.oagen-")
    if not isinstance(digest, str) or not all(
        isinstance(name, str) and re.fullmatch(prefix + kind + "-[0-9a-f]{16}", name)
        for name, kind in zip(names, ("staging", "retired"), strict=True)
    ):
        return None
    return output.parent / str(names[0]), output.parent / str(names[1]), digest


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_marker(path: Path) -> bool:
    try:
        return read_regular(path, len(_MARKER_TEXT)) == _MARKER_TEXT
    except OSError:
        return False


def _remove(folder: Path, notes: list[str]) -> None:
    if not remove_tree(folder):
        notes.append(f"could not remove {folder}, left by an interrupted run; delete it")


def remove_tree(folder: Path) -> bool:
    """Remove a staging or retired folder, even where the user kept a read-only folder: a
    folder that refuses is opened up (u+rwx) and tried again. Only folders: they are this
    tree's own, while a file may be a hard link shared with the new output. Whether it is gone."""

    def open_up(function: object, path: str, _error: object) -> None:
        with contextlib.suppress(OSError):
            if function in (os.open, os.scandir):  # a folder that cannot be listed
                os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) | stat.S_IRWXU)
                shutil.rmtree(path, onerror=open_up)
            elif function in (os.unlink, os.rmdir):  # its folder does not allow removing
                parent = os.path.dirname(path)
                os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
                function(path)

    shutil.rmtree(folder, onerror=open_up)
    return not os.path.lexists(folder)


@contextmanager
def _interrupts_held() -> Iterator[list[int]]:
    """Ctrl-C (SIGINT) is recorded instead of raised inside the block; the list says whether it
    came. Signal handlers can only be set from the main thread; elsewhere nothing is held."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return
    previous = signal.signal(signal.SIGINT, lambda number, _frame: received.append(number))
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)


def _test_pause() -> None:
    """OAGEN_TEST_SWAP_PAUSE=seconds waits between the two renames, so tests can interrupt a run
    at its most delicate moment."""
    setting = os.environ.get("OAGEN_TEST_SWAP_PAUSE")
    try:
        seconds = float(setting) if setting else 0.0
    except ValueError:
        return
    if seconds > 0:
        time.sleep(seconds)
