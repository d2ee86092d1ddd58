"""Where the warehouse, the published site, its access map and the access log live: one rule for the
dashboards asset (which writes them) and the server (which reads them without importing Dagster)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def warehouse_path(environ: Mapping[str, str] = os.environ) -> str:
    """``WAREHOUSE_PATH``, default data/warehouse.duckdb."""
    return environ.get("WAREHOUSE_PATH") or DEFAULT_WAREHOUSE


def data_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """The folder of the warehouse: the site, the copies and the logs are written beside it."""
    return Path(warehouse_path(environ)).resolve().parent


def site_dir(data: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The published site: ``DASHBOARDS_DIR``, default dashboards/ beside the warehouse."""
    return Path(environ.get("DASHBOARDS_DIR") or data / "dashboards").resolve()


def access_map_path(site: Path) -> Path:
    """The access map sits beside the site folder, never inside what is served."""
    return site.with_name(f"{site.name}.access.json")


def access_log_path(data: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """The server's access log: ``SERVE_ACCESS_LOG``, default access.log beside the warehouse."""
    return Path(environ.get("SERVE_ACCESS_LOG") or data / "access.log").resolve()
