# Quartiersatlas: `make run` serves the demo, `make test` runs every check. Both set up what they need:
# system packages (as root, else the exact sudo line), .venv, the private PostGIS cluster.
# `make run` serves as production does (granian, configured by config/server.py; DEBUG off); `make dev` with
# Django's auto-reloading development server.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# DATABASE_URL wins; otherwise the private cluster (scripts/devdb) is started and used
DB_ENV = export DATABASE_URL="$${DATABASE_URL:-$$(scripts/devdb url)}"
# pytest runs in parallel (pytest-xdist): PYTEST_WORKERS processes, each with its own test database
# (test_<name>_gw0, …), a test file never split between them (most of the time is spent waiting on
# Chromium, PostGIS and subprocesses, so more workers than cores pay). PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= 4
PYTEST_DIST ?= loadfile

.PHONY: run dev test lint bench system venv db migrate demo serve clean-db help
.DEFAULT_GOAL := help

help:
	@echo "make run    set up everything and serve the Ludwigsburg demo on http://$(HOST):$(PORT)/ (granian)"
	@echo "make dev    the same with Django's auto-reloading development server (DEBUG on)"
	@echo "make test   set up everything, lint and run the whole test suite against PostGIS"
	@echo "make bench  run the benchmarks (bench/), results in docs/benchmarks.md"

system:
	@scripts/install-system-packages

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

db: system
	@scripts/devdb start

migrate: venv db
	@$(DB_ENV); $(PY) manage.py migrate --noinput -v 0

demo: migrate
	@$(DB_ENV); $(PY) manage.py load_demo

# `make run`'s production settings: DEBUG off, a secret key kept in .secret-key (made once, mode 600,
# gitignored; read through SECRET_KEY_FILE, so it is in no process's environment), the hosts it
# answers to, and cookies without the Secure flag because the demo is served over plain HTTP (behind
# TLS, as docs/operations.md deploys it, they are Secure). Each can be overridden from the environment.
RUN_ENV = export DEBUG=0 SECRET_KEY_FILE="$${SECRET_KEY_FILE:-.secret-key}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost,127.0.0.1,[::1]}" \
	SESSION_COOKIE_SECURE="$${SESSION_COOKIE_SECURE:-0}" CSRF_COOKIE_SECURE="$${CSRF_COOKIE_SECURE:-0}" \
	MAPPROXY_SOURCE_URL="$${MAPPROXY_SOURCE_URL:-http://$(HOST):$(PORT)}"; \
	test -s "$$SECRET_KEY_FILE" || (umask 077; $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > "$$SECRET_KEY_FILE")
URLS = / /beteiligung/ /karte/ /quartiere/mitte/ /bericht/ /planung/ /api/ /api/areas/ "/api/locate/?lon=9.1956&lat=48.8997" \
	/api/docs/ /api/schema/ "/ows?SERVICE=WMS&REQUEST=GetCapabilities" /ogc/ /tiles/quartiere.json \
	/wmts/1.0.0/WMTSCapabilities.xml "/catalogue/csw?SERVICE=CSW&REQUEST=GetCapabilities" /rat/ /region/ /health /admin/

run: demo
	@$(DB_ENV); $(RUN_ENV); $(PY) manage.py collectstatic --noinput -v 0; \
	echo; echo "Quartiersatlas – Ludwigsburg demo (illustrative data), granian (config/server.py)"; \
	for p in $(URLS); do echo "  http://$(HOST):$(PORT)$$p"; done; echo; \
	exec $(PY) -m config.server --host "$(HOST)" --port "$(PORT)"

dev: demo
	@$(DB_ENV); echo; echo "Quartiersatlas – Ludwigsburg demo (illustrative data), development server (DEBUG on)"; \
	for p in $(URLS); do echo "  http://$(HOST):$(PORT)$$p"; done; echo; \
	exec $(PY) manage.py runserver "$(HOST):$(PORT)"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DATABASE_URL="$${DATABASE_URL:-postgis://lint@localhost/none}" $(VENV)/bin/mypy

test: venv db lint
	@[ -n "$${DATABASE_URL:-}" ] || scripts/devdb replica start  # the standby of tests/geo/test_replicas.py
	@$(DB_ENV); $(PY) manage.py makemigrations --check --dry-run -v 1
	@$(DB_ENV); $(PY) -m pytest -n $(PYTEST_WORKERS) --dist $(PYTEST_DIST) $(PYTEST_ARGS)

bench: venv db
	@scripts/install-system-packages mapserver-bin cgi-mapserver lighttpd wrk
	@$(DB_ENV); $(PY) -m bench $(BENCH_ARGS)

clean-db:
	-scripts/devdb stop
	rm -rf .pgdata .pgdata-replica .devdb-url
