# Two commands set everything up on a fresh machine (Python 3.11+, Node.js with npm):
#   make generate   regenerate generated/ from spec/openrouter.yaml
#   make test       run the whole test suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
PYTEST_WORKERS ?= 2

.PHONY: generate test check lint templates corpus bench bench-generate bench-incremental clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

# The built-in templates compiled ahead, as pip compiles a package's modules when installing it
# (generator/render/bytecode.py); a template or code change makes a new folder, so this runs
# whenever oagen is used from here.
templates: $(STAMP)
	$(PY) -m generator.render.bytecode

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

generate: templates
	$(VENV)/bin/oagen generate

check: templates
	$(VENV)/bin/oagen check

# The test command lints first: a formatting or typing slip fails CI like a failing test.
test: lint templates $(NODE_STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) -q

lint: $(STAMP)
	$(VENV)/bin/ruff check generator tests benchmarks scripts
	$(VENV)/bin/ruff format --check generator tests benchmarks scripts
	$(VENV)/bin/mypy generator

clean:
	rm -rf $(VENV) node_modules .mypy_cache .pytest_cache .ruff_cache

# Benchmarks (see benchmarks/README.md): creates the benchmark-only .bench-venv/ (openai and
# openrouter SDKs, a client generated from the full OpenRouter description), then measures.
BENCH_PY := .bench-venv/bin/python
BENCH_ARGS ?=
BENCH_IMPORT_ARGS ?=
bench: $(STAMP)
	bash benchmarks/setup_env.sh
	$(BENCH_PY) benchmarks/bench_client.py $(BENCH_ARGS)
	$(BENCH_PY) benchmarks/bench_import.py $(BENCH_IMPORT_ARGS)

# Call paths of clients generated with no configuration against the official SDKs (OpenRouter,
# Kubernetes, a Stainless-style spec from the openai package): benchmarks/naming_compare.py.
bench-naming: $(STAMP)
	bash benchmarks/setup_env.sh
	$(PY) benchmarks/naming_compare.py --bench-python $(BENCH_PY)

# Corpus report (see scripts/corpus.py): every ../shared/corpus/INDEX.tsv entry through generate,
# import and mypy --strict in a temporary folder; writes docs/corpus.md. Takes a while.
CORPUS_ARGS ?= -j $(PYTEST_WORKERS)
corpus: templates
	$(PY) scripts/corpus.py $(CORPUS_ARGS)

.bench-venv-opc/.installed:
	$(PYTHON) -m venv .bench-venv-opc
	.bench-venv-opc/bin/python -m pip install --quiet --disable-pip-version-check openapi-python-client==0.29.1
	touch $@

bench-generate: templates .bench-venv-opc/.installed
	$(PY) benchmarks/bench_generate.py

# Incremental generation (no-op, one edit, cold, largest specs, scale, watch): each target's ratio
# to its limit and absolute time. INCR_ARGS="--runs 5 --only noop,edit" for a part.
INCR_ARGS ?=
bench-incremental: templates .bench-venv-opc/.installed
	$(PY) benchmarks/bench_incremental.py $(INCR_ARGS)
