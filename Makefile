# Two commands on a fresh machine with python3 and make: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
ENV_FILE := $(if $(wildcard .env),--env-file .env)
RUN := $(UV) run --frozen $(ENV_FILE)

export UV_PYTHON_DOWNLOADS := never
export DAGSTER_HOME := $(CURDIR)/dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1
export RUNTIME__DLTHUB_TELEMETRY := false

.PHONY: help setup demo test dev validate docs bench-ingest bench-dbt bench-analytics bench-dashboards clean

help:
	@echo "make demo          set up, then load the sandbox org's 12 months into DuckDB"
	@echo "make test          set up, then run the whole test suite"
	@echo "make dev           open the Dagster UI on this code location"
	@echo "make validate      dagster definitions validate"
	@echo "make docs          dbt docs as one offline page: dbt_project/target/static_index.html"
	@echo "make bench-ingest  ingest benchmark: 500 and 5,000 employees"
	@echo "make bench-dbt     dbt build on 50,000 employees (after make demo)"
	@echo "make bench-analytics  the analytics layer on 100,000 employees (after make demo)"
	@echo "make bench-dashboards the dashboards for 500 and 5,000 employees (after make demo)"

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

# Dagster loads dbt assets from the manifest, so it must exist before the definitions load.
DBT_SOURCES := $(shell find dbt_project -path dbt_project/target -prune -o -type f \( -name '*.sql' -o -name '*.yml' -o -name '*.csv' \) -print)
dbt_project/target/manifest.json: .venv/.synced $(DBT_SOURCES)
	$(RUN) python -m orchestration.dbt_project

setup: .venv/.synced dbt_project/target/manifest.json

demo: setup
	$(RUN) python -m orchestration.demo

test: setup
	$(RUN) pytest

dev: setup
	$(RUN) dagster dev -w workspace.yaml

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

clean:
	rm -rf .venv .tools data dagster_home/storage dagster_home/history dagster_home/schedules dagster_home/logs
