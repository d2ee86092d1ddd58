"""The warehouse copies people query: published after every successful refresh."""

import time
from pathlib import Path

import dagster as dg

from warehouse_copies import publish_copies
from warehouse_copies.comments import analytics_descriptions

from ..resources import Warehouse
from . import analytics_assets
from .dbt import dbt_models


@dg.asset(
    key=["warehouse", "copies"],
    group_name="publishing",
    kinds={"duckdb"},
    owners=["team:people-analytics"],
    deps=[key for assets in (dbt_models, *analytics_assets) for key in assets.keys],
    pool="warehouse",
)
def warehouse_copies(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """The analyst copy (pseudonymised, for SQL) and the HR copy (everything, owner-only), each
    published whole by a rename so readers never block the pipeline."""
    started = time.perf_counter()
    commented = warehouse.comment("analytics", analytics_descriptions())
    copies = warehouse.copies
    tables = publish_copies(Path(warehouse.absolute_path), copies)
    seconds = round(time.perf_counter() - started, 2)
    context.log.info(f"analyst copy {copies.analyst}, HR copy {copies.hr}: {tables} in {seconds} s")
    return dg.MaterializeResult(
        metadata={
            "analyst_copy": dg.MetadataValue.path(str(copies.analyst)),
            "hr_copy": dg.MetadataValue.path(str(copies.hr)),
            **tables,
            "analytics_columns_commented": commented,
            "seconds": seconds,
        }
    )
