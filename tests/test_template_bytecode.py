"""Templates compiled ahead are used instead of compiling, and only while they match."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.render import bytecode, package


@pytest.fixture()
def ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OAGEN_CACHE_DIR", "off")
    monkeypatch.setattr(bytecode, "COMPILED_DIR", tmp_path / "compiled")
    package.environment.cache_clear()
    yield bytecode.compiled_folder()
    package.environment.cache_clear()


def _fresh_environment(monkeypatch: pytest.MonkeyPatch) -> jinja2.Environment:
    package.environment.cache_clear()
    env = package.environment()
    compiled: list[str] = []
    real = env.compile

    def counting(source: object, name: str | None = None, *args: object, **kw: object) -> object:
        compiled.append(str(name))
        return real(source, name, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(env, "compile", counting)
    env.globals["_compiled"] = compiled
    return env


def test_templates_compiled_ahead_are_not_compiled_again(
    ahead: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = bytecode.compile_ahead()
    assert count >= 10 and len(list(ahead.glob("*.bin"))) == count
    env = _fresh_environment(monkeypatch)
    env.get_template("package/resources/resource.py.j2")
    assert env.globals["_compiled"] == []


def test_without_them_or_with_stale_ones_templates_are_compiled(
    ahead: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _fresh_environment(monkeypatch)
    env.get_template("package/_hooks.py.j2")
    assert env.globals["_compiled"] == ["package/_hooks.py.j2"]
    bytecode.compile_ahead()
    for entry in ahead.glob("*.bin"):
        entry.write_bytes(b"not bytecode")  # Jinja2 rejects it and compiles the template
    env = _fresh_environment(monkeypatch)
    template = env.get_template("package/_hooks.py.j2")
    assert env.globals["_compiled"] == ["package/_hooks.py.j2"]
    assert "package_hooks" in template.render(api=None, types=None)


def test_an_earlier_fingerprints_folder_is_removed(ahead: Path) -> None:
    stale = ahead.parent / "0123456789abcdef"
    stale.mkdir(parents=True)
    (stale / "x.bin").write_bytes(b"old")
    bytecode.compile_ahead()
    assert not stale.exists() and ahead.is_dir()


def test_the_folder_is_the_same_wherever_oagen_is_started(tmp_path: Path) -> None:
    """`make` compiles from the checkout, whose `oagen.egg-info` is importable there; runs start
    anywhere, through the `oagen` script. Both must name the same folder, or no run reads it."""
    import subprocess
    import sys

    repository = Path(__file__).resolve().parent.parent
    (tmp_path / "stray.dist-info").mkdir()  # what a folder a run starts in may hold
    ask = "from generator.render import bytecode; print(bytecode.compiled_folder())"
    script = tmp_path / "started.py"  # as the `oagen` script: its folder comes first on the path
    script.write_text(ask, encoding="utf-8")
    names = {
        subprocess.run(
            [sys.executable, *command], cwd=cwd, capture_output=True, text=True, check=True
        ).stdout
        for command, cwd in (
            (["-c", ask], repository),
            (["-c", ask], tmp_path),
            ([str(script)], repository),
        )
    }
    assert len(names) == 1, names
