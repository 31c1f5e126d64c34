# Two entry points a person needs: `make run` (install + start the app) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast lint format typecheck browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: the CPU build; an unpinned torch pulls several GB of CUDA wheels.
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/second-opinion demo seed
	$(BIN)/second-opinion serve

# Debian's Chromium for the browser tests (never a browser download by a test tool).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver"; fi; \
	fi

test: install browser
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not slow and not browser" -x -q

format: install
	$(BIN)/ruff format assistant imaging knowledge prompts tests benchmarks

lint: install
	$(BIN)/ruff format --check assistant imaging knowledge prompts tests benchmarks
	$(BIN)/ruff check assistant imaging knowledge prompts tests benchmarks

typecheck: install
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var test-output .pytest_cache .mypy_cache .ruff_cache
