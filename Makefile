# `make run`  — set up .venv with the pinned set and run the nightly flow once over raw/
# `make test` — set up the same .venv, lint and type-check (fails fast), then run the tests
# `make lint` — ruff check, ruff format --check and mypy only
# `make format` — apply ruff's safe fixes, then rewrite the tree with ruff format (fixes first, so the result is formatted)
# `make benchmark` — scripts/benchmark.py at its own default, the issue's full sizes (BENCHMARK_ARGS=--quick for a smoke run)
# `make demo-data` — regenerate raw/ and raw/README.md from scripts/make_demo_data.py
# `make clean` — remove everything generated (the .venv, the warehouse and every output beside it, caches); nothing git tracks
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_PATHS := scorecard flows tests scripts
BENCHMARK_ARGS ?=
# What runs, tests and commands write (see warehouse/README.md): the warehouse with its lock, WAL, kept
# .previous and a dead run's hidden build files; the exports, report, Data Docs, panel packs and screenshots.
GENERATED := warehouse/scorecard.duckdb* warehouse/.scorecard.duckdb.* warehouse/exports warehouse/reports \
	warehouse/data-docs warehouse/panel-packs warehouse/screenshots .pytest_cache .mypy_cache .ruff_cache *.egg-info

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export GX_ANALYTICS_ENABLED := false

.PHONY: setup run lint format test benchmark demo-data clean

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/scorecard run

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

test: lint
	$(BIN)/python -m pytest -q

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py $(BENCHMARK_ARGS)

demo-data: $(STAMP)
	$(BIN)/python scripts/make_demo_data.py

clean:
	rm -rf $(VENV) $(GENERATED)
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
