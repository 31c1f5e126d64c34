# Two entry points a person needs: `make run` (install + start the app) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# llama-cpp-python compiles llama.cpp at install. On x86-64 it is built for a portable AVX2 target
# rather than -march=native: a native build on a CPU with AMX enables llama.cpp's AMX kernels,
# which crashed (segmentation fault in decode) on such a virtual machine.
ifeq ($(shell uname -m),x86_64)
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
endif
LLAMA_VERSION := 0.3.36
# The wheel is built once per version and flags and kept here, not in pip's cache: pip would reuse
# a wheel it built earlier with other flags (a native build) without rebuilding.
LLAMA_WHEELS := $(HOME)/.cache/second-opinion/llama-cpp-python-$(LLAMA_VERSION)-$(shell printf '%s' '$(LLAMA_CMAKE_ARGS)' | cksum | cut -d' ' -f1)

.PHONY: install run test test-fast lint format typecheck browser orthanc haproxy viewer clean

install: $(STAMP) viewer

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned: the CPU build; an unpinned torch pulls several GB of CUDA wheels.
	$(BIN)/python -m pip install -q torch==2.13.0
	ls $(LLAMA_WHEELS)/llama_cpp_python-*.whl >/dev/null 2>&1 || CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" \
	  $(BIN)/python -m pip wheel -q --no-cache-dir --no-deps -w $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	$(BIN)/python -m pip install -q $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

# The image viewer (Cornerstone3D), bundled into static assets the app serves (no CDN at run time).
VIEWER := assistant/web/viewer
VIEWER_BUILT := assistant/web/static/viewer/viewer.js

viewer: $(VIEWER_BUILT)

$(VIEWER_BUILT): $(VIEWER)/package.json $(VIEWER)/package-lock.json $(VIEWER)/build.mjs $(wildcard $(VIEWER)/src/*.js)
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "The image viewer is built with Node.js 20 and npm, which were not found: apt-get install nodejs npm (or install Node 20)"; exit 1; }
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 18 ? 0 : 1)' || { echo "The image viewer needs Node.js 18 or newer; found $$(node --version)"; exit 1; }
	cd $(VIEWER) && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

run: install
	$(BIN)/second-opinion demo seed
	$(BIN)/second-opinion serve

# Debian's Chromium for the browser tests (never a browser download by a test tool).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver"; fi; \
	fi

# Debian's Orthanc with its DICOMweb plugin, for the test that proxies the viewer's routes to it.
orthanc:
	@if [ ! -x /usr/sbin/Orthanc ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq orthanc orthanc-dicomweb >/dev/null; \
	  else echo "the Orthanc test needs Debian's orthanc: sudo apt-get install orthanc orthanc-dicomweb"; fi; \
	fi

# Debian's HAProxy, for the test that runs two app instances behind the balancer (deploy/haproxy.cfg).
haproxy:
	@if [ ! -x /usr/sbin/haproxy ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; \
	  else echo "the balancer test needs Debian's haproxy: sudo apt-get install haproxy"; fi; \
	fi

# One pytest worker per core; the tests that share a service or a started process stay together on
# one worker (tests/conftest.py, ONE_WORKER_FOLDERS). PYTEST_WORKERS=0 runs them all in this process.
PYTEST_WORKERS ?= auto
test: install browser orthanc haproxy
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

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
	rm -rf $(VENV) var test-output .pytest_cache .mypy_cache .ruff_cache $(VIEWER)/node_modules assistant/web/static/viewer
