"""Incremental generation: each target of the issue, as a ratio to its limit and an absolute time.

    python benchmarks/bench_incremental.py [--runs N] [--only noop,edit,cold,largest,scale,watch]

Every time is a whole `oagen` process (start-up and imports included), the median of `--runs`
runs, each started after `os.sync()`; peak memory is the process's maximum resident set.

- noop: `generate` again from unchanged inputs (OpenRouter's full description, GitHub's); the
  output is compared with a cold run's, byte for byte.
- edit: `generate` after one edit (scripts/spec_edits.py: an operation's description, a schema's
  property, a new operation), each run a new edit, on GitHub's description (YAML) and the
  Kubernetes entry (JSON); the description is written once with the same dumper first, so an
  edit changes only what it edits. The last output of each kind is compared with a cold run's.
- cold: no cache (`OAGEN_CACHE_DIR=off`) against openapi-python-client 0.29.1 on the full
  OpenRouter description, runs interleaved (`.bench-venv-opc/`, see `make bench-generate`),
  each into a new folder; the system time is printed too. Then, for information, the same with
  each run writing into its previous output, deleted first.
- largest: the three largest corpus entries, cold: time and peak memory.
- scale: GitHub's description repeated 1, 2, 4 and 8 times (every path, operation, tag and
  component renamed per copy; written as JSON), cold: the least-squares slope of time and memory
  against the size, and each point's distance from the line.
- watch: `oagen watch` on GitHub's description; the time from a save to the end of the
  regeneration it triggers, and what it printed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts import corpus as corpus_script  # noqa: E402
from scripts import spec_edits  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
OAGEN = ROOT / ".venv" / "bin" / "oagen"
OPC = ROOT / ".bench-venv-opc" / "bin" / "openapi-python-client"
OPENROUTER = CORPUS / "openrouter" / "openapi.yaml"
GITHUB = CORPUS / "github" / "github.yaml"
KUBERNETES = CORPUS / "kubernetes" / "swagger.json.unprocessed"
LIMITS = {"noop": 0.3, "edit-github": 1.0, "edit-kubernetes": 1.5, "cold": 0.2, "watch": 1.0}
LARGEST_SECONDS, LARGEST_MB = 3.0, 400
SUMMARY = re.compile(r"^oagen: \d+ of \d+ operations")


class Runner:
    """Runs commands in one work folder, with a clean environment and a given cache."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.cpu: list[float] = []
        self.system: list[float] = []  # the part of `cpu` spent in the kernel
        self.base = {k: v for k, v in os.environ.items() if not k.startswith("OAGEN_")}
        (work / "none.toml").write_text("", encoding="utf-8")

    def oagen(self, spec: Path, output: str) -> list[str]:
        return [
            str(OAGEN),
            "generate",
            str(spec),
            "-o",
            str(self.work / output),
            "--package",
            "bench_client",
            "-q",
            "--config",
            str(self.work / "none.toml"),
        ]

    def timed(self, command: list[str], cache: str) -> tuple[float, float]:
        """(seconds, peak resident MB) of one command, which must succeed. Its processor time
        (user and system, its forked children included) is kept in `self.cpu`: less
        sensitive than wall time to other load on the machine (on an idle one with two cores,
        the wall time is about this or less)."""
        os.sync()
        env = {**self.base, "OAGEN_CACHE_DIR": cache}
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=env,
            cwd=self.work,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        self.cpu.append(usage.ru_utime + usage.ru_stime)
        self.system.append(usage.ru_stime)
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            raise SystemExit(f"{command[0]} failed ({process.returncode}): {errors[-2000:]!r}")
        return elapsed, usage.ru_maxrss / 1024

    def generate(self, spec: Path, output: str, cache: str) -> tuple[float, float]:
        return self.timed(self.oagen(spec, output), cache)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def same_output(a: Path, b: Path) -> str:
    first, second = tree(a), tree(b)
    if first == second:
        return "byte-identical"
    differ = sorted(p for p in first.keys() | second.keys() if first.get(p) != second.get(p))
    return f"DIFFERS in {len(differ)} file(s): {', '.join(differ[:5])}"


def load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        return json.loads(text)
    return yaml.load(text, Loader=yaml.CSafeLoader)


def dump(document: Any, path: Path, as_yaml: bool) -> None:
    if as_yaml:
        text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(document, indent=2)
    path.write_text(text, encoding="utf-8")


def report(name: str, seconds: float, limit: float, unit: str = "s", note: str = "") -> None:
    verdict = "met" if seconds <= limit else "NOT met"
    ratio = seconds / limit
    extra = f"; {note}" if note else ""
    print(
        f"  {name:34} {seconds:7.2f} {unit}  {ratio:5.2f}x of the {limit:g} {unit} limit: "
        f"{verdict}{extra}"
    )


# --- targets -------------------------------------------------------------------------------------


def noop(runner: Runner, runs: int) -> None:
    print("no-op: unchanged spec, config and templates (limit 0.3 s)")
    for name, spec in (("openrouter-full", OPENROUTER), ("github", GITHUB)):
        cache = str(runner.work / f"cache-noop-{name}")
        runner.generate(spec, f"noop-{name}", cache)
        runner.cpu.clear()
        times = [runner.generate(spec, f"noop-{name}", cache)[0] for _ in range(runs)]
        cpu = statistics.median(runner.cpu)
        runner.generate(spec, f"noop-{name}-cold", "off")
        identical = same_output(runner.work / f"noop-{name}", runner.work / f"noop-{name}-cold")
        note = f"cpu {cpu:.2f} s; {identical}"
        report(name, statistics.median(times), LIMITS["noop"], note=note)


def edit(runner: Runner, runs: int) -> None:
    print("one edit (limits: GitHub 1.0 s, Kubernetes 1.5 s)")
    for name, source, as_yaml in (("github", GITHUB, True), ("kubernetes", KUBERNETES, False)):
        original = load(source)
        spec = runner.work / f"{name}{'.yaml' if as_yaml else '.json'}"
        cache = str(runner.work / f"cache-edit-{name}")
        output = f"edit-{name}"
        dump(original, spec, as_yaml)
        runner.generate(spec, output, cache)
        for kind, change in spec_edits.EDITS.items():
            times = []
            runner.cpu.clear()
            for run in range(runs):
                document = copy.deepcopy(original)
                change(document, f"{kind}{run}x{time.time_ns() % 10**6}")
                dump(document, spec, as_yaml)
                times.append(runner.generate(spec, output, cache)[0])
            cpu = statistics.median(runner.cpu)
            runner.generate(spec, f"{output}-cold", "off")
            identical = same_output(runner.work / output, runner.work / f"{output}-cold")
            note = f"cpu {cpu:.2f} s; {identical}"
            limit = LIMITS[f"edit-{name}"]
            report(f"{name}: {kind}", statistics.median(times), limit, note=note)
            dump(original, spec, as_yaml)
            runner.generate(spec, output, cache)


def cold(runner: Runner, runs: int) -> None:
    print("cold: no cache, against openapi-python-client 0.29.1 (limit 0.2x)")
    if not OPC.exists():
        print("  openapi-python-client is not installed: run `make bench-generate` once; skipped")
        return
    # Each run writes a new folder, as a first generation does, and none is deleted before all
    # have run. Deleting a thousand files just before creating a thousand more times the file
    # system instead of the tools: ext4 without a journal skips recently deleted inodes one by
    # one on every creation (benchmarks/README.md, "Cold runs and the file system").
    fresh = _cold_runs(runner, runs, reuse=False)
    mine, other, processor = fresh
    note = f"cpu {processor:.2f}x"
    report("openrouter-full cold/opc", mine / other, LIMITS["cold"], unit="x", note=note)
    # For information, the way these runs were made before: into the folder the previous run
    # wrote, deleted first.
    mine, other, processor = _cold_runs(runner, runs, reuse=True)
    print(
        f"  for information, each run into its previous output, deleted first: oagen {mine:.2f} s,"
        f" openapi-python-client {other:.2f} s: {mine / other:.2f}x (cpu {processor:.2f}x)"
    )


def _cold_runs(runner: Runner, runs: int, reuse: bool) -> tuple[float, float, float]:
    """Interleaved cold runs of both tools: the median times of each, and the ratio of their
    median processor times. Fresh-folder runs print their times and median system times."""
    ours, theirs, cpu, system = [], [], [], []
    names = ["cold", "opc"] if reuse else []
    for run in range(runs):
        mine, other = names or [f"cold-{run}", f"opc-{run}"]
        shutil.rmtree(runner.work / mine, ignore_errors=True)
        ours.append(runner.generate(OPENROUTER, mine, "off")[0])
        cpu.append(runner.cpu[-1])
        system.append(runner.system[-1])
        shutil.rmtree(runner.work / other, ignore_errors=True)
        command = [
            str(OPC), "generate", "--path", str(OPENROUTER),
            "--output-path", str(runner.work / other),
        ]  # fmt: skip
        theirs.append(runner.timed(command, "off")[0])
        cpu.append(runner.cpu[-1])
        system.append(runner.system[-1])
    for folder in runner.work.glob("cold*"):
        shutil.rmtree(folder)
    for folder in runner.work.glob("opc*"):
        shutil.rmtree(folder)
    if not reuse:
        print(
            f"  oagen {statistics.median(ours):.2f} s, openapi-python-client"
            f" {statistics.median(theirs):.2f} s; system time (mostly creating files):"
            f" {statistics.median(system[0::2]):.2f} s and {statistics.median(system[1::2]):.2f} s"
        )
    processor = statistics.median(cpu[0::2]) / statistics.median(cpu[1::2])
    return statistics.median(ours), statistics.median(theirs), processor


def largest(runner: Runner, runs: int) -> None:
    print(f"largest corpus entries, cold (limits {LARGEST_SECONDS:g} s, {LARGEST_MB} MB)")
    rows = []
    with (CORPUS / "INDEX.tsv").open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split("\t")
        for line in handle:
            row = dict(zip(header, line.rstrip("\n").split("\t"), strict=False))
            rows.append((int(row["bytes"] or 0), row["name"], row["path"]))
    for size, name, path in sorted(rows, reverse=True)[:3]:
        runner.cpu.clear()
        results = [runner.generate(CORPUS / path, f"largest-{name}", "off") for _ in range(runs)]
        seconds = statistics.median(r[0] for r in results)
        memory = max(r[1] for r in results)
        cpu = f"cpu {statistics.median(runner.cpu):.2f} s"
        report(f"{name} ({size / 2**20:.1f} MB)", seconds, LARGEST_SECONDS, note=cpu)
        report(f"{name} peak memory", memory, LARGEST_MB, unit="MB")


def _renamed(value: Any, suffix: str) -> Any:
    """A copy of part of a document whose local `$ref`s to components point at renamed ones."""
    if isinstance(value, dict):
        out = {key: _renamed(item, suffix) for key, item in value.items()}
        ref = value.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            out["$ref"] = ref + suffix
        return out
    if isinstance(value, list):
        return [_renamed(item, suffix) for item in value]
    return value


def scaled(document: dict[str, Any], copies: int) -> dict[str, Any]:
    """`document` with its paths and components repeated `copies` times, renamed per copy."""
    result = copy.deepcopy(document)
    for number in range(1, copies):
        suffix = f"-v{number}"
        for path, item in document["paths"].items():
            renamed = _renamed(item, suffix)
            for operation in renamed.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] += suffix
                    operation["tags"] = [tag + suffix for tag in operation.get("tags", [])]
            result["paths"][f"/v{number}{path}"] = renamed
        for section, entries in document.get("components", {}).items():
            if section == "securitySchemes":
                continue
            for key, value in entries.items():
                result["components"][section][key + suffix] = _renamed(value, suffix)
    return result


def scale(runner: Runner, runs: int) -> None:
    print("scale: GitHub's description repeated 1, 2, 4, 8 times, cold")
    document = load(GITHUB)
    points = []
    for copies in (1, 2, 4, 8):
        spec = runner.work / f"scale-{copies}.json"
        dump(scaled(document, copies), spec, as_yaml=False)
        runner.cpu.clear()
        results = [runner.generate(spec, f"scale-{copies}", "off") for _ in range(runs)]
        seconds = statistics.median(r[0] for r in results)
        cpu = statistics.median(runner.cpu)
        memory = max(r[1] for r in results)
        points.append((copies, seconds, memory))
        print(
            f"  {copies}x ({spec.stat().st_size / 2**20:5.1f} MB): "
            f"{seconds:6.2f} s (cpu {cpu:.2f} s), {memory:6.0f} MB"
        )
        shutil.rmtree(runner.work / f"scale-{copies}", ignore_errors=True)
    for label, column in (("time", 1), ("memory", 2)):
        xs = [p[0] for p in points]
        ys = [p[column] for p in points]
        slope, intercept = _fit(xs, ys)
        worst = max(abs(y - (slope * x + intercept)) / y for x, y in zip(xs, ys, strict=True))
        unit = "s" if column == 1 else "MB"
        print(
            f"  {label}: {slope:.2f} {unit} per copy of GitHub + {intercept:.2f} {unit}; "
            f"largest distance of a point from the line {worst:.0%}"
        )


def _fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    return slope, mean_y - slope * mean_x


def watch(runner: Runner, runs: int) -> None:
    print("watch: from a save of GitHub's description to the end of the regeneration (limit 1 s)")
    original = load(GITHUB)
    spec = runner.work / "watched" / "github.yaml"
    spec.parent.mkdir()
    dump(original, spec, as_yaml=True)
    cache = str(runner.work / "cache-watch")
    command = runner.oagen(spec, "watch-out")
    command[command.index("generate")] = "watch"
    command.remove("-q")
    process = subprocess.Popen(
        command,
        env={**runner.base, "OAGEN_CACHE_DIR": cache},
        cwd=runner.work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    assert process.stderr is not None
    stream = process.stderr
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    try:
        _wait_for(lines, lambda line: "watching" in line, 600)
        manifest = runner.work / "watch-out" / ".oagen-manifest.json"
        written, printed_after = [], []
        for run in range(runs):
            document = copy.deepcopy(original)
            spec_edits.describe_operation(document, f"watch{run}")
            text = yaml.dump(document, Dumper=yaml.CSafeDumper, sort_keys=False)
            before = manifest.read_bytes()
            # Beside the work folder, which watch watches (the config file is there).
            staged = runner.work.parent / f"{runner.work.name}.saving"
            staged.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            os.replace(staged, spec)  # saved as an editor saves: the whole file at once
            while _read_or_none(manifest) in (before, None):  # until the new output is in
                time.sleep(0.005)
            written.append(time.perf_counter() - saved)
            printed = _wait_for(lines, lambda line: bool(SUMMARY.match(line)), 120)
            printed_after.append(time.perf_counter() - saved)
            printed += _wait_for(lines, lambda line: line.startswith("oagen: rewrote"), 30)
            if run == 0:  # its own lines (the diagnostics are the spec's)
                for line in printed:
                    if line.startswith("oagen:"):
                        print(f"  printed: {line.rstrip()[:150]}")
        note = f"summary printed after {statistics.median(printed_after):.2f} s"
        report(
            "github: save to output replaced",
            statistics.median(written),
            LIMITS["watch"],
            note=note,
        )
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            print("  oagen watch did not stop within 30 s of Ctrl-C; killed", file=sys.stderr)
            process.kill()
            process.wait()


def _read_or_none(path: Path) -> bytes | None:
    """The file's bytes; None between the two renames that swap a new output in."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _wait_for(lines: queue.Queue[str], done: Callable[[str], bool], seconds: float) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        seen.append(line)
        if done(line):
            return seen


TARGETS = {
    "noop": noop,
    "edit": edit,
    "cold": cold,
    "largest": largest,
    "scale": scale,
    "watch": watch,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(TARGETS), help="comma-separated targets")
    args = parser.parse_args()
    if not corpus_script.corpus_available():
        print(f"the shared corpus is not at {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="oagen-bench-incremental-") as folder:
        runner = Runner(Path(folder))
        for name in args.only.split(","):
            started = time.perf_counter()
            TARGETS[name](runner, args.runs)
            print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
