# cocrea developer entry points. GNU make 4.3+.
#
#   make run      migrate, load the demo data and serve on http://127.0.0.1:$(PORT)/
#   make test     lint, then the whole suite (not tests/perf) against a throwaway Redis
#   make bench    the benchmarks in tests/perf (they print `BENCH {json}` lines)
#
# Narrow a run with PYTEST_ARGS, e.g. `make test PYTEST_ARGS='tests/voting -x'`.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(if $(shell command -v python3.11 2>/dev/null),python3.11,python3)
VENV = .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=
# The database-backed tests run a second time on a throwaway PostgreSQL (the
# production database). Narrow that run like PYTEST_ARGS, e.g. PG_TESTS=tests/sessions.
PG_TESTS ?= -q -m "not e2e and not redis" tests/accounts tests/sessions tests/toolkit/test_api.py \
	tests/toolkit/test_pages.py tests/test_demo.py tests/test_health.py tests/realtime tests/canvases \
	tests/voting tests/policy tests/assessment tests/privacy tests/audit tests/faults/test_db_retry.py

# The embedded default (SQLite, in-memory channel layer) needs DEBUG on unless
# SECRET_KEY and ALLOWED_HOSTS are given. Exported to every recipe: `make run`
# and the test suite (pytest-django loads settings before any conftest runs).
DEBUG ?= 1
export DEBUG

.PHONY: help venv install run test bench lint messages clean

help:
	@echo "make run      serve the demo on http://127.0.0.1:$(PORT)/ (DEBUG=$(DEBUG))"
	@echo "make test     ruff + pytest (starts a throwaway Redis; needs redis-server, chromium)"
	@echo "make bench    benchmarks in tests/perf"
	@echo "make lint     ruff check ."
	@echo "make messages makemessages + compilemessages (needs gettext)"
	@echo "make clean    remove var/ and $(VENV)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes; the stamp records the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

venv install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	exec $(BIN)/daphne -b 127.0.0.1 -p $(PORT) --websocket_connect_timeout 30 cocrea.asgi:application

test: install
	bash scripts/ensure-services.sh
	$(BIN)/ruff check .
	bash scripts/with-redis.sh bash scripts/with-postgres.sh bash -c \
	  '$(BIN)/python -m pytest --ignore=tests/perf $(PYTEST_ARGS) && \
	   COCREA_TEST_DB=postgres $(BIN)/python -m pytest $(PG_TESTS)'

bench: install
	bash scripts/ensure-services.sh
	bash scripts/with-redis.sh $(BIN)/python -m pytest tests/perf -q -s -p no:cacheprovider $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

messages: install
	$(BIN)/python manage.py makemessages -l en --no-obsolete -i '.venv/*' -i 'var/*'
	$(BIN)/python manage.py compilemessages -i '.venv/*' -i 'var/*'

clean:
	rm -rf var $(VENV)
