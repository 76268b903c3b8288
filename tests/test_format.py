"""The safety net after layout: a generated file that would not compile is an E601 error, on the
in-process path and when child processes share the work out."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import workers
from generator.diagnostics import Diagnostics
from generator.render import format as formatting

LONG = "x = [" + ", ".join(f'"item{n}"' for n in range(40)) + "]\n"
FILES = {
    "pkg/good.py": "import os\n\n" + LONG,
    "pkg/syntax.py": "def f(:\n    pass\n" + LONG,
    "pkg/compiler.py": "x = 1\nreturn x\n" + LONG,  # parses, but only a function may return
    "pkg/repeated.py": "def f(a: int, a: int) -> None:\n    pass\n",
}


@pytest.mark.parametrize("forking", [False, True], ids=["in-process", "children"])
def test_files_that_do_not_compile_are_reported(
    forking: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if forking and not workers.parallel():
        pytest.skip("a single core: the work is not shared out")
    monkeypatch.setattr(formatting, "_PARALLEL_FILES", 0 if forking else 10**9)
    diagnostics = Diagnostics()
    out = formatting.format_files(dict(FILES), diagnostics, laid_out=set(FILES))
    reported = sorted(
        item.message.split(" ")[1] for item in diagnostics.items if item.code == "E601"
    )
    assert reported == ["pkg/compiler.py", "pkg/repeated.py", "pkg/syntax.py"]
    assert max(len(line) for line in out["pkg/good.py"].decode().splitlines()) <= 100
    compile(out["pkg/good.py"], "good.py", "exec")


def test_cached_black_answers_a_repeat_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.render import black_adapter

    monkeypatch.setenv("OAGEN_CACHE_DIR", str(tmp_path))
    source = "x = call(" + ", ".join(f"argument_{n}={n}" for n in range(12)) + ")\n"
    first = formatting.cached_black(source)
    assert first == black_adapter.format_code(source) != source

    def no_black(text: str) -> str:
        raise AssertionError("black ran although the cache holds the answer")

    monkeypatch.setattr(black_adapter, "format_code", no_black)
    assert formatting.cached_black(source) == first
