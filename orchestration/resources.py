"""Dagster resources: the DuckDB warehouse and the source systems (live or sandbox).

All configuration comes from the environment (see .env.example); every field below has an
environment variable as its default.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import dagster as dg
import dlt
import duckdb
import requests
from pydantic import Field

from sources.http import HttpPolicy
from sources.settings import SourceSettings


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name) or default


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file every layer lives in (``WAREHOUSE_PATH``, default data/warehouse.duckdb)."""

    path: str = Field(default_factory=lambda: _env("WAREHOUSE_PATH", "data/warehouse.duckdb"))

    @property
    def absolute_path(self) -> str:
        return str(Path(self.path).resolve())

    @property
    def data_dir(self) -> Path:
        return Path(self.absolute_path).parent

    def dlt_pipeline(self, name: str) -> dlt.Pipeline:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return dlt.pipeline(
            pipeline_name=name,
            destination=dlt.destinations.duckdb(self.absolute_path),
            dataset_name="raw",
            pipelines_dir=str(self.data_dir / ".dlt"),
            progress=dlt.progress.log(log_period=5, dump_system_stats=False),
        )

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(self.path, read_only=read_only)


def first_of_this_month() -> date:
    return datetime.now(UTC).date().replace(day=1)


class SourceSystems(dg.ConfigurableResource):
    """Where each source system is: live from its environment settings, or the sandbox.

    A source none of whose variables is set runs against the sandbox: the one at
    ``SANDBOX_URL`` if given, else one started in this process for the configured org.
    """

    sandbox_url: str | None = Field(default_factory=lambda: _env("SANDBOX_URL"))
    sandbox_employees: int = Field(default_factory=lambda: int(_env("SANDBOX_EMPLOYEES", "500")))
    sandbox_seed: int = Field(default_factory=lambda: int(_env("SANDBOX_SEED", "42")))
    sandbox_as_of: str | None = Field(
        default_factory=lambda: _env("SANDBOX_AS_OF"), description="YYYY-MM-DD; default: first of this month"
    )
    sandbox_dir: str = Field(
        default_factory=lambda: _env("SANDBOX_DIR", "data/sandbox"),
        description="where the embedded sandbox writes its review exports and ground truth",
    )
    http_timeout_seconds: float = Field(default_factory=lambda: float(_env("HTTP_TIMEOUT_SECONDS", "30")))
    http_max_attempts: int = Field(default_factory=lambda: int(_env("HTTP_MAX_ATTEMPTS", "6")))

    def policy(self) -> HttpPolicy:
        return HttpPolicy(timeout=self.http_timeout_seconds, max_attempts=self.http_max_attempts)

    def settings(self, module: ModuleType, log: Any) -> SourceSettings:
        name = module.Settings.SOURCE
        live = module.Settings.from_env(os.environ)
        if live is not None:
            log.info(f"{name}: live ({', '.join(module.Settings.ENV.values())} set)")
            return live
        info = self.sandbox_info()
        log.info(f"{name}: simulated by the sandbox at {info['url']}")
        return module.sandbox_settings(info)

    def sandbox_info(self) -> dict[str, Any]:
        if self.sandbox_url:
            response = requests.get(f"{self.sandbox_url.rstrip('/')}/_sandbox/info", timeout=self.http_timeout_seconds)
            response.raise_for_status()
            return response.json()
        as_of = date.fromisoformat(self.sandbox_as_of) if self.sandbox_as_of else first_of_this_month()
        return embedded_sandbox(self.sandbox_seed, self.sandbox_employees, as_of, str(Path(self.sandbox_dir).resolve()))


@functools.cache
def embedded_sandbox(seed: int, employees: int, as_of: date, directory: str) -> dict[str, Any]:
    """Start (once per process) the sandbox for this org on a free loopback port."""
    from sandbox import SandboxServer, generate_company

    company = generate_company(seed=seed, employees=employees, as_of=as_of)
    reviews_dir = Path(directory) / "reviews"
    company.write_review_exports(reviews_dir)
    company.write_ground_truth(Path(directory) / "ground_truth.csv")
    server = SandboxServer(company, port=0, reviews_dir=reviews_dir)
    server.start()
    return server.info()
