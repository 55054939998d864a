# transcarbon: set-up and the two main jobs. Every target installs what it needs first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint types contracts pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: set up and run the main job on the embedded default (SQLite + synthetic demo data)
demo: $(STAMP)
	$(BIN)/transcarbon start

## test: set up, then lint and format check (ruff), type-check (mypy strict), check the layer rules (import-linter) and run the tests (pytest)
test: lint types contracts pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

types: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports --no-cache

pytest: $(STAMP)
	$(BIN)/pytest -n 2 --dist loadfile --no-loadscope-reorder

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_inventory.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
