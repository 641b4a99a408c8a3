# TrainHub: `make run` (app on SQLite with demo data), `make test` (the whole suite), `make lint` (ruff and mypy,
# as CI runs them) and `make format` (ruff's formatter and its safe fixes, applied to the tree).
# `make run` installs requirements.txt only (what production runs); test, lint, format and bench add
# requirements-dev.txt (pytest, Playwright, schemathesis, ruff, mypy ...). Each has its own stamp file.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
FLASK := $(VENV)/bin/flask --app wsgi
PYTHON ?= python3
VENDOR := static/vendor

.PHONY: run test lint format setup venv dev-venv assets translations db demo test-deps clean bench

run: setup db demo
	@echo ""
	@echo "TrainHub is starting on http://127.0.0.1:5000"
	@$(FLASK) demo-logins 2>/dev/null || true
	$(FLASK) run --host 127.0.0.1 --port 5000

# Tests run in 3 processes (pytest-xdist; each has its own PostgreSQL database): half the time on 2 cores.
TEST_WORKERS ?= 3

test: setup dev-venv test-deps
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

# All three run and each reports before the target fails, so one run shows every finding.
lint: dev-venv
	@status=0; \
	echo "ruff check"; $(VENV)/bin/ruff check || status=1; \
	echo "ruff format --check"; $(VENV)/bin/ruff format --check || status=1; \
	echo "mypy trainhub"; $(VENV)/bin/mypy trainhub || status=1; \
	exit $$status

# The safe fixes (imports sorted, unused ones removed, pyupgrade), then the formatter; what is left to fix by
# hand is listed, and `make lint` fails on it.
format: dev-venv
	$(VENV)/bin/ruff check --fix --exit-zero
	$(VENV)/bin/ruff format

setup: venv assets translations

venv: .make-venv
.make-venv: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

dev-venv: .make-venv-dev
.make-venv-dev: .make-venv requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

assets: .make-assets
.make-assets: package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/jsqr $(VENDOR)/chartjs
	cp -r node_modules/bootstrap/dist/css node_modules/bootstrap/dist/js $(VENDOR)/bootstrap/
	cp node_modules/jsqr/dist/jsQR.js $(VENDOR)/jsqr/
	cp node_modules/chart.js/dist/chart.umd.js $(VENDOR)/chartjs/
	# Certificates and summaries (fpdf2 embeds a subset): Noto Sans SC TrueType, OFL, from npm.
	mkdir -p $(VENDOR)/fonts && cp node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf $(VENDOR)/fonts/
	touch $@

translations: venv
	$(PY) scripts/i18n.py compile

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed-demo

# Debian's chromium for the Playwright tests: installed when missing and apt is usable.
test-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and apt-get is not usable: browser tests will be skipped"; fi; \
	fi
	@command -v pdftotext >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null || true; }

bench: setup dev-venv
	$(PY) bench/checkin.py
	$(PY) bench/exports.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .make-*
