"""Generation speed: oagen against openapi-python-client 0.29.1, in the same run.

    python benchmarks/bench_generate.py [--runs N] [--spec NAME=PATH ...]

For each spec it prints the median wall time of: parsing the document (the floor: PyYAML's C
loader or json), oagen cold (`OAGEN_CACHE_DIR=off`, validation included), oagen warm (a filled
cache, as on a regeneration after a spec change), and openapi-python-client (from the
benchmark-only environment `.bench-venv-opc/`, see `make bench-generate`). Runs are interleaved,
and each timed command starts after `os.sync()`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
OAGEN = ROOT / ".venv" / "bin" / "oagen"
OPC = ROOT / ".bench-venv-opc" / "bin" / "openapi-python-client"
DEFAULT_SPECS = {
    "openrouter-full": CORPUS / "openrouter" / "openapi.yaml",
    "github": CORPUS / "github" / "github.yaml",
}
TARGET = 0.25  # oagen at most a quarter of openapi-python-client's time


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int]:
    # The files the previous command wrote or deleted are flushed first, so their writeback
    # (seconds for a thousand files on a slow disk) is not charged to whichever tool runs next.
    os.sync()
    started = time.perf_counter()
    result = subprocess.run(
        command,
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=1800,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(
            f"  ! {command[0]} exited {result.returncode}: {result.stderr[-300:]}", file=sys.stderr
        )
    return elapsed, result.returncode


def _parse_only(spec: Path) -> float:
    code = (
        "import json, time, yaml\n"
        "from yaml import CSafeLoader\n"
        f"p = {str(spec)!r}\n"
        "t = time.perf_counter()\n"
        "text = open(p, encoding='utf-8').read()\n"
        "json.loads(text) if p.endswith('.json') else yaml.load(text, Loader=CSafeLoader)\n"
        "print(time.perf_counter() - t)\n"
    )
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--spec", action="append", default=[], metavar="NAME=PATH")
    args = parser.parse_args()
    specs = dict(item.split("=", 1) for item in args.spec) if args.spec else DEFAULT_SPECS
    if not OPC.exists():
        print("openapi-python-client is not installed: run `make bench-generate`", file=sys.stderr)
        return 2
    rows = []
    for name, path in specs.items():
        spec = Path(path)
        if not spec.is_file():
            print(f"{name}: {spec} not found, skipped", file=sys.stderr)
            continue
        times: dict[str, list[float]] = {"parse": [], "cold": [], "warm": [], "opc": []}
        with tempfile.TemporaryDirectory() as work_dir:
            work = Path(work_dir)
            cache = work / "cache"
            base = {k: v for k, v in os.environ.items() if not k.startswith("OAGEN_")}
            oagen = [
                str(OAGEN),
                "generate",
                str(spec),
                "-o",
                str(work / "out"),
                "--package",
                "bench_client",
                "-q",
                "--config",
                str(work / "none.toml"),
            ]
            (work / "none.toml").write_text("", encoding="utf-8")
            _timed(oagen, {**base, "OAGEN_CACHE_DIR": str(cache)}, work)  # fill the cache
            # Each run writes a new folder, as a first generation does; none is deleted before
            # all have run (see "Cold runs and the file system" in benchmarks/README.md).
            for run in range(args.runs):
                times["parse"].append(_parse_only(spec))
                oagen[4] = str(work / f"cold-{run}")
                times["cold"].append(_timed(oagen, {**base, "OAGEN_CACHE_DIR": "off"}, work)[0])
                oagen[4] = str(work / f"warm-{run}")
                times["warm"].append(
                    _timed(oagen, {**base, "OAGEN_CACHE_DIR": str(cache)}, work)[0]
                )
                times["opc"].append(
                    _timed(
                        [
                            str(OPC),
                            "generate",
                            "--path",
                            str(spec),
                            "--output-path",
                            str(work / f"opc-{run}"),
                        ],
                        base,
                        work,
                    )[0]
                )
        median = {key: statistics.median(values) for key, values in times.items()}
        rows.append((name, median))
    print(
        f"{'spec':18} {'parse':>7} {'oagen cold':>11} {'oagen warm':>11} {'opc 0.29.1':>11} "
        f"{'cold/opc':>9} {'warm/opc':>9}"
    )
    for name, m in rows:
        print(
            f"{name:18} {m['parse']:7.2f} {m['cold']:11.2f} {m['warm']:11.2f} {m['opc']:11.2f} "
            f"{m['cold'] / m['opc']:9.2f} {m['warm'] / m['opc']:9.2f}"
        )
    print(f"target: oagen cold at most {TARGET:.2f}x openapi-python-client")
    for name, m in rows:
        met = "met" if m["cold"] / m["opc"] <= TARGET else "NOT met"
        print(
            f"  {name}: {m['cold'] / m['opc']:.2f}x cold, {m['warm'] / m['opc']:.2f}x warm: {met}"
            f" (parse-only floor {m['parse']:.2f} s)"
        )
    print(json.dumps({name: m for name, m in rows}), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
