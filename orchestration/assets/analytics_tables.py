"""What every decision-analytics asset shares: its tables' keys and specs in schema ``analytics``,
how it reads the framework seeds, and how it reports its tables to Dagster.

Every number comes from a framework seed (HR edits the CSV) or from asset config, and every
asset records its key figures as metadata.
"""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg
import pandas as pd

from ..resources import Warehouse

GROUP = "analytics"
OWNER = "team:people-analytics"
KINDS = {"python", "duckdb"}
TARGET_SQL = (
    "select t.band, b.band_rank, t.share from framework.target_distribution as t "
    "join framework.rating_bands as b using (band) order by b.band_rank desc"
)


def key(schema: str, name: str) -> dg.AssetKey:
    return dg.AssetKey([schema, name])


def keys(schema: str, names: Iterable[str]) -> list[dg.AssetKey]:
    return [key(schema, name) for name in names]


def specs(tables: dict[str, str], deps: list[dg.AssetKey]) -> list[dg.AssetSpec]:
    """One spec per analytics table (name -> description), all with the same upstream keys."""
    return [
        dg.AssetSpec(key(GROUP, table), description=text, deps=deps, group_name=GROUP, kinds=KINDS, owners=[OWNER])
        for table, text in tables.items()
    ]


def seeds(warehouse: Warehouse, *names: str) -> list[pd.DataFrame]:
    with warehouse.connect() as con:
        return [con.execute(f"select * from framework.{name}").df() for name in names]


def parameters(warehouse: Warehouse, seed: str) -> dict[str, float]:
    """A parameter, value seed as a dict."""
    (frame,) = seeds(warehouse, seed)
    return dict(zip(frame["parameter"], frame["value"]))


def results(tables: dict[str, pd.DataFrame], metadata: dict[str, dict]) -> list[dg.MaterializeResult]:
    """A materialisation per table: its row count plus the figures given for it."""
    return [
        dg.MaterializeResult(asset_key=key(GROUP, table), metadata={"rows": len(frame), **metadata.get(table, {})})
        for table, frame in tables.items()
    ]
