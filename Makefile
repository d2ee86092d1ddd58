# Two commands on a fresh machine with python3 and make: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
ENV_FILE := $(if $(wildcard .env),--env-file .env)
RUN := $(UV) run --frozen $(ENV_FILE)
# The Python versions the locked dependencies are built for (pyproject.toml: requires-python).
PYTHON_VERSIONS := 3.11 or 3.12
PYTHON_OK := $(shell python3 -c 'import sys; print(int((3, 11) <= sys.version_info[:2] < (3, 13)))' 2>/dev/null)
CHROMIUM := $(or $(CHROMIUM_PATH),/usr/bin/chromium)

export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3
export DAGSTER_HOME := $(CURDIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: help python setup run demo test test-fast lint format browser dev validate docs \
	postgres sql serve erase bench-reads bench-ingest bench-dbt bench-analytics bench-dashboards bench-truth clean

help:
	@echo "make demo          set up, then run the whole pipeline on the built-in sandbox org (make run in sandbox mode)"
	@echo "make run           one whole pipeline run in PERFPIPE_MODE (default live: your systems, from .env)"
	@echo "make test          set up, lint, then run every test tier (unit, integration, browser)"
	@echo "make test-fast     the unit tier only (under a minute)"
	@echo "make sql           an interactive SQL shell on the analyst copy of the warehouse (read-only)"
	@echo "make serve         the published dashboards over HTTP behind your SSO proxy (docs/serving.md)"
	@echo "make erase EMPLOYEE=<id>  erase a person everywhere (warehouse, copies, pages) and keep them out of later loads"
	@echo "make dev           open the Dagster UI on this code location, in the mode the warehouse records"
	@echo "make validate      dagster definitions validate"
	@echo "make docs          dbt docs as one offline page: dbt_project/target/static_index.html"
	@echo "make format        ruff format and ruff check --fix"
	@echo "make bench-ingest  ingest benchmark: 500 and 5,000 employees"
	@echo "make bench-dbt     dbt build on 50,000 employees (after make demo)"
	@echo "make bench-analytics  the analytics layer on 100,000 employees (after make demo)"
	@echo "make bench-dashboards the dashboards for 500 and 5,000 employees (after make demo)"
	@echo "make bench-reads   a whole sandbox run with an analyst querying the analyst copy, against one without"
	@echo "make bench-truth   per company profile, how well ratings and scores recover the latent truth"

python:
	@if [ "$(PYTHON_OK)" != 1 ]; then \
	  echo "perfpipe needs Python $(PYTHON_VERSIONS) as python3; python3 here is $$(python3 --version 2>&1 || echo missing)." >&2; \
	  echo "Install one of those versions as python3 (e.g. apt-get install python3.11) and run make again." >&2; \
	  exit 1; fi

$(CURDIR)/.tools/bin/uv: | python
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | python $(UV)
	$(UV) sync --frozen
	@touch $@

# Dagster loads dbt assets from the manifest, so it must exist before the definitions load.
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)
dbt_project/target/manifest.json: .venv/.synced $(DBT_SOURCES)
	$(RUN) python -m orchestration.dbt_project

setup: .venv/.synced dbt_project/target/manifest.json

run: setup
	$(RUN) python -m orchestration.run

demo: setup
	PERFPIPE_MODE=sandbox $(RUN) python -m orchestration.run

# Chromium for the browser tier: installed when missing and apt-get can (root); otherwise those
# tests skip with a line saying why (and fail under CI=true). Test tools never download a browser.
browser:
	@if [ ! -x "$(CHROMIUM)" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "==> installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi

# PostgreSQL for the portability test (the dbt project built on a server): Debian's postgresql,
# installed when no initdb is found and apt-get can (root). Otherwise that test skips (fails under CI=true).
postgres:
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	  && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "==> installing Debian's postgresql for the portability test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; fi

sql: .venv/.synced
	$(RUN) python -m orchestration.sql_shell

serve: .venv/.synced
	$(RUN) python -m dashboards.server

# Erasure (docs/erasure.md): the operator is ERASED_BY, else $USER.
erase: setup
	@if [ -z "$(EMPLOYEE)" ]; then echo "usage: make erase EMPLOYEE=<employee id>" >&2; exit 2; fi
	$(RUN) python -m orchestration.erase "$(EMPLOYEE)"

lint: .venv/.synced
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: .venv/.synced
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

test: setup lint browser postgres
	$(RUN) pytest

test-fast: .venv/.synced
	$(RUN) pytest tests/unit

# umask 077: the webserver and daemon write the run storage owner-only, as the code location does the rest.
dev: setup
	umask 077 && PERFPIPE_MODE=$${PERFPIPE_MODE:-$$($(RUN) python -m orchestration.mode)} $(RUN) dagster dev -w workspace.yaml

validate: setup
	$(RUN) dagster definitions validate -w workspace.yaml

docs: setup
	cd dbt_project && WAREHOUSE_PATH=$${WAREHOUSE_PATH:-$(CURDIR)/data/warehouse.duckdb} ../.venv/bin/dbt docs generate --static
	@echo "open dbt_project/target/static_index.html"

bench-ingest: setup
	$(RUN) python -m benchmarks.ingest

bench-dbt: setup
	$(RUN) python -m benchmarks.dbt_build --source $${WAREHOUSE_PATH:-data/warehouse.duckdb} --copies 100

bench-analytics: setup
	$(RUN) python -m benchmarks.analytics --source $${WAREHOUSE_PATH:-data/warehouse.duckdb} --employees 100000

bench-dashboards: setup
	$(RUN) python -m benchmarks.dashboards --source $${WAREHOUSE_PATH:-data/warehouse.duckdb}

bench-reads: setup
	$(RUN) python -m benchmarks.concurrent_reads
	$(RUN) python -m benchmarks.concurrent_reads --reader

bench-truth: setup
	$(RUN) python -m benchmarks.truth

clean:
	rm -rf .venv .tools data dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
