"""Per-call and per-stream cost of the generated client against raw httpx, openai and openrouter.

Run it in the benchmark environment (``bash benchmarks/setup_env.sh`` creates it)::

    .bench-venv/bin/python benchmarks/bench_client.py [--rounds 7] [--block 0.25] [--strict]

It starts ``benchmarks/server.py`` on 127.0.0.1 (a separate process), then for each group

- ``call-sync`` / ``call-async``: one ``POST /chat/completions`` returning a ~1 KB completion,
- ``stream-sync`` / ``stream-async``: one ``stream: true`` request read to the end
  (a comment, 200 chunks, ``[DONE]``),

runs every contender in interleaved rounds (A B C D, B C D A, ...; each block is as many
operations as fit in ``--block`` seconds, calibrated once) on one kept-alive connection per
client, and reports the median over rounds of the per-operation time. Contenders:

- ``httpx``: the baseline: ``client.post(url, json=...)`` + ``json.loads(r.content)``; for
  streams ``client.stream(...)`` + ``iter_lines()`` + ``json.loads`` of each ``data:`` line
  (read to the end of the body, so that the connection is kept alive as the clients keep it).
- ``httpx-lines`` (streams only, for information): the same without ``json.loads``.
- ``oagen``: the generated ``openrouter_client`` (``generated/`` of this work tree).
- ``oagen-hooks`` (calls only, for information): the same with one hook whose three methods
  are called and do nothing.
- ``openai``, ``openrouter``: the official SDKs, pointed at the local server.

Every contender's result is checked once (content and chunk count) before timing.
Targets (from the issue): oagen per call <= 1.5x httpx, per stream <= 2x httpx.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Never talk to anything but the local server: no proxy may be picked up from the environment.
for _var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(_var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
for _var in ("OPENROUTER_BASE_URL", "OPENAI_BASE_URL", "OPENROUTER_LOG", "OPENAI_LOG"):
    os.environ.pop(_var, None)

sys.path.insert(0, str(ROOT / "generated"))
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402
import server as fake  # noqa: E402

MODEL = fake.MODEL
MESSAGES = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Say something about benchmarks."},
]
PAYLOAD = {"model": MODEL, "messages": MESSAGES}
STREAM_PAYLOAD = {"model": MODEL, "messages": MESSAGES, "stream": True}
HEADERS = {"authorization": "Bearer bench-key"}
API_KEY = "bench-key"
EXPECTED_TEXT = fake.completion()["choices"][0]["message"]["content"]  # type: ignore[index]
EXPECTED_STREAM = fake.expected_stream_text()
CHUNKS = fake.STREAM_CHUNKS

TARGETS = {"call-sync": 1.5, "call-async": 1.5, "stream-sync": 2.0, "stream-async": 2.0}
MEASURED_EARLIER = {  # from the issue, for reference in the output
    ("call", "openai"): 3.1,
    ("call", "openrouter"): 33.6,
    ("stream", "openai"): 6.2,
    ("stream", "openrouter"): 27.2,
}

SyncOp = Callable[[], Any]
AsyncOp = Callable[[], Awaitable[Any]]


# -- the local server ---------------------------------------------------------------------------


class Server:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "server.py"), "--host", "127.0.0.1", "--port", "0"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("PORT "):
            self.close()
            raise RuntimeError(f"benchmark server did not start: {line!r}")
        self.base = f"http://127.0.0.1:{int(line.split()[1])}"

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- contenders: each returns (operation, check, close) -----------------------------------------


class _NoOpHook:
    """A hook whose methods run on every call and change nothing (measures the hook path)."""

    def before_request(self, request: Any, context: Any) -> None:
        return None

    def after_response(self, response: Any, context: Any) -> None:
        return None

    def on_error(self, error: Exception, context: Any) -> None:
        return None


def _text_of(resp: Any) -> str:
    return resp.choices[0].message.content


def _delta(chunk: Any) -> str:
    return chunk.choices[0].delta.content or ""


def sync_call_contenders(
    base: str,
) -> dict[str, tuple[SyncOp, Callable[[], bool], Callable[[], None]]]:
    out: dict[str, tuple[SyncOp, Callable[[], bool], Callable[[], None]]] = {}

    hx = httpx.Client()
    url = base + "/chat/completions"

    def raw() -> Any:
        return json.loads(hx.post(url, json=PAYLOAD, headers=HEADERS).content)

    out["httpx"] = (
        raw,
        lambda: raw()["choices"][0]["message"]["content"] == EXPECTED_TEXT,
        hx.close,
    )

    from openrouter_client import OpenRouter as Generated

    gen = Generated(api_key=API_KEY, base_url=base)
    # Checks run strict: a response that missed its schema (a slow fallback path) would raise.
    strict = gen.with_options(strict_response_validation=True)

    def oagen() -> Any:
        return gen.chat.create_chat_completion(model=MODEL, messages=MESSAGES)

    def oagen_check() -> bool:
        resp = strict.chat.create_chat_completion(model=MODEL, messages=MESSAGES)
        return _text_of(resp) == EXPECTED_TEXT

    out["oagen"] = (oagen, oagen_check, gen.close)
    hooked = Generated(api_key=API_KEY, base_url=base, hooks=[_NoOpHook()])

    def oagen_hooks() -> Any:
        return hooked.chat.create_chat_completion(model=MODEL, messages=MESSAGES)

    out["oagen-hooks"] = (
        oagen_hooks,
        lambda: _text_of(oagen_hooks()) == EXPECTED_TEXT,
        hooked.close,
    )

    import openai

    oa = openai.OpenAI(api_key=API_KEY, base_url=base)

    def openai_call() -> Any:
        return oa.chat.completions.create(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]

    out["openai"] = (openai_call, lambda: _text_of(openai_call()) == EXPECTED_TEXT, oa.close)

    import openrouter

    orc = openrouter.OpenRouter(api_key=API_KEY, server_url=base)

    def openrouter_call() -> Any:
        return orc.chat.send(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]

    out["openrouter"] = (
        openrouter_call,
        lambda: _text_of(openrouter_call()) == EXPECTED_TEXT,
        lambda: orc.__exit__(None, None, None),
    )
    return out


def sync_stream_contenders(
    base: str,
) -> dict[str, tuple[SyncOp, Callable[[], bool], Callable[[], None]]]:
    out: dict[str, tuple[SyncOp, Callable[[], bool], Callable[[], None]]] = {}
    hx = httpx.Client()
    url = base + "/chat/completions"

    def raw_events() -> list[Any]:
        items = []
        with hx.stream("POST", url, json=STREAM_PAYLOAD, headers=HEADERS) as r:
            for line in r.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data != "[DONE]":
                        items.append(json.loads(data))
        return items

    # The baselines read to the end of the body (nothing follows [DONE]) rather than break at
    # [DONE]: closing a response that is not fully read closes the connection, and reconnecting
    # on every stream would make the baseline slower than it need be.
    def raw() -> int:
        n = 0
        with hx.stream("POST", url, json=STREAM_PAYLOAD, headers=HEADERS) as r:
            for line in r.iter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data != "[DONE]":
                        json.loads(data)
                        n += 1
        return n

    def raw_check() -> bool:
        items = raw_events()
        text = "".join(i["choices"][0]["delta"].get("content") or "" for i in items)
        return len(items) == CHUNKS and text == EXPECTED_STREAM

    out["httpx"] = (raw, raw_check, lambda: None)

    def lines() -> int:
        n = 0
        with hx.stream("POST", url, json=STREAM_PAYLOAD, headers=HEADERS) as r:
            for line in r.iter_lines():
                if line.startswith("data: ") and line[6:] != "[DONE]":
                    n += 1
        return n

    out["httpx-lines"] = (lines, lambda: lines() == CHUNKS, hx.close)

    def check_chunks(chunks: list[Any]) -> bool:
        return len(chunks) == CHUNKS and "".join(map(_delta, chunks)) == EXPECTED_STREAM

    from openrouter_client import OpenRouter as Generated

    gen = Generated(api_key=API_KEY, base_url=base)

    def oagen() -> int:
        n = 0
        with gen.chat.create_chat_completion(model=MODEL, messages=MESSAGES, stream=True) as s:
            for _ in s:
                n += 1
        return n

    strict = gen.with_options(strict_response_validation=True)

    def oagen_check() -> bool:
        with strict.chat.create_chat_completion(model=MODEL, messages=MESSAGES, stream=True) as s:
            return check_chunks(list(s))

    out["oagen"] = (oagen, oagen_check, gen.close)

    import openai

    oa = openai.OpenAI(api_key=API_KEY, base_url=base)

    def openai_stream() -> int:
        n = 0
        with oa.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as s:  # type: ignore[arg-type]
            for _ in s:
                n += 1
        return n

    def openai_check() -> bool:
        with oa.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True) as s:  # type: ignore[arg-type]
            return check_chunks(list(s))

    out["openai"] = (openai_stream, openai_check, oa.close)

    import openrouter

    orc = openrouter.OpenRouter(api_key=API_KEY, server_url=base)

    def openrouter_stream() -> int:
        n = 0
        with orc.chat.send(model=MODEL, messages=MESSAGES, stream=True) as s:  # type: ignore[arg-type]
            for _ in s:
                n += 1
        return n

    def openrouter_check() -> bool:
        with orc.chat.send(model=MODEL, messages=MESSAGES, stream=True) as s:  # type: ignore[arg-type]
            return check_chunks(list(s))

    out["openrouter"] = (
        openrouter_stream,
        openrouter_check,
        lambda: orc.__exit__(None, None, None),
    )
    return out


AsyncContenders = dict[
    str, tuple[AsyncOp, Callable[[], Awaitable[bool]], Callable[[], Awaitable[None]]]
]


def async_call_contenders(base: str) -> AsyncContenders:
    out: AsyncContenders = {}
    hx = httpx.AsyncClient()
    url = base + "/chat/completions"

    async def raw() -> Any:
        return json.loads((await hx.post(url, json=PAYLOAD, headers=HEADERS)).content)

    async def raw_check() -> bool:
        return (await raw())["choices"][0]["message"]["content"] == EXPECTED_TEXT

    out["httpx"] = (raw, raw_check, hx.aclose)

    from openrouter_client import AsyncOpenRouter as Generated

    gen = Generated(api_key=API_KEY, base_url=base)

    async def oagen() -> Any:
        return await gen.chat.create_chat_completion(model=MODEL, messages=MESSAGES)

    strict = gen.with_options(strict_response_validation=True)

    async def oagen_check() -> bool:
        resp = await strict.chat.create_chat_completion(model=MODEL, messages=MESSAGES)
        return _text_of(resp) == EXPECTED_TEXT

    out["oagen"] = (oagen, oagen_check, gen.close)
    hooked = Generated(api_key=API_KEY, base_url=base, hooks=[_NoOpHook()])

    async def oagen_hooks() -> Any:
        return await hooked.chat.create_chat_completion(model=MODEL, messages=MESSAGES)

    async def oagen_hooks_check() -> bool:
        return _text_of(await oagen_hooks()) == EXPECTED_TEXT

    out["oagen-hooks"] = (oagen_hooks, oagen_hooks_check, hooked.close)

    import openai

    oa = openai.AsyncOpenAI(api_key=API_KEY, base_url=base)

    async def openai_call() -> Any:
        return await oa.chat.completions.create(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]

    async def openai_check() -> bool:
        return _text_of(await openai_call()) == EXPECTED_TEXT

    out["openai"] = (openai_call, openai_check, oa.close)

    import openrouter

    orc = openrouter.OpenRouter(api_key=API_KEY, server_url=base)

    async def openrouter_call() -> Any:
        return await orc.chat.send_async(model=MODEL, messages=MESSAGES)  # type: ignore[arg-type]

    async def openrouter_check() -> bool:
        return _text_of(await openrouter_call()) == EXPECTED_TEXT

    async def openrouter_close() -> None:
        await orc.__aexit__(None, None, None)

    out["openrouter"] = (openrouter_call, openrouter_check, openrouter_close)
    return out


def async_stream_contenders(base: str) -> AsyncContenders:
    out: AsyncContenders = {}
    hx = httpx.AsyncClient()
    url = base + "/chat/completions"

    async def raw_events() -> list[Any]:
        items = []
        async with hx.stream("POST", url, json=STREAM_PAYLOAD, headers=HEADERS) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data != "[DONE]":
                        items.append(json.loads(data))
        return items

    async def raw() -> int:
        n = 0
        async with hx.stream("POST", url, json=STREAM_PAYLOAD, headers=HEADERS) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    data = line[6:]
                    if data != "[DONE]":
                        json.loads(data)
                        n += 1
        return n

    async def raw_check() -> bool:
        items = await raw_events()
        text = "".join(i["choices"][0]["delta"].get("content") or "" for i in items)
        return len(items) == CHUNKS and text == EXPECTED_STREAM

    async def nothing() -> None:
        return None

    out["httpx"] = (raw, raw_check, nothing)

    async def lines() -> int:
        n = 0
        async with hx.stream("POST", url, json=STREAM_PAYLOAD, headers=HEADERS) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: ") and line[6:] != "[DONE]":
                    n += 1
        return n

    async def lines_check() -> bool:
        return await lines() == CHUNKS

    out["httpx-lines"] = (lines, lines_check, hx.aclose)

    def check_chunks(chunks: list[Any]) -> bool:
        return len(chunks) == CHUNKS and "".join(map(_delta, chunks)) == EXPECTED_STREAM

    from openrouter_client import AsyncOpenRouter as Generated

    gen = Generated(api_key=API_KEY, base_url=base)

    async def oagen() -> int:
        n = 0
        s = await gen.chat.create_chat_completion(model=MODEL, messages=MESSAGES, stream=True)
        async with s:
            async for _ in s:
                n += 1
        return n

    strict = gen.with_options(strict_response_validation=True)

    async def oagen_check() -> bool:
        s = await strict.chat.create_chat_completion(model=MODEL, messages=MESSAGES, stream=True)
        async with s:
            return check_chunks([c async for c in s])

    out["oagen"] = (oagen, oagen_check, gen.close)

    import openai

    oa = openai.AsyncOpenAI(api_key=API_KEY, base_url=base)

    async def openai_stream() -> int:
        n = 0
        s = await oa.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)  # type: ignore[arg-type]
        async with s:
            async for _ in s:
                n += 1
        return n

    async def openai_check() -> bool:
        s = await oa.chat.completions.create(model=MODEL, messages=MESSAGES, stream=True)  # type: ignore[arg-type]
        async with s:
            return check_chunks([c async for c in s])

    out["openai"] = (openai_stream, openai_check, oa.close)

    import openrouter

    orc = openrouter.OpenRouter(api_key=API_KEY, server_url=base)

    async def openrouter_stream() -> int:
        n = 0
        s = await orc.chat.send_async(model=MODEL, messages=MESSAGES, stream=True)  # type: ignore[arg-type]
        async with s:
            async for _ in s:
                n += 1
        return n

    async def openrouter_check() -> bool:
        s = await orc.chat.send_async(model=MODEL, messages=MESSAGES, stream=True)  # type: ignore[arg-type]
        async with s:
            return check_chunks([c async for c in s])

    async def openrouter_close() -> None:
        await orc.__aexit__(None, None, None)

    out["openrouter"] = (openrouter_stream, openrouter_check, openrouter_close)
    return out


# -- measuring ----------------------------------------------------------------------------------


class Samples(NamedTuple):
    wall: dict[str, list[float]]  # per round: wall seconds per operation
    cpu: dict[str, list[float]]  # per round: this process's CPU seconds per operation


def _count_for(seconds_per_op: float, block: float) -> int:
    return max(3, min(5000, int(block / max(seconds_per_op, 1e-7))))


def _rotation(names: list[str], r: int) -> list[str]:
    k = r % len(names)
    return names[k:] + names[:k]


def measure_sync(
    contenders: dict[str, tuple[SyncOp, Callable[[], bool], Callable[[], None]]],
    rounds: int,
    block: float,
) -> Samples:
    names = list(contenders)
    counts: dict[str, int] = {}
    for name in names:
        op, check, _ = contenders[name]
        if not check():
            raise SystemExit(f"{name}: wrong result from the benchmark server's response")
        for _ in range(5):
            op()
        t0 = time.perf_counter()
        n = 0
        while time.perf_counter() - t0 < block / 4 or n < 3:  # warm-up and calibration
            op()
            n += 1
        counts[name] = _count_for((time.perf_counter() - t0) / n, block)
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in _rotation(names, r):
            op = contenders[name][0]
            n = counts[name]
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            for _ in range(n):
                op()
            samples[name].append((time.perf_counter() - t0) / n)
            cpu[name].append((time.process_time() - c0) / n)
    for _, _, close in contenders.values():
        close()
    return Samples(samples, cpu)


async def measure_async(
    make: Callable[[str], AsyncContenders], base: str, rounds: int, block: float
) -> Samples:
    contenders = make(base)
    names = list(contenders)
    counts: dict[str, int] = {}
    for name in names:
        op, check, _ = contenders[name]
        if not await check():
            raise SystemExit(f"{name}: wrong result from the benchmark server's response")
        for _ in range(5):
            await op()
        t0 = time.perf_counter()
        n = 0
        while time.perf_counter() - t0 < block / 4 or n < 3:
            await op()
            n += 1
        counts[name] = _count_for((time.perf_counter() - t0) / n, block)
    samples: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for r in range(rounds):
        for name in _rotation(names, r):
            op = contenders[name][0]
            n = counts[name]
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            for _ in range(n):
                await op()
            samples[name].append((time.perf_counter() - t0) / n)
            cpu[name].append((time.process_time() - c0) / n)
    for _, _, close in contenders.values():
        await close()
    return Samples(samples, cpu)


# -- reporting ----------------------------------------------------------------------------------


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {sys.version.split()[0]}"]
    for dist in ("httpx", "pydantic", "openai", "openrouter"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist} (missing)")
    return ", ".join(parts)


def report(results: dict[str, Samples]) -> tuple[list[str], bool]:
    lines = [
        "| group | client | median per op | spread (min-max) | x httpx | target | result "
        "| client CPU per op | CPU x httpx |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    ok = True
    for group, both in results.items():
        samples = both.wall
        base = statistics.median(samples["httpx"])
        cpu_base = statistics.median(both.cpu["httpx"])
        kind = group.split("-")[0]
        for name, vals in samples.items():
            med = statistics.median(vals)
            ratio = med / base
            target = ""
            verdict = ""
            if name == "oagen":
                limit = TARGETS[group]
                target = f"<= {limit:g}x"
                passed = ratio <= limit
                ok &= passed
                verdict = "PASS" if passed else "FAIL"
            elif (kind, name) in MEASURED_EARLIER:
                verdict = f"(issue measured {MEASURED_EARLIER[(kind, name)]}x)"
            elif name == "httpx":
                verdict = "baseline"
            unit = 1e3
            cpu = statistics.median(both.cpu[name])
            lines.append(
                f"| {group} | {name} | {med * unit:.3f} ms | "
                f"{min(vals) * unit:.3f}-{max(vals) * unit:.3f} | {ratio:.2f}x | {target} | "
                f"{verdict} | {cpu * unit:.3f} ms | {cpu / cpu_base:.2f}x |"
            )
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (median)")
    parser.add_argument("--block", type=float, default=0.25, help="seconds per timed block")
    parser.add_argument(
        "--only",
        choices=list(TARGETS),
        action="append",
        help="run only this group (repeatable)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    groups = args.only or list(TARGETS)

    srv = Server()
    results: dict[str, Samples] = {}
    try:
        print(f"# client benchmark: {versions()}", flush=True)
        print(
            f"# server {srv.base} (separate process); {args.rounds} interleaved rounds, "
            f"~{args.block:g} s blocks; median of per-op means",
            flush=True,
        )
        for group in groups:
            t0 = time.perf_counter()
            if group == "call-sync":
                results[group] = measure_sync(
                    sync_call_contenders(srv.base), args.rounds, args.block
                )
            elif group == "stream-sync":
                results[group] = measure_sync(
                    sync_stream_contenders(srv.base), args.rounds, args.block
                )
            elif group == "call-async":
                results[group] = asyncio.run(
                    measure_async(async_call_contenders, srv.base, args.rounds, args.block)
                )
            else:
                results[group] = asyncio.run(
                    measure_async(async_stream_contenders, srv.base, args.rounds, args.block)
                )
            print(f"# {group}: done in {time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        srv.close()

    lines, ok = report(results)
    print()
    print("\n".join(lines))
    print()
    print("client targets:", "all PASS" if ok else "some FAIL")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "versions": versions(),
                    "wall": {g: s.wall for g, s in results.items()},
                    "cpu": {g: s.cpu for g, s in results.items()},
                },
                indent=1,
            )
        )
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
