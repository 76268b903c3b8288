#!/usr/bin/env bash
# Create the benchmark-only environment .bench-venv/ (git-ignored) and, for the import
# benchmark, generate a client from the full OpenRouter description.
#
#   bash benchmarks/setup_env.sh          # idempotent: skips what is already there
#
# Environment knobs: PYTHON (default python3), BENCH_VENV (default .bench-venv),
# BENCH_FULL_DIR (default .bench-venv/full-client), FULL_SPEC (default
# ../shared/corpus/openrouter/openapi.yaml), OAGEN (default .venv/bin/oagen).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

PYTHON=${PYTHON:-python3}
BENCH_VENV=${BENCH_VENV:-.bench-venv}
FULL_DIR=${BENCH_FULL_DIR:-$BENCH_VENV/full-client}
FULL_SPEC=${FULL_SPEC:-../shared/corpus/openrouter/openapi.yaml}
OAGEN=${OAGEN:-.venv/bin/oagen}
# Pinned so that figures from different runs compare; bump deliberately.
PINS="openai==3.57.0 openrouter==1.3.84 kubernetes==37.0.2 httpx==0.28.1"
STAMP=$BENCH_VENV/.bench-installed

if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$PINS" ]; then
    echo "bench: creating $BENCH_VENV ($PINS)"
    "$PYTHON" -m venv "$BENCH_VENV"
    "$BENCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    # pydantic comes in at whatever version openai/openrouter accept.
    "$BENCH_VENV/bin/python" -m pip install --quiet --disable-pip-version-check $PINS pydantic
    echo "$PINS" > "$STAMP"
fi

# The generated client is used from the work tree (benchmarks put generated/ on sys.path), so
# the figures always describe the current generated/ and generator/runtime/.

if [ ! -f "$FULL_DIR/ok" ] || [ "$FULL_SPEC" -nt "$FULL_DIR/ok" ] \
        || [ -n "$(find generator -name '*.py' -newer "$FULL_DIR/ok" -print -quit)" ]; then
    if [ ! -f "$FULL_SPEC" ]; then
        echo "bench: $FULL_SPEC not found: the full-description import line will be skipped"
        rm -rf "$FULL_DIR"
        exit 0
    fi
    echo "bench: generating openrouter_full from $FULL_SPEC into $FULL_DIR (takes a while)"
    rm -rf "$FULL_DIR"
    mkdir -p "$FULL_DIR"
    # PYTHONPATH: make `generator` resolve to the work tree even if the editable install's
    # finder is stale.
    if PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" "$OAGEN" generate "$FULL_SPEC" \
            -o "$FULL_DIR/out" --package openrouter_full -q > "$FULL_DIR/generate.log" 2>&1; then
        date > "$FULL_DIR/ok"
    else
        echo "bench: generating the full-description client FAILED; its import line will be" \
             "skipped. Output ($FULL_DIR/generate.log):"
        tail -n 30 "$FULL_DIR/generate.log" | sed 's/^/    /'
    fi
fi
