"""`oagen watch` ignores its own writes: inside the output and the lock, staging, retired and
journal files beside it. Each generation makes them; counting them as changes regenerated
forever."""

from __future__ import annotations

from pathlib import Path

from generator.cli.watch import watch_filter


def test_watch_ignores_the_output_and_oagens_files_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    relevant = watch_filter(out)
    ignored = [
        out,
        out / "pkg" / "x.py",
        tmp_path / ".out.oagen-lock",
        tmp_path / ".out.oagen-swap.json",
        tmp_path / ".out.oagen-staging-0123456789abcdef" / "pkg" / "x.py",
        tmp_path / ".out.oagen-retired-0123456789abcdef",
    ]
    for path in ignored:
        assert not relevant(None, str(path)), path
    watched = [
        tmp_path / "spec.yaml",
        tmp_path / "pyproject.toml",
        tmp_path / ".other.oagen-lock",
        tmp_path / "sub" / ".out.oagen-lock",
        tmp_path / "output" / "x.py",
    ]
    for path in watched:
        assert relevant(None, str(path)), path
    assert watch_filter(None)(None, str(out / "x.py"))
