"""Call paths of clients generated with no configuration, against the official SDKs.

    .venv/bin/python benchmarks/naming_compare.py [--bench-python .bench-venv/bin/python]

(`make bench-naming`, after `bash benchmarks/setup_env.sh`.) For each API the official SDK's
(HTTP method, path) -> call path pairs are read by `sdk_calls.py` in the benchmark environment,
the spec is built by oagen with an empty configuration, and only operations both have count:

- OpenRouter: the corpus description (it carries Speakeasy's hints) against `openrouter`;
  target >= 95% identical.
- Kubernetes: the corpus description (OpenAPI Generator-style operationIds and tags) against
  the official `kubernetes` package; target >= 90%.
- Stainless-style: a spec written from the `openai` package's own (method, path) pairs, with
  OpenAI-style operationIds (`createChatCompletion`, `listFiles`, `cancelBatch`), tags by area
  and `data: [...]` list responses, and no naming hints; target >= 75% identical up to a
  leading namespace the spec cannot know (`beta.`, `admin.`).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.config import Config  # noqa: E402
from generator.pipeline import Run, analyse  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
_PARAM = re.compile(r"\{[^}]*\}")


def _key(method: str, path: str) -> str:
    return f"{method.upper()} {_PARAM.sub('{}', path)}"


def official(bench_python: str, sdk: str) -> dict[str, str]:
    done = subprocess.run(
        [bench_python, str(ROOT / "benchmarks" / "sdk_calls.py"), sdk],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{sdk}: reading the official SDK failed:\n{done.stderr[-2000:]}")
    calls: dict[str, str] = json.loads(done.stdout)
    return calls


def ours(spec: Path) -> tuple[dict[str, str], str]:
    """Our call paths from `spec` with an empty configuration, and the inferred style."""
    run = Run(Config())
    api = analyse(run, spec, validate=False)
    if api is None:
        raise SystemExit(f"{spec}: oagen could not build it")
    calls = {
        _key(op.http_method, op.path): f"{op.resource}.{op.method_name}"
        for resource in api.resources
        for op in resource.operations
    }
    return calls, api.naming_style


def compare(
    name: str, theirs: dict[str, str], mine: dict[str, str], style: str, namespace: bool = False
) -> float:
    both = sorted(theirs.keys() & mine.keys())
    same = [key for key in both if _same(theirs[key], mine[key], key, namespace)]
    share = len(same) / len(both) if both else 0.0
    print(
        f"{name}: {len(same)} of {len(both)} operations both have are identical "
        f"({share:.1%}); official {len(theirs)}, ours {len(mine)}; inferred {style}-style"
    )
    for key in [k for k in both if k not in same][:15]:
        print(f"    {key}: official {theirs[key]}, ours {mine[key]}")
    return share


def _same(theirs: str, mine: str, key: str, namespace: bool) -> bool:
    if theirs == mine:
        return True
    if not namespace:
        return False
    head, _, rest = theirs.partition(".")
    # A leading namespace the path does not carry (`beta.`) is one the spec cannot know.
    return head not in key.split(" ", 1)[1].split("/") and rest == mine


def openai_spec(calls: dict[str, str]) -> dict[str, Any]:
    """An OpenAI-style description of the SDK's own operations, without naming hints."""
    paths: dict[str, Any] = {}
    for key, dotted in sorted(calls.items()):
        method, path = key.split(" ", 1)
        parts = dotted.split(".")
        if parts[0] in ("beta", "admin") and len(parts) > 2:
            parts = parts[1:]
        verb, resource = parts[-1], parts[:-1]
        nouns = [_singular(word) for word in resource] if verb != "list" else resource
        operation_id = _camel(verb) + "".join(_pascal(n) for n in nouns)
        concrete = _concrete(path)
        body: dict[str, Any] = {"type": "object", "properties": {"id": {"type": "string"}}}
        if verb == "list":
            body = {"type": "object", "properties": {"data": {"type": "array", "items": {}}}}
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "tags": [resource[0].replace("_", " ").capitalize() if resource else "Default"],
            "parameters": [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                for p in re.findall(r"\{([^}]*)\}", concrete)
            ],
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": body}}}
            },
        }
        paths.setdefault(concrete, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "OpenAI-style", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "paths": paths,
    }


def _concrete(path: str) -> str:
    """`/a/{}/b/{}` -> `/a/{param_0}/b/{param_1}`."""
    pieces = path.split("{}")
    out = pieces[0]
    for index, piece in enumerate(pieces[1:]):
        out += f"{{param_{index}}}{piece}"
    return out


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _pascal(word: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in word.split("_"))


def _camel(word: str) -> str:
    pascal = _pascal(word)
    return pascal[:1].lower() + pascal[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bench-python", default=str(ROOT / ".bench-venv" / "bin" / "python"))
    args = parser.parse_args()
    figures: list[tuple[str, float, float]] = []

    spec = CORPUS / "openrouter" / "openapi.yaml"
    mine, style = ours(spec)
    share = compare("openrouter", official(args.bench_python, "openrouter"), mine, style)
    figures.append(("openrouter", share, 0.95))

    spec = CORPUS / "kubernetes" / "swagger.json.unprocessed"
    mine, style = ours(spec)
    share = compare("kubernetes", official(args.bench_python, "kubernetes"), mine, style)
    figures.append(("kubernetes", share, 0.90))

    theirs = official(args.bench_python, "openai")
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / "openai-style.json"
        written.write_text(json.dumps(openai_spec(theirs)), encoding="utf-8")
        mine, style = ours(written)
    share = compare("openai (Stainless-style)", theirs, mine, style, namespace=True)
    figures.append(("openai", share, 0.75))

    print()
    for name, share, target in figures:
        verdict = "meets" if share >= target else "BELOW"
        print(f"{name:12} {share:6.1%}  target {target:.0%}: {verdict}")


if __name__ == "__main__":
    main()
