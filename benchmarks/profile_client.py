"""Where the generated client's time goes: cProfile of N operations, in microseconds per operation.

    .bench-venv/bin/python benchmarks/profile_client.py [call-sync|call-async|stream-sync|
        stream-async] [--client oagen|httpx|openai|openrouter] [-n 2000] [--top 30]

Uses the same local server and the same operations as ``bench_client.py``. The listing is
sorted by own time (``tottime``) and shows cumulative time too, both divided by the number of
operations, so the figures read as "µs of this function per call/stream". cProfile slows pure
Python code down more than C code: use it to see where the time goes, and ``bench_client.py``
for the figures themselves. ``--callers FUNC`` prints who calls a function.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import sys
import time

import bench_client as bc


def _package(name: str) -> str:
    if name.startswith("~:0("):  # a C function: name the object it belongs to
        inner = name[4:]
        if "pydantic_core" in inner:
            return "pydantic_core (C)"
        if "socket" in inner or "select" in inner:
            return "socket / select (C)"
        return "other C built-ins"
    if name.startswith("stdlib:"):
        return "stdlib (" + name[7:].split("/", 1)[0].split(".py", 1)[0] + ")"
    if name.startswith("/"):
        return "(benchmark harness)"
    top = name.split("/", 1)[0].split(":", 1)[0]
    if top == "openrouter_client":
        return "openrouter_client/" + name.split("/")[1].split(":", 1)[0]
    return top


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("group", choices=list(bc.TARGETS), nargs="?", default="call-sync")
    parser.add_argument("--client", default="oagen")
    parser.add_argument(
        "-n", type=int, default=0, help="operations (default: 2000 calls, 200 streams)"
    )
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--callers", help="also print the callers of functions matching this")
    args = parser.parse_args()
    n = args.n or (2000 if args.group.startswith("call") else 200)

    srv = bc.Server()
    try:
        prof = cProfile.Profile()
        if args.group in ("call-sync", "stream-sync"):
            make = (
                bc.sync_call_contenders if args.group == "call-sync" else bc.sync_stream_contenders
            )
            contenders = make(srv.base)
            op, check, _ = contenders[args.client]
            assert check()
            for _ in range(50):
                op()
            t0 = time.perf_counter()
            for _ in range(n):
                op()
            plain = (time.perf_counter() - t0) / n
            prof.enable()
            for _ in range(n):
                op()
            prof.disable()
            for _, _, close in contenders.values():
                close()
        else:
            make_a = (
                bc.async_call_contenders
                if args.group == "call-async"
                else bc.async_stream_contenders
            )

            async def go() -> float:
                contenders = make_a(srv.base)
                op, check, _ = contenders[args.client]
                assert await check()
                for _ in range(50):
                    await op()
                t0 = time.perf_counter()
                for _ in range(n):
                    await op()
                plain = (time.perf_counter() - t0) / n
                prof.enable()
                for _ in range(n):
                    await op()
                prof.disable()
                for _, _, close in contenders.values():
                    await close()
                return plain

            plain = asyncio.run(go())
    finally:
        srv.close()

    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"# {args.client} {args.group}: {plain * 1e6:.0f} µs/op unprofiled, "
        f"{total / n * 1e6:.0f} µs/op under cProfile, {n} ops"
    )
    rows = []
    for (file, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = file
        for marker in ("site-packages/", "generated/", "lib/python3."):
            if marker in where:
                where = where.split(marker, 1)[1]
                if marker == "lib/python3.":
                    where = "stdlib:" + where.split("/", 1)[-1]
                break
        rows.append((tt, ct, nc, f"{where}:{line}({func})"))
    packages: dict[str, float] = {}
    for tt, _ct, _nc, name in rows:
        packages[_package(name)] = packages.get(_package(name), 0.0) + tt
    print("# own time by package (µs/op under cProfile)")
    for pkg, tt in sorted(packages.items(), key=lambda kv: -kv[1]):
        print(f"{tt / n * 1e6:10.1f}  {pkg}")
    print()
    rows.sort(reverse=True)
    print(f"{'own µs/op':>10} {'cum µs/op':>10} {'calls/op':>9}  function")
    for tt, ct, nc, name in rows[: args.top]:
        print(f"{tt / n * 1e6:10.1f} {ct / n * 1e6:10.1f} {nc / n:9.1f}  {name}")
    print()
    print("# by cumulative time")
    rows.sort(key=lambda r: r[1], reverse=True)
    for tt, ct, nc, name in rows[: args.top]:
        print(f"{tt / n * 1e6:10.1f} {ct / n * 1e6:10.1f} {nc / n:9.1f}  {name}")
    if args.callers:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_callers(args.callers)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
