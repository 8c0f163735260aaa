# `make run`  — set up .venv with the pinned set and run the nightly flow once over raw/
# `make test` — set up the same .venv, lint and type-check (fails fast), then run the tests
# `make lint` — ruff check, ruff format --check and mypy only
# `make format` — apply ruff's safe fixes, then rewrite the tree with ruff format (fixes first, so the result is formatted)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_PATHS := scorecard flows tests scripts

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
	$(BIN)/python scripts/benchmark.py

demo-data: $(STAMP)
	$(BIN)/python scripts/make_demo_data.py

clean:
	rm -rf $(VENV) warehouse/scorecard.duckdb warehouse/exports warehouse/data-docs
