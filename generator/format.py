"""Format: black, in-process, with its mode set explicitly so output never depends on a user's
black configuration. Files are formatted in parallel worker processes when there are many."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

from .diagnostics import Diagnostics

LINE_LENGTH = 100
_PARALLEL_THRESHOLD = 400  # below this, worker start-up (each imports black) costs more


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


def format_source(path: str, source: str) -> tuple[str, str, str | None]:
    """(path, formatted text, error message or None)."""
    if not path.endswith(".py") or "/_runtime/" in path:  # the runtime is kept black-clean
        return path, source, None
    import black

    try:
        return path, black.format_str(source, mode=_mode()), None  # type: ignore[arg-type]
    except Exception as exc:
        return path, source, f"{type(exc).__name__}: {str(exc)[:300]}"


def format_files(files: dict[str, str], diagnostics: Diagnostics) -> dict[str, bytes]:
    paths = sorted(files)
    python_count = sum(1 for path in paths if path.endswith(".py"))
    workers = min(os.cpu_count() or 1, 8)
    if python_count >= _PARALLEL_THRESHOLD and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(format_source, paths, [files[p] for p in paths],
                                    chunksize=16))
    else:
        results = [format_source(path, files[path]) for path in paths]
    out: dict[str, bytes] = {}
    for path, text, error in results:
        if error is not None:
            diagnostics.error("E601", f"generated {path} is not valid Python ({error}); this is "
                              "a bug in oagen or a custom template", None,
                              "report it with the spec that triggers it")
        out[path] = text.encode("utf-8")
    return out
