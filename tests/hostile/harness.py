"""Generate a client from a spec dict in-process, then check it the way a user would meet it.

`generate` runs the whole pipeline (`generator.cli.main`) in a scratch folder whose
pyproject.toml has no `[tool.oagen]`, so no configuration leaks in; `check_sources` compiles every
generated Python file and reads pyproject.toml; `probe` imports the package in a fresh interpreter
(`python -I`, cwd a fresh folder, `sys.path` the output folder) and reports what it found.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import black
from black.mode import TargetVersion

from generator.cli import main

PACKAGE = "hostile_pkg"
KNOWN_BUGS = os.environ.get("OAGEN_HOSTILE_KNOWN_BUGS") == "1"  # see strategies.py
PROBE = Path(__file__).with_name("probe.py")

# A payload that gets to run creates this file. It lives outside every scratch folder, so one
# example's payload cannot hide in another's output, and it is checked after each stage.
CANARY = Path(tempfile.mkdtemp(prefix="oagen-canary-")) / "CANARY"
# Payloads name it through the environment (the generator, its children and the interpreters
# that import the output all inherit it). Its path is random: written into the payloads, it
# would be part of the names a spec derives from them, so the same drawn documents would give
# other names, line lengths and layouts in every process, and a failure could not be replayed.
CANARY_VARIABLE = "OAGEN_HOSTILE_CANARY"
os.environ[CANARY_VARIABLE] = str(CANARY)

# `file:line:col: error E201 message`, or without a location `error E601 message`.
_DIAGNOSTIC = re.compile(r"^(?:\S.*?: )?(?P<severity>error|warning|info) (?P<code>[EWI]\d{3}) ")


@dataclass
class Generated:
    exit_code: int
    stderr: str
    output: Path
    files: dict[str, bytes]

    def error_codes(self) -> list[str]:
        codes = []
        for line in self.stderr.splitlines():
            found = _DIAGNOSTIC.match(line)
            if found and found["severity"] == "error":
                codes.append(found["code"])
        return codes


def generate(doc: dict[str, Any], root: Path, *, extra_args: tuple[str, ...] = ()) -> Generated:
    """Write `doc` as JSON (ASCII escapes, so any string survives) and run `oagen generate`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[project]\nname = "scratch"\n', encoding="utf-8")
    spec = root / "spec.json"
    spec.write_text(json.dumps(doc, indent=1), encoding="ascii")
    output = root / "out"
    stderr, stdout = io.StringIO(), io.StringIO()
    with (
        contextlib.chdir(root),
        contextlib.redirect_stderr(stderr),
        contextlib.redirect_stdout(stdout),
    ):
        code = main(
            ["generate", str(spec), "-o", str(output), "--package", PACKAGE, "-q", *extra_args]
        )
    files: dict[str, bytes] = {}
    if output.is_dir():
        for path in sorted(output.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(output).as_posix()] = path.read_bytes()
    return Generated(code, stderr.getvalue() + stdout.getvalue(), output, files)


def check_exit(result: Generated) -> None:
    """0, or 1 with errors about the spec: never a generated file that does not parse."""
    assert result.exit_code in (0, 1), (result.exit_code, result.stderr[-3000:])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    if result.exit_code == 1:
        codes = result.error_codes()
        assert codes, f"exit 1 without an error diagnostic:\n{result.stderr[-3000:]}"
        assert "E601" not in codes, f"generated code does not parse:\n{result.stderr[-3000:]}"
        assert not result.files, "a failed run wrote files"


BLACK = black.Mode(target_versions={TargetVersion.PY310}, line_length=100)


def check_sources(result: Generated) -> None:
    """Every .py file parses and compiles (compile also catches duplicate arguments, which
    `ast.parse` accepts) and is as black leaves it; pyproject.toml is valid TOML; README's
    Python examples parse."""
    assert result.files, "nothing was written"
    problems = []
    for path, data in result.files.items():
        if path.endswith(".py"):
            try:
                text = data.decode("utf-8")
                ast.parse(text, filename=path)
                compile(text, path, "exec", dont_inherit=True)
            except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
                problems.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            # The generator writes black's layout itself; black must agree, whatever the spec.
            if "/_runtime/" not in path and black.format_str(text, mode=BLACK) != text:
                problems.append(f"{path}: black would reformat it")
        elif path == "README.md":  # its examples are meant to be copied and run
            for block in re.findall(r"```python\n(.*?)```", data.decode("utf-8"), re.S):
                try:
                    ast.parse(block)
                except SyntaxError as exc:
                    problems.append(f"README.md example: {exc}:\n{block[:2000]}")
        elif path.endswith("pyproject.toml"):
            try:
                tomllib.loads(data.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                problems.append(f"{path}: {type(exc).__name__}: {exc}")
    assert not problems, "\n".join(problems)


def run_python(
    output: Path, code: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`code` in a fresh, isolated interpreter with the output folder first on sys.path."""
    prelude = f"import sys\nsys.path.insert(0, {str(output)!r})\n"
    with tempfile.TemporaryDirectory(prefix="oagen-import-") as cwd:
        return subprocess.run(
            [sys.executable, "-I", "-c", prelude + code, *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )


def probe(output: Path, timeout: float = 120) -> dict[str, Any]:
    """Import every module, build every model, instantiate both clients: the probe's report."""
    with tempfile.TemporaryDirectory(prefix="oagen-import-") as cwd:
        done = subprocess.run(
            [sys.executable, "-I", str(PROBE), str(output), PACKAGE],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    assert done.returncode == 0, f"the probe crashed:\n{done.stderr[-4000:]}"
    report: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return report


def check_all(doc: dict[str, Any], root: Path) -> tuple[Generated, dict[str, Any] | None]:
    """The whole property: exit code, sources, import, canary."""
    CANARY.unlink(missing_ok=True)
    result = generate(doc, root)
    assert not CANARY.exists(), "a payload ran inside the generator"
    check_exit(result)
    if result.exit_code != 0:
        return result, None
    check_sources(result)
    report = probe(result.output)
    assert not CANARY.exists(), "a payload ran when the package was imported"
    assert not report["problems"], "\n\n".join(report["problems"])
    return result, report
