# hashbank: `make run` serves the bank on the embedded default; `make test` runs the whole suite.
# Both create .venv on first use and need nothing but Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
AXE_PREFIX := tests/submissions/node
AXE := $(AXE_PREFIX)/node_modules/axe-core/axe.min.js

.PHONY: run test lint format bench migrate firststart clean deps-test browser-deps screenshots vendor hasher-dist

$(VENV)/.run-installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel setuptools
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.test-installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip wheel setuptools
	$(PY) -m pip install --quiet -e '.[dev,client]'
	@touch $@ $(VENV)/.run-installed

migrate: $(VENV)/.run-installed
	$(PY) manage.py migrate --no-input

# Creates, once, what a first start needs: signing key and root, an administrator (named by
# HASHBANK_ADMIN, else your login name; never "admin"), a demo member.
firststart: migrate
	$(PY) manage.py firststart --admin "$${HASHBANK_ADMIN:-$$(id -un)}"

run: firststart
	@echo "hashbank is starting on http://$(HOST):$(PORT)/  (health: /healthz, readiness: /readyz)"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Browser tests use Debian's chromium and axe-core from npm; both are fetched when the machine
# can (root with apt-get, npm on PATH) and those tests skip with a reason when it cannot.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		{ apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && \
		  apt-get install -y -q chromium >/dev/null 2>&1; }; } || echo "chromium not installed: browser tests will skip"; fi
	@if [ ! -f $(AXE) ] && command -v npm >/dev/null; then \
		npm install --silent --no-audit --no-fund --prefix $(AXE_PREFIX) axe-core@4 >/dev/null || echo "axe-core not installed: accessibility tests will skip"; fi

deps-test: $(VENV)/.test-installed browser-deps

test: deps-test
	$(PY) -m pytest $(PYTEST_ARGS)

# Every victim page in both languages at 1280 px and 390 px, into var/screenshots/ (not committed).
screenshots: deps-test
	$(PY) -m pytest -q -p no:cacheprovider tests/screenshots/shoot_pages.py -o python_functions=shoot_*
	@echo "screenshots in $${HASHBANK_SCREENSHOT_DIR:-var/screenshots}/"

# The offline hasher's wheel (hashbank-hasher, pure Python) into dist/, with its sha256; the bank
# serves it from there at /offline-hasher/ (HASHBANK_HASHER_DIST_DIR; docs/offline-hasher.md).
# deploy/Dockerfile runs the same script into its HASHBANK_HASHER_DIST_DIR (deploy/image_check.py).
hasher-dist: $(VENV)/.run-installed
	$(PY) hasher/build_wheel.py dist

# The browser code served from our origin (hash-wasm, libheif-js): fetched again from npm, checked
# against the recorded integrity and sha256, and copied into static/ (VENDOR.md there); our MD5
# core assembled from deploy/md5_wat.py's text by the pinned wabt's wat2wasm (needs node and npm).
vendor:
	$(PYTHON) deploy/vendor.py

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check hashbank member_portal tests bench
	$(VENV)/bin/ruff format --check hashbank member_portal tests bench

format: $(VENV)/.test-installed
	$(VENV)/bin/ruff format hashbank member_portal tests bench

bench: $(VENV)/.test-installed
	@for b in bench/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var build dist *.egg-info $(AXE_PREFIX)
