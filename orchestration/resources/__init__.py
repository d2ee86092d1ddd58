"""Dagster resources: the DuckDB warehouse and the source systems (live, or the sandbox)."""

from .source_systems import SourceSystems, today
from .warehouse import Warehouse, WarehouseModeError

__all__ = ["SourceSystems", "Warehouse", "WarehouseModeError", "today"]
