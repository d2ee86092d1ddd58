"""dbt assets: every seed and model of dbt_project, one lineage with the raw assets.

dbt sources ``raw.<table>`` map to the dlt assets ``raw/<table>``; models are keyed and
grouped by their schema (framework, staging, intermediate, marts); dbt tests become asset
checks.
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from analytics.staleness import stale_after_hours, staleness

from ..dbt_project import DBT_PROJECT
from ..resources import Warehouse

OWNER = "team:analytics-engineering"


class LayerTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey(["raw", dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props["schema"]

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return [OWNER]


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=LayerTranslator(),
    pool="warehouse",
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    """Seeds, models and their tests, built in dependency order (``dbt build``), on the last good
    load of every source (the log says how old each is)."""
    loads = warehouse.loads()
    for age in staleness(loads, sorted(set(loads["source"])), datetime.now(UTC), stale_after_hours()):
        (context.log.warning if age.stale else context.log.info)(age.describe())
    args = ["build", "--vars", json.dumps({"warehouse_path": warehouse.absolute_path})]
    yield from dbt.cli(args, context=context).stream()
