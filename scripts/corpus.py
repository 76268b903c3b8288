"""Run every entry of the shared corpus through the whole pipeline and report what happened.

    python scripts/corpus.py [-j N] [--only NAME ...] [--report PATH] [--no-mypy] [--keep DIR]
                             [--json FILE] [--from-json FILE] [--warm-cache]

`make corpus` runs it with `-j 2`.

For each entry of `../shared/corpus/INDEX.tsv` (in INDEX order) this script, each step in its own
subprocess with a timeout:

1. generates a package: `python -m generator generate SPEC -o TMP/NAME --package SAFE_NAME`,
   capturing the diagnostics (`file:line:col: severity CODE message`), the summary line
   (`oagen: N of M operations, K models (S named schemas); ...`) and any traceback (a crash);
2. imports it: the package, every module in it (resources and models included, which the package
   otherwise imports lazily), every name in `models.__all__`, and rebuilds every pydantic model
   so an undefined forward reference shows up here rather than at the first request;
3. type-checks it: `python -m mypy --strict -p SAFE_NAME` from the output folder, counting
   `error:` lines.

The report (`docs/corpus.md` for a full run; nothing is written for `--only` runs unless
`--report` is given) lists the totals, the targets, one row per entry and every failure with the
first lines of its output. Failures are reported, never hidden: the exit status is 1 when any
entry crashed, timed out, exited non-zero or does not import (`mypy --strict` errors are reported
but only the 95% target depends on them).

The generator runs with an empty cache (`OAGEN_CACHE_DIR` in the working folder) unless
`--warm-cache` is given, so the times are those of a first run. The corpus itself is never copied:
specs are read where they are, and paths in the report are written as `$TMP/`,
`../shared/corpus/` and `./`.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import csv
import fnmatch
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
INDEX = CORPUS / "INDEX.tsv"
DEFAULT_REPORT = REPO / "docs" / "corpus.md"
GENERATE_TIMEOUT = 600.0
IMPORT_TIMEOUT = 300.0
MYPY_TIMEOUT = 1200.0
PAGED = re.compile(r"^oagen: paged operations: (?P<paged>\d+) ")
NAMING = re.compile(r"^oagen: call paths: inferred (?P<style>[\w-]+)-style; named by (?P<by>.*)$")
# A generated method (its parameters on the lines below), not a sub-resource's one-line property.
METHOD = re.compile(r"^    (?:async )?def (?P<name>[a-z_]\w*)\(\n", re.M)
TRACEBACK = "Traceback (most recent call last)"

DIAGNOSTIC = re.compile(
    r"^(?:(?P<file>\S.*?):(?:(?P<line>\d+):(?P<column>\d+):)? )?"
    r"(?P<severity>info|warning|error) (?P<code>[A-Z]\d{3}) (?P<message>.*)$"
)
SUMMARY = re.compile(
    r"^oagen: (?P<generated>\d+) of (?P<total>\d+) operations, (?P<models>\d+) models "
    r"\((?P<schemas>\d+) named schemas\); (?P<warnings>\d+) warning\(s\), (?P<errors>\d+) "
    r"error\(s\); files: (?P<files>.*); (?P<seconds>[\d.]+) s$"
)
MYPY_ERROR = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:\d+:)? error: (?P<message>.*?)"
    r"(?:  \[(?P<code>[a-z0-9-]+)\])?$"
)


# --- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    path: str  # relative to the corpus folder
    version: str
    ops: int  # operations in the spec, as counted by the corpus INDEX
    schemas: int
    valid: bool  # accepted by openapi-spec-validator
    first_error: str

    @property
    def spec(self) -> Path:
        return CORPUS / self.path

    @property
    def package(self) -> str:
        return safe_name(self.name)


def safe_name(name: str) -> str:
    """A Python import name for an entry: `oai-learn-v3.0-petstore` -> `oai_learn_v3_0_petstore`."""
    text = re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower() or "package"
    if text[0].isdigit():
        text = "p_" + text
    if keyword.iskeyword(text):
        text += "_"
    return text


def corpus_available() -> bool:
    return INDEX.is_file()


def load_index(path: Path = INDEX) -> list[Entry]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Entry(
            name=row["name"],
            path=row["path"],
            version=row["version"],
            ops=int(row["ops"] or 0),
            schemas=int(row["schemas"] or 0),
            valid=row["valid"].strip().lower() == "yes",
            first_error=row.get("first_error") or "",
        )
        for row in rows
    ]


# --- one entry ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Result:
    name: str
    path: str
    version: str
    valid: bool
    index_ops: int
    package: str
    # generation
    status: str = "not run"  # ok | failed (exit != 0) | crash (traceback) | timeout
    exit_code: int | None = None
    ops_generated: int | None = None
    ops_total: int | None = None
    ops_paged: int | None = None  # operations whose method returns pages
    naming: str | None = None  # the naming sources used: "path 120" or "x-speakeasy 82, path 13"
    longest_method: str | None = None  # the longest generated method name
    models: int | None = None
    named_schemas: int | None = None
    warnings: int = 0
    errors: int = 0
    codes: dict[str, int] = field(default_factory=dict)  # diagnostic code -> count
    generate_seconds: float = 0.0
    generate_output: str = ""  # stderr + stdout of the generator
    # import
    imports: bool | None = None  # None: not attempted
    import_seconds: float = 0.0
    import_output: str = ""
    # mypy --strict
    mypy_errors: int | None = None  # None: not run
    mypy_exit: int | None = None
    mypy_codes: dict[str, int] = field(default_factory=dict)
    mypy_seconds: float = 0.0
    mypy_output: str = ""
    # black --check: the generator lays out most files itself; black must agree
    black_clean: bool | None = None  # None: not run
    black_output: str = ""

    @property
    def crashed(self) -> bool:
        return self.status == "crash"

    @property
    def generated(self) -> bool:
        return self.status == "ok"

    @property
    def all_operations(self) -> bool:
        return (
            self.ops_generated is not None
            and self.ops_total is not None
            # Operations the description leaves out of SDKs (x-speakeasy-ignore) are I402.
            and self.ops_generated == self.ops_total - self.codes.get("I402", 0)
        )

    @property
    def mypy_clean(self) -> bool:
        return self.mypy_errors == 0 and self.mypy_exit == 0

    @property
    def seconds(self) -> float:
        return self.generate_seconds + self.import_seconds + self.mypy_seconds

    def problems(self) -> list[str]:
        """Everything that falls short of the targets, one phrase each (empty: all good)."""
        found: list[str] = []
        if self.status == "crash":
            found.append("generator crashed (traceback)")
        elif self.status == "timeout":
            found.append("generator timed out")
        elif self.status == "failed":
            found.append(f"generator exited {self.exit_code}")
        if self.generated and self.ops_generated is None:
            found.append("no summary line")
        if self.ops_generated is not None and not self.all_operations:
            found.append(f"{self.ops_generated} of {self.ops_total} operations generated")
        if self.ops_total is not None and self.ops_total != self.index_ops:
            found.append(f"spec operations counted {self.ops_total}, INDEX says {self.index_ops}")
        if self.imports is False:
            found.append("package does not import")
        if self.mypy_errors is not None and not self.mypy_clean:
            found.append(
                f"mypy --strict: {self.mypy_errors} error(s)"
                + (f" (exit {self.mypy_exit})" if self.mypy_exit not in (0, 1) else "")
            )
        if self.black_clean is False:
            found.append("black would reformat")
        return found


IMPORT_PROBE = textwrap.dedent("""
    import importlib, pkgutil, sys, traceback
    out, name = sys.argv[1], sys.argv[2]
    sys.path.insert(0, out)
    failures = 0

    def attempt(what, action):
        global failures
        try:
            return action()
        except Exception:
            failures += 1
            print(f"{what} failed:", file=sys.stderr)
            traceback.print_exc()
            return None

    package = importlib.import_module(name)
    assert package.__file__ and package.__file__.startswith(out), package.__file__
    models = attempt(f"import {name}.models", lambda: importlib.import_module(name + ".models"))
    attempt(f"from {name} import *", lambda: exec(f"from {name} import *", {}))
    for info in pkgutil.walk_packages(package.__path__, name + "."):
        attempt(f"import {info.name}", lambda: importlib.import_module(info.name))
    import pydantic
    for attribute in sorted(getattr(models, "__all__", ())):
        value = attempt(f"{name}.models.{attribute}", lambda: getattr(models, attribute))
        if isinstance(value, type) and issubclass(value, pydantic.BaseModel):
            attempt(f"{name}.models.{attribute}.model_rebuild()",
                    lambda: value.model_rebuild(raise_errors=True))
    print(f"{failures} failure(s)", file=sys.stderr)
    sys.exit(1 if failures else 0)
""")


def _run(
    command: list[str], cwd: Path, timeout: float, extra_env: dict[str, str] | None = None
) -> tuple[int | None, str, float]:
    """Run a command; return (exit code or None on timeout, stderr + stdout, seconds)."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", **(extra_env or {}))
    env.pop("PYTHONPATH", None)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            errors="replace",
        )
    except subprocess.TimeoutExpired as exc:

        def text(value: str | bytes | None) -> str:
            if isinstance(value, bytes):
                return value.decode("utf-8", "replace")
            return value or ""

        output = text(exc.stderr) + text(exc.stdout)
        return None, output + f"\n(timed out after {timeout:.0f} s)", time.perf_counter() - started
    output = done.stderr + (("\n" + done.stdout) if done.stdout.strip() else "")
    return done.returncode, output, time.perf_counter() - started


def _portable(text: str, workdir: Path) -> str:
    """Output with the machine's folders replaced: `$TMP/` (the working folder), the corpus as
    `../shared/corpus/` and this repository as `./`, so reports compare across machines."""
    replacements = (
        (workdir.resolve(), "$TMP"),
        (workdir, "$TMP"),
        (CORPUS, "../shared/corpus"),
        (REPO, "."),
    )
    for folder, name in replacements:
        text = text.replace(str(folder) + os.sep, name + "/")
    return text


def parse_generator_output(result: Result, output: str) -> None:
    codes: collections.Counter[str] = collections.Counter()
    for line in output.splitlines():
        summary = SUMMARY.match(line)
        if summary:
            result.ops_generated = int(summary["generated"])
            result.ops_total = int(summary["total"])
            result.models = int(summary["models"])
            result.named_schemas = int(summary["schemas"])
            result.ops_paged = result.ops_paged or 0
            continue
        paged = PAGED.match(line)
        if paged:
            result.ops_paged = int(paged["paged"])
            continue
        naming = NAMING.match(line)
        if naming:
            result.naming = naming["by"]
            continue
        diagnostic = DIAGNOSTIC.match(line)
        if diagnostic:
            codes[diagnostic["code"]] += 1
            if diagnostic["severity"] == "warning":
                result.warnings += 1
            elif diagnostic["severity"] == "error":
                result.errors += 1
    result.codes = dict(sorted(codes.items()))


def longest_method(package: Path) -> str | None:
    """The longest method name of a generated package's resources (the first, by name, of
    equal length)."""
    names = {
        match["name"]
        for module in sorted((package / "resources").glob("*.py"))
        for match in METHOD.finditer(module.read_text(encoding="utf-8"))
    }
    return min(names, key=lambda name: (-len(name), name)) if names else None


def run_entry(
    entry: Entry,
    workdir: Path,
    *,
    mypy: bool = True,
    generate_timeout: float = GENERATE_TIMEOUT,
    mypy_timeout: float = MYPY_TIMEOUT,
    python: str = sys.executable,
    oagen_cache: Path | None = None,
) -> Result:
    """Generate, import and type-check one corpus entry inside `workdir` (created if needed).

    `oagen_cache`: the generator's cache folder (`OAGEN_CACHE_DIR`) for this run; None keeps the
    user's (`~/.cache/oagen`), which makes repeated runs faster but times less comparable.
    """
    result = Result(entry.name, entry.path, entry.version, entry.valid, entry.ops, entry.package)
    workdir.mkdir(parents=True, exist_ok=True)
    out = workdir / entry.name
    # An explicit, empty configuration: the generator must not pick up this repository's
    # [tool.oagen] (the OpenRouter showcase settings) from a pyproject.toml above the cwd.
    # `python -m generator` finds this repository's generator through the editable install.
    config = workdir / "oagen-empty.toml"
    if not config.is_file():
        config.write_text("[tool.oagen]\n", encoding="utf-8")
    code, output, seconds = _run(
        [
            python,
            "-m",
            "generator",
            "generate",
            str(entry.spec),
            "-o",
            str(out),
            "--package",
            entry.package,
            "--config",
            str(config),
            # $refs may read the entry's own folder of the corpus (a spec/ beside a common/)
            "--root",
            str(CORPUS / Path(entry.path).parts[0]),
        ],
        cwd=workdir,
        timeout=generate_timeout,
        extra_env={"OAGEN_CACHE_DIR": str(oagen_cache)} if oagen_cache is not None else None,
    )
    output = _portable(output, workdir)
    result.exit_code, result.generate_output, result.generate_seconds = code, output, seconds
    if TRACEBACK in output:
        result.status = "crash"
    elif code is None:
        result.status = "timeout"
    elif code != 0:
        result.status = "failed"
    else:
        result.status = "ok"
    parse_generator_output(result, output)
    if not result.generated or not (out / entry.package).is_dir():
        return result
    result.longest_method = longest_method(out / entry.package)

    code, output, seconds = _run(
        [python, "-c", IMPORT_PROBE, str(out), entry.package], cwd=workdir, timeout=IMPORT_TIMEOUT
    )
    output = _portable(output, workdir)
    result.imports, result.import_output, result.import_seconds = code == 0, output, seconds
    # The package's own pyproject.toml carries its [tool.black] settings.
    code, output, _ = _run(
        [python, "-m", "black", "--check", "--quiet", "."], cwd=out, timeout=IMPORT_TIMEOUT
    )
    result.black_clean, result.black_output = code == 0, _portable(output, workdir)
    if not mypy:
        return result

    cache = workdir / ".mypy-cache" / entry.name
    code, output, seconds = _run(
        [
            python,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            "--show-error-codes",
            "--hide-error-context",
            "--no-color-output",
            "-p",
            entry.package,
        ],
        cwd=out,
        timeout=mypy_timeout,
    )
    output = _portable(output, workdir)
    result.mypy_exit, result.mypy_output, result.mypy_seconds = code, output, seconds
    codes: collections.Counter[str] = collections.Counter()
    count = 0
    for line in output.splitlines():
        if ": error:" in line:
            count += 1
            match = MYPY_ERROR.match(line)
            codes[(match and match["code"]) or "other"] += 1
    result.mypy_errors = count if code is not None else None
    if code is None:
        result.mypy_errors = None
        result.mypy_exit = None
    elif code not in (0, 1) and count == 0:
        count = 1  # mypy itself failed (crash, bad invocation): not clean
        result.mypy_errors = count
    result.mypy_codes = dict(sorted(codes.items()))
    shutil.rmtree(cache, ignore_errors=True)
    return result


def source_fingerprint() -> str:
    """A digest of the generator's sources (generator/, templates/), to notice edits mid-run."""
    import hashlib

    digest = hashlib.sha256()
    for folder in ("generator", "templates"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def git_revision() -> str:
    """The commit the generator is at, with `+ uncommitted changes` when generator/ is dirty."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "generator", "templates")
    return commit + (" + uncommitted changes to generator/ or templates/" if dirty else "")


# --- the report -----------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _excerpt(output: str, *, limit: int = 25, mode: str = "head") -> list[str]:
    lines = [line.rstrip() for line in output.splitlines() if line.strip()]
    if mode == "traceback":
        start = next((i for i, line in enumerate(lines) if TRACEBACK in line), 0)
        end = next(
            (
                i
                for i in range(start + 1, len(lines))
                if lines[i].endswith(" failed:")
                or TRACEBACK in lines[i]
                or re.fullmatch(r"\d+ failure\(s\)", lines[i])
            ),
            len(lines),
        )
        block = _focus(lines[start:end])
        if len(block) > limit:
            block = [*block[:3], "...", *block[-(limit - 4) :]]
        return block
    if mode == "tail":
        return lines[-limit:]
    more = [f"... ({len(lines) - limit} more lines)"] if len(lines) > limit else []
    return lines[:limit] + more


_FRAME = re.compile(r'^\s*File "(?P<file>[^"]+)", line \d+')
_NOISE = re.compile(r"site-packages/|^<|/lib/python3\.\d+/")


def _focus(lines: list[str]) -> list[str]:
    """A traceback without the frames of the standard library, installed packages and `<string>`,
    and without the `^^^^` markers: what is left points into the generator or generated code."""
    kept: list[str] = []
    skipping = False
    for line in lines:
        frame = _FRAME.match(line)
        if frame:
            skipping = bool(_NOISE.search(frame["file"]))
            if not skipping:
                kept.append(line)
            continue
        if line.strip() and set(line.strip()) <= set("^~"):
            continue
        if line[:1].isspace():
            if not skipping:
                kept.append(line)
            continue
        skipping = False
        kept.append(line)
    return kept


def _import_failures(output: str) -> list[str]:
    """One line per failure of the import probe: what failed, and the exception it raised."""
    failures: list[str] = []
    what: str | None = None
    reasons: list[str] = []

    def flush() -> None:
        if what is not None:
            failures.append(f"{what}: {' / '.join(reasons) or '(no exception line)'}")

    for line in output.splitlines():
        if line.endswith(" failed:") and not line[:1].isspace():
            flush()
            what, reasons = line[: -len(" failed:")], []
        elif (
            what is not None
            and line.strip()
            and not line[:1].isspace()
            and not line.startswith(("Traceback", "During handling", "The above exception"))
            and not re.fullmatch(r"\d+ failure\(s\)", line)
        ):
            reasons.append(line.strip())
    flush()
    return failures


def _diagnostic_lines(output: str, severities: tuple[str, ...]) -> list[str]:
    lines = output.splitlines()
    picked: list[str] = []
    for index, line in enumerate(lines):
        match = DIAGNOSTIC.match(line)
        if match and match["severity"] in severities:
            picked.append(line)
            if index + 1 < len(lines) and lines[index + 1].startswith("    hint:"):
                picked.append(lines[index + 1])
    return picked


@dataclass(slots=True)
class Totals:
    entries: int
    crashes: int
    timeouts: int
    exit_failures: int
    generated: int
    with_ops: int
    with_ops_importing: int
    importing: int
    import_attempted: int
    ops_generated: int
    ops_total: int
    valid_entries: int
    valid_all_ops: int
    valid_ops_generated: int
    valid_ops_total: int
    mypy_run: int
    mypy_clean: int
    black_run: int
    black_clean: int
    wall_seconds: float
    step_seconds: float


def totals(results: list[Result], wall_seconds: float) -> Totals:
    def spec_ops(r: Result) -> int:
        return r.ops_total if r.ops_total is not None else r.index_ops

    valid = [r for r in results if r.valid]
    with_ops = [r for r in results if spec_ops(r) > 0]
    return Totals(
        entries=len(results),
        crashes=sum(r.crashed for r in results),
        timeouts=sum(r.status == "timeout" for r in results),
        exit_failures=sum(r.status == "failed" for r in results),
        generated=sum(r.generated for r in results),
        with_ops=len(with_ops),
        with_ops_importing=sum(r.imports is True for r in with_ops),
        importing=sum(r.imports is True for r in results),
        import_attempted=sum(r.imports is not None for r in results),
        ops_generated=sum(r.ops_generated or 0 for r in results),
        ops_total=sum(spec_ops(r) for r in results),
        valid_entries=len(valid),
        valid_all_ops=sum(r.all_operations for r in valid),
        valid_ops_generated=sum(r.ops_generated or 0 for r in valid),
        valid_ops_total=sum(spec_ops(r) for r in valid),
        mypy_run=sum(r.mypy_errors is not None for r in results),
        mypy_clean=sum(r.mypy_clean for r in results),
        black_run=sum(r.black_clean is not None for r in results),
        black_clean=sum(r.black_clean is True for r in results),
        wall_seconds=wall_seconds,
        step_seconds=sum(r.seconds for r in results),
    )


def _codes_table(title: str, per_entry: list[dict[str, int]]) -> list[str]:
    """A `code | count | entries` section over every entry's counts; nothing when all are empty."""
    counts: collections.Counter[str] = collections.Counter()
    entries: collections.Counter[str] = collections.Counter()
    for codes in per_entry:
        counts.update(codes)
        entries.update(codes.keys())
    if not counts:
        return []
    rows = [f"| {code} | {counts[code]} | {entries[code]} |" for code in sorted(counts)]
    return [f"## {title}", "", "| code | count | entries |", "|---|---|---|", *rows, ""]


def render_report(
    results: list[Result],
    wall_seconds: float,
    command: str,
    *,
    mypy: bool = True,
    revision: str | None = None,
    changed_during_run: bool = False,
) -> str:
    t = totals(results, wall_seconds)
    out: list[str] = []
    w = out.append
    w("# Corpus report")
    w("")
    w(
        "Every entry of `../shared/corpus/INDEX.tsv` run through the whole pipeline "
        "(generate, import, `mypy --strict`) into a temporary folder. Produced by:"
    )
    w("")
    w("```sh")
    w(command)
    w("```")
    w("")
    if revision:
        w(f"Generator: commit {revision}.")
        w("")
    if changed_during_run:
        w(
            "**Warning: generator/ or templates/ changed while this report was being produced; "
            "entries may have run against different versions of the generator. Run it again.**"
        )
        w("")
    w(
        "Regenerate with `make corpus` (see `scripts/corpus.py`). Times are wall-clock seconds "
        "on the machine that produced this file and vary between runs (and with its load)."
    )
    w("")
    w("## Summary")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| entries | {t.entries} |")
    w(f"| no traceback | {t.entries - t.crashes} of {t.entries} ({t.crashes} crashed) |")
    w(f"| timed out | {t.timeouts} |")
    w(f"| generated (exit 0) | {t.generated} of {t.entries} ({t.exit_failures} exited non-zero) |")
    w(f"| packages importing | {t.importing} of {t.import_attempted} generated |")
    w(f"| entries with operations whose package imports | {t.with_ops_importing} of {t.with_ops} |")
    w(
        f"| operations generated, all entries | {t.ops_generated} of {t.ops_total} "
        f"({_pct(t.ops_generated, t.ops_total)}) |"
    )
    w(
        f"| operations generated, validator-accepted entries | {t.valid_ops_generated} of "
        f"{t.valid_ops_total} ({_pct(t.valid_ops_generated, t.valid_ops_total)}); "
        f"{t.valid_all_ops} of {t.valid_entries} entries complete |"
    )
    if mypy:
        w(
            f"| `mypy --strict` clean | {t.mypy_clean} of {t.mypy_run} packages checked "
            f"({_pct(t.mypy_clean, t.mypy_run)}); {_pct(t.mypy_clean, t.entries)} of all entries |"
        )
        w(f"| `mypy --strict` errors, total | {sum(r.mypy_errors or 0 for r in results)} |")
    w(f"| `black --check` clean | {t.black_clean} of {t.black_run} packages |")
    w(
        f"| total time | {t.wall_seconds:.0f} s wall-clock ({t.step_seconds:.0f} s summed over "
        "entries and steps) |"
    )
    w("")

    openrouter = next((r for r in results if r.name == "openrouter-full"), None)
    w("## Targets")
    w("")
    w("| target | measured | met |")
    w("|---|---|---|")

    def target(name: str, measured: str, met: bool) -> None:
        w(f"| {name} | {measured} | {'yes' if met else '**no**'} |")

    target("no traceback on every entry", f"{t.entries - t.crashes} of {t.entries}", t.crashes == 0)
    target(
        "every entry with operations generates a package that imports",
        f"{t.with_ops_importing} of {t.with_ops}",
        t.with_ops_importing == t.with_ops,
    )
    target(
        "all operations generated, validator-accepted entries",
        f"{t.valid_all_ops} of {t.valid_entries} entries",
        t.valid_all_ops == t.valid_entries,
    )
    if openrouter is not None:
        ops = (
            f"{openrouter.ops_generated} of {openrouter.ops_total}"
            if openrouter.ops_generated is not None
            else "no summary"
        )
        target(
            "all operations generated, full OpenRouter description", ops, openrouter.all_operations
        )
        if mypy:
            target(
                "`mypy --strict` clean, full OpenRouter client",
                f"{openrouter.mypy_errors} error(s)"
                if openrouter.mypy_errors is not None
                else "not checked",
                openrouter.mypy_clean,
            )
    if mypy:
        target(
            "`mypy --strict` clean on >= 95% of the corpus packages",
            f"{t.mypy_clean} of {t.entries} ({_pct(t.mypy_clean, t.entries)})",
            t.entries > 0 and t.mypy_clean / t.entries >= 0.95,
        )
    w("")

    w("## Entries")
    w("")
    w(
        "`ops`: operations generated of operations in the spec (as the generator counts them; the "
        "INDEX count is shown when they differ). `paged`: operations whose method returns pages "
        "(auto-pagination). `naming`: the sources of the call paths, with how many operations each "
        "named (docs/naming.md). `longest method`: the longest method name, with its length. "
        "`valid`: accepted by openapi-spec-validator. "
        "`diagnostics`: count per code."
    )
    w("")
    w(
        "| # | entry | version | valid | result | ops | paged | naming | longest method | "
        "models (named schemas) | warnings | errors | diagnostics | imports | mypy errors | "
        "generate s | mypy s |"
    )
    w("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for number, r in enumerate(results, 1):
        if r.ops_generated is not None:
            ops = f"{r.ops_generated}/{r.ops_total}"
            if r.ops_total != r.index_ops:
                ops += f" (INDEX {r.index_ops})"
        else:
            ops = f"-/{r.index_ops}"
        models = f"{r.models} ({r.named_schemas})" if r.models is not None else "-"
        paged = "-" if r.ops_paged is None else str(r.ops_paged)
        naming = _cell(r.naming) if r.naming else "-"
        longest = f"`{r.longest_method}` ({len(r.longest_method)})" if r.longest_method else "-"
        problems = r.problems()
        result = "ok" if not problems else "**" + "; ".join(problems) + "**"
        diags = ", ".join(f"{code}: {count}" for code, count in r.codes.items()) or "-"
        imports = {True: "yes", False: "**no**", None: "-"}[r.imports]
        mypy_cell = (
            "-"
            if r.mypy_errors is None
            else (str(r.mypy_errors) if r.mypy_clean else f"**{r.mypy_errors}**")
        )
        mypy_s = f"{r.mypy_seconds:.1f}" if r.mypy_exit is not None or r.mypy_seconds else "-"
        w(
            f"| {number} | {_cell(r.name)} | {_cell(r.version)} | {'yes' if r.valid else 'no'} | "
            f"{_cell(result)} | {ops} | {paged} | {naming} | {longest} | {models} | {r.warnings} | "
            f"{r.errors} | {diags} | "
            f"{imports} | {mypy_cell} | {r.generate_seconds:.1f} | {mypy_s} |"
        )
    w("")

    out.extend(_codes_table("Diagnostics by code", [r.codes for r in results]))
    if mypy:
        out.extend(_codes_table("`mypy --strict` errors by code", [r.mypy_codes for r in results]))

    failing = [r for r in results if r.problems()]
    w("## Failures")
    w("")
    if not failing:
        w("None.")
        w("")
    for r in failing:
        w(f"### {r.name}")
        w("")
        w(
            f"`{r.path}` ({r.version}, validator: {'accepts' if r.valid else 'rejects'}): "
            + "; ".join(r.problems())
            + "."
        )
        w("")
        blocks: list[tuple[str, list[str]]] = []
        if r.status == "crash":
            blocks.append(("generator traceback", _excerpt(r.generate_output, mode="traceback")))
        elif r.status == "timeout":
            blocks.append(("generator output (tail)", _excerpt(r.generate_output, mode="tail")))
        elif r.status == "failed" or not r.all_operations or r.ops_generated is None:
            errors = _diagnostic_lines(r.generate_output, ("error",))
            if not errors:
                errors = _excerpt(r.generate_output, mode="tail", limit=15)
            if len(errors) > 30:
                errors = [*errors[:30], f"... ({len(errors) - 30} more lines)"]
            blocks.append(("generator errors", errors))
        if r.imports is False:
            failures = _import_failures(r.import_output)
            if failures:
                if len(failures) > 20:
                    failures = [*failures[:20], f"... ({len(failures) - 20} more)"]
                blocks.append(
                    (f"import ({len(_import_failures(r.import_output))} failure(s))", failures)
                )
            blocks.append(
                ("import, first traceback", _excerpt(r.import_output, limit=14, mode="traceback"))
            )
        if r.black_clean is False:
            blocks.append(("black --check", _excerpt(r.black_output, mode="tail", limit=15)))
        if r.mypy_errors is not None and not r.mypy_clean:
            lines = [line for line in r.mypy_output.splitlines() if ": error:" in line]
            if not lines:
                lines = _excerpt(r.mypy_output, limit=15)
            codes = ", ".join(f"{code}: {count}" for code, count in r.mypy_codes.items())
            extra = [f"... ({len(lines) - 15} more)"] if len(lines) > 15 else []
            blocks.append((f"mypy --strict ({codes or 'no codes'})", lines[:15] + extra))
        for title, lines in blocks:
            w(f"{title}:")
            w("")
            w("```text")
            out.extend(line.rstrip() for line in lines)
            w("```")
            w("")
    return "\n".join(out).rstrip() + "\n"


# --- main ------------------------------------------------------------------------------------


def _select(entries: list[Entry], patterns: list[str] | None) -> list[Entry]:
    if not patterns:
        return entries
    return [
        e for e in entries if any(fnmatch.fnmatchcase(e.name, p) or e.name == p for p in patterns)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only entries with this name (glob patterns allowed; repeatable)",
    )
    parser.add_argument("-j", "--jobs", type=int, default=1, help="entries run in parallel")
    parser.add_argument(
        "--report",
        type=Path,
        help=f"report to write (default: {DEFAULT_REPORT.relative_to(REPO)} for "
        "a full run, none with --only)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results as JSON")
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="JSON",
        help="run nothing: write the report again from the results saved by "
        "--json (default report: " + str(DEFAULT_REPORT.relative_to(REPO)) + ")",
    )
    parser.add_argument("--no-mypy", action="store_true", help="skip mypy --strict")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="generate into DIR and keep it (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--warm-cache",
        action="store_true",
        help="let the generator use its usual cache (~/.cache/oagen); by default "
        "each run starts from an empty cache in the working folder, so times "
        "are those of a first run",
    )
    parser.add_argument(
        "--timeout", type=float, default=GENERATE_TIMEOUT, help="seconds allowed for one generation"
    )
    parser.add_argument(
        "--mypy-timeout", type=float, default=MYPY_TIMEOUT, help="seconds allowed for one mypy run"
    )
    args = parser.parse_args(argv)

    if args.from_json is not None:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        ordered = [Result(**item) for item in saved["results"]]
        text = render_report(
            ordered,
            saved["wall_seconds"],
            saved["command"],
            mypy=saved["mypy"],
            revision=saved["revision"],
            changed_during_run=saved["changed_during_run"],
        )
        report = args.report or DEFAULT_REPORT
        report.write_text(text, encoding="utf-8")
        print(f"corpus: report written to {report} from {args.from_json}", file=sys.stderr)
        return 0

    if not corpus_available():
        print(
            f"corpus: skipped: no corpus index at {INDEX} (the shared corpus must sit beside "
            "the repository, at ../shared/corpus)",
            file=sys.stderr,
        )
        return 0
    entries = _select(load_index(), args.only)
    if not entries:
        print(f"corpus: no entry matches {args.only}", file=sys.stderr)
        return 2
    report = args.report if args.report is not None else (None if args.only else DEFAULT_REPORT)

    if args.keep is not None:
        workdir = args.keep.resolve()
        workdir.mkdir(parents=True, exist_ok=True)
        cleanup = False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="oagen-corpus-"))
        cleanup = True

    # Options that only say where scratch files go are left out: the report names no machine
    # paths, and they do not change what is measured.
    shown: list[str] = []
    skip = False
    for a in argv if argv is not None else sys.argv[1:]:
        if skip:
            skip = False
            continue
        if a in ("--keep", "--json"):
            skip = True
            continue
        if a.startswith(("--keep=", "--json=")):
            continue
        shown.append(a)
    command = "python scripts/corpus.py" + "".join(
        f" {a}" if not re.search(r"[^\w./=:-]", a) else f" '{a}'" for a in shown
    )
    print(
        f"corpus: {len(entries)} entries, {args.jobs} job(s), working in {workdir}", file=sys.stderr
    )
    lock = threading.Lock()
    results: dict[str, Result] = {}
    revision, fingerprint = git_revision(), source_fingerprint()
    started = time.perf_counter()

    def one(entry: Entry) -> Result:
        result = run_entry(
            entry,
            workdir,
            mypy=not args.no_mypy,
            generate_timeout=args.timeout,
            mypy_timeout=args.mypy_timeout,
            oagen_cache=None if args.warm_cache else workdir / ".oagen-cache",
        )
        if cleanup:
            shutil.rmtree(workdir / entry.name, ignore_errors=True)
        with lock:
            problems = result.problems()
            ops = (
                f"{result.ops_generated}/{result.ops_total}"
                if result.ops_generated is not None
                else "-"
            )
            print(
                f"corpus: [{len(results) + 1}/{len(entries)}] {entry.name}: "
                f"{'; '.join(problems) or 'ok'} (ops {ops}, mypy {result.mypy_errors}, "
                f"{result.seconds:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
            results[entry.name] = result
        return result

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            # The biggest specs first, so the slowest entries do not end up alone at the end.
            order = sorted(entries, key=lambda e: -e.spec.stat().st_size if e.spec.is_file() else 0)
            for future in concurrent.futures.as_completed([pool.submit(one, e) for e in order]):
                future.result()
    finally:
        if cleanup:
            shutil.rmtree(workdir, ignore_errors=True)
    wall = time.perf_counter() - started
    ordered = [results[e.name] for e in entries]

    changed = source_fingerprint() != fingerprint
    if changed:
        print(
            "corpus: warning: generator/ or templates/ changed during the run; results may mix "
            "versions",
            file=sys.stderr,
        )
    text = render_report(
        ordered, wall, command, mypy=not args.no_mypy, revision=revision, changed_during_run=changed
    )
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(text, encoding="utf-8")
        print(f"corpus: report written to {report}", file=sys.stderr)
    if args.json is not None:
        saved = {
            "command": command,
            "revision": revision,
            "changed_during_run": changed,
            "wall_seconds": wall,
            "mypy": not args.no_mypy,
            "results": [asdict(r) for r in ordered],
        }
        args.json.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    t = totals(ordered, wall)
    print(
        f"corpus: {t.entries} entries, {t.crashes} crashed, {t.generated} generated, "
        f"{t.importing} import, ops {t.ops_generated}/{t.ops_total}, mypy clean "
        f"{t.mypy_clean}/{t.mypy_run}, {wall:.0f} s",
        file=sys.stderr,
    )
    failed = any(r.status != "ok" or r.imports is False for r in ordered)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
