"""Format: black, in-process, with its mode set explicitly so output never depends on a user's
black configuration.

Files from the built-in templates that emit black's layout themselves (`render.LAID_OUT`) only
have their over-long statements laid out by black (`pysource.finish`). Every other Python file
goes through black whole; black's results are cached by the hash of their unformatted text (and
black's version and mode) by `cache.py`, so a hit is exactly what black returned. Misses are
formatted in parallel worker processes when there are many.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import cache, pysource
from .diagnostics import Diagnostics
from .progress import silent

LINE_LENGTH = pysource.LINE_LENGTH
_PARALLEL_THRESHOLD = 200  # below this, worker start-up (each imports black) costs more


def _mode() -> object:
    import black
    from black.mode import TargetVersion

    return black.Mode(
        target_versions={TargetVersion.PY310},
        line_length=LINE_LENGTH,
        string_normalization=True,
        magic_trailing_comma=True,
        preview=False,
    )


def _needs_black(path: str) -> bool:
    return path.endswith(".py") and "/_runtime/" not in path  # the runtime is kept black-clean


def format_source(path: str, source: str) -> tuple[str, str, str | None]:
    """(path, formatted text, error message or None)."""
    if not _needs_black(path):
        return path, source, None
    import black

    try:
        return path, black.format_str(source, mode=_mode()), None  # type: ignore[arg-type]
    except Exception as exc:
        return path, source, f"{type(exc).__name__}: {str(exc)[:300]}"


def _finish(files: dict[str, str], laid_out: Collection[str], diagnostics: Diagnostics,
            progress: Callable[[str], None]) -> dict[str, str]:
    """The laid-out files, their over-long statements formatted by black in one call (file by
    file when that fails, to name the files at fault). Each is then parsed: black no longer
    reads every file, and a file that does not compile must never be written."""
    chosen = {path: files[path] for path in sorted(laid_out) if path in files}
    progress(f"laying out {len(chosen)} files")
    try:
        finished = pysource.finish_all(chosen, lay_out=_lay_out_in_parallel)
    except Exception:
        finished = {}
        for path, source in chosen.items():
            try:
                finished[path] = pysource.finish_all({path: source})[path]
            except Exception as exc:
                _report_invalid(path, f"{type(exc).__name__}: {str(exc)[:300]}", diagnostics)
                finished[path] = source
    for path, source in finished.items():
        try:
            compile(source, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            _report_invalid(path, f"{type(exc).__name__}: {exc}", diagnostics)
    return finished


_PARALLEL_UNITS = 40  # below this, black's start-up in a second process costs more than it saves


def _lay_out_in_parallel(units: list[pysource.Key]) -> dict[pysource.Key, list[str]]:
    """`pysource.lay_out_all` over halves of the units in two forked children (black's time is
    proportional to the text it reads); here, when forking is unavailable or a child fails."""
    from . import forked

    unique = sorted(set(units))
    if len(unique) < _PARALLEL_UNITS or not forked.available():
        return pysource.lay_out_all(unique)
    halves: list[list[pysource.Key]] = [[], []]
    sizes = [0, 0]
    for key in sorted(unique, key=lambda key: -sum(map(len, key[1]))):
        smaller = sizes.index(min(sizes))
        halves[smaller].append(key)
        sizes[smaller] += sum(map(len, key[1]))
    children = [forked.Forked(lambda half=half: [  # type: ignore[misc]
        [key[0], list(key[1]), lines] for key, lines in pysource.lay_out_all(half).items()])
        for half in halves]
    laid: dict[pysource.Key, list[str]] = {}
    for child, half in zip(children, halves, strict=True):
        result = child.collect()
        if result is None:
            laid.update(pysource.lay_out_all(half))
            continue
        for context, lines, formatted in result:
            laid[context, tuple(lines)] = formatted
    return laid


def _report_invalid(path: str, error: str, diagnostics: Diagnostics) -> None:
    diagnostics.error("E601", f"generated {path} is not valid Python ({error}); this is a bug in "
                      "oagen or a custom template", None,
                      "report it with the spec that triggers it")


def _cache() -> Path | None:
    from importlib.metadata import version

    return cache.folder("black", f"{version('black')}|{_mode()!r}")


def format_files(files: dict[str, str], diagnostics: Diagnostics,
                 progress: Callable[[str], None] = silent,
                 laid_out: Collection[str] = ()) -> dict[str, bytes]:
    store = _cache()
    formatted: dict[str, str] = {}
    misses: list[str] = []
    formatted.update(_finish(files, laid_out, diagnostics, progress))
    for path in sorted(files):
        source = files[path]
        if path in formatted:
            continue
        hit = cache.read(store, cache.key(source.encode())) if _needs_black(path) else source
        if hit is None:
            misses.append(path)
        else:
            formatted[path] = hit
    workers = min(os.cpu_count() or 1, 8)
    sources = [files[path] for path in misses]
    results: list[tuple[str, str, str | None]] = []
    if len(misses) >= _PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(format_source, misses, sources, chunksize=16):
                results.append(result)
                if len(results) % 50 == 0:
                    progress(f"formatting {len(results)}/{len(misses)} files")
    else:
        for path, source in zip(misses, sources, strict=True):
            results.append(format_source(path, source))
            if len(results) % 50 == 0:
                progress(f"formatting {len(results)}/{len(misses)} files")
    for (path, text, error), source in zip(results, sources, strict=True):
        if error is not None:
            _report_invalid(path, error, diagnostics)
        else:
            cache.write(store, cache.key(source.encode()), text)
        formatted[path] = text
    # A lone surrogate from the spec (valid JSON, not valid UTF-8) is written as its escape.
    return {path: formatted[path].encode("utf-8", "backslashreplace")
            for path in sorted(formatted)}
