"""Format: the files' last step before they are written.

Files from the built-in templates that emit black's layout themselves (`package.LAID_OUT`) only
have their over-long statements laid out (`pysource.finish_all`: by `blacklike`, or by black for
what it does not read); the result is cached by the file's rendered text (and oagen's
fingerprint), so an unchanged file is neither laid out nor compiled again. Every other Python file
goes through black whole, in the mode `black_adapter.mode` sets explicitly; black's results are
cached by the hash of their unformatted text (and black's version and mode) by `cache.py`, so a
hit is exactly what black returned. Misses are formatted in parallel worker processes when there
are many.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Callable, Collection
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator import cache
from generator.diagnostics import Diagnostics
from generator.progress import silent
from generator.render import black_adapter, pysource

LINE_LENGTH = pysource.LINE_LENGTH
_PARALLEL_THRESHOLD = 200  # below this, worker start-up (each imports black) costs more


def _needs_black(path: str) -> bool:
    return path.endswith(".py") and "/_runtime/" not in path  # the runtime is kept black-clean


def format_source(path: str, source: str) -> tuple[str, str, str | None]:
    """(path, formatted text, error message or None)."""
    if not _needs_black(path):
        return path, source, None
    try:
        return path, black_adapter.format_code(source), None
    except Exception as exc:
        return path, source, f"{type(exc).__name__}: {str(exc)[:300]}"


def _finish(
    files: dict[str, str],
    laid_out: Collection[str],
    diagnostics: Diagnostics,
    progress: Callable[[str], None],
) -> dict[str, str]:
    """The laid-out files with their over-long lines laid out by black, each then compiled:
    black no longer reads every file, and a file that does not compile must never be written.
    Many files are shared out among child processes on a machine with a second core."""
    from generator import fingerprint, workers

    store = cache.folder("finished", fingerprint.tool())
    finished: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for path in sorted(laid_out):
        if path in files:
            hit = cache.read(store, cache.key(files[path].encode()))
            if hit is None:
                chosen[path] = files[path]
            else:
                finished[path] = hit
    progress(f"laying out {len(chosen)} files")
    results = None
    if len(chosen) >= _PARALLEL_FILES and workers.parallel():
        # Largest first, in small shares: the last shares to be taken are the smallest.
        paths = sorted(chosen, key=lambda path: (-len(chosen[path]), path))
        size = -(-len(paths) // _SHARES)
        shares = [{p: chosen[p] for p in paths[i : i + size]} for i in range(0, len(paths), size)]
        with contextlib.suppress(Exception):  # a child that died: this process does it all
            results = workers.map_shared(finish_share, shares, 2)
    for done, invalid in results if results is not None else [finish_share(chosen)]:
        finished.update(done)
        for path, error in invalid:
            report_invalid(path, error, diagnostics)
        failed = {path for path, _error in invalid}
        for path, text in done.items():
            if path not in failed:  # a file that compiled: reused without compiling again
                cache.write(store, cache.key(chosen[path].encode()), text)
    return dict(sorted(finished.items()))


_PARALLEL_FILES = 64  # below this, starting the children costs more than they save
_SHARES = 16


def finish_share(files: dict[str, str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """`pysource.finish_all` over some files (file by file when it fails, to name the files at
    fault), then each parsed; with the (path, error) of every file that is not valid Python."""
    invalid: list[tuple[str, str]] = []
    try:
        finished = pysource.finish_all(files)
    except Exception:
        finished = {}
        for path, source in files.items():
            try:
                finished[path] = pysource.finish_all({path: source})[path]
            except Exception as exc:
                invalid.append((path, f"{type(exc).__name__}: {str(exc)[:300]}"))
                finished[path] = source
    unparsed = {path for path, _ in invalid}
    # Compiled to bytecode, not just parsed: a quarter faster than building the ast module's
    # objects, and it also catches what only the compiler checks (`return` outside a function,
    # a repeated parameter). Its warnings are not the user's concern here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path, source in finished.items():
            if path in unparsed:
                continue
            try:
                compile(source, path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                invalid.append((path, f"{type(exc).__name__}: {exc}"))
    return finished, invalid


def report_invalid(path: str, error: str, diagnostics: Diagnostics) -> None:
    diagnostics.error(
        "E601",
        f"generated {path} is not valid Python ({error}); this is a bug in "
        "oagen or a custom template",
        None,
        "report it with the spec that triggers it",
    )


def _cache() -> Path | None:
    """Black's results, keyed by oagen's fingerprint: it names the installed black and holds
    the mode oagen sets (its source), so finding a hit never needs black imported."""
    from generator import fingerprint

    return cache.folder("black", fingerprint.tool())


def cached_black(source: str) -> str:
    """`black_adapter.format_code(source)`, from the content cache when it holds the answer: a
    regeneration then skips black for the API reference's examples and signatures."""
    store = _cache()
    entry = cache.key(b"statements", source.encode())
    hit = cache.read(store, entry)
    if hit is not None:
        return hit
    text = black_adapter.format_code(source)
    cache.write(store, entry, text)
    return text


def format_files(
    files: dict[str, str],
    diagnostics: Diagnostics,
    progress: Callable[[str], None] = silent,
    laid_out: Collection[str] = (),
) -> dict[str, bytes]:
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
            report_invalid(path, error, diagnostics)
        else:
            cache.write(store, cache.key(source.encode()), text)
        formatted[path] = text
    return encoded(formatted)


def encoded(texts: dict[str, str]) -> dict[str, bytes]:
    # A lone surrogate from the spec (valid JSON, not valid UTF-8) is written as its escape.
    return {path: texts[path].encode("utf-8", "backslashreplace") for path in sorted(texts)}
