"""dbt assets: every seed and model of dbt_project, one lineage with the raw assets.

dbt sources ``raw.<table>`` map to the dlt assets ``raw/<table>`` (and the load ledger ``meta.loads``,
which every raw asset writes, to ``meta/loads``); models are keyed and
grouped by their schema (framework, staging, intermediate, marts); dbt tests become asset
checks.
"""

import json
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from analytics.staleness import stale_after_hours, staleness

from ..dbt_project import DBT_PROJECT
from ..resources import Warehouse

OWNER = "team:analytics-engineering"
CANDIDATE = "framework_candidate"
FAILURES = "dbt_test__audit"  # where --store-failures writes a failing test's rows


class LayerTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
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
    """Seeds, models and their tests, built in dependency order (``dbt build``) on the last good load of
    every source (the log says how old each is), once the framework seeds passed their tests in a
    candidate schema: a bad seed never reaches ``framework.*`` nor what is built on it."""
    loads = warehouse.loads()
    for age in staleness(loads, sorted(set(loads["source"])), datetime.now(UTC), stale_after_hours()):
        (context.log.warning if age.stale else context.log.info)(age.describe())
    if any(key.path[0] == "framework" for key in context.selected_asset_keys):
        problems = seed_problems(dbt, warehouse)
        if problems:
            context.log.error("\n".join(problems))
            raise dg.Failure(
                description="framework seeds fail their tests, so nothing was built: the framework tables, models, "
                "analytics and dashboards keep their last good values\n" + "\n".join(problems),
                allow_retries=False,
            )
    args = ["build", "--vars", json.dumps({"warehouse_path": warehouse.absolute_path})]
    yield from dbt.cli(args, context=context).stream()


def seed_problems(dbt: DbtCliResource, warehouse: Warehouse) -> list[str]:
    """Build the seeds and their tests into schema ``framework_candidate``; per failure, the seed file,
    the test and the failing rows (or dbt's error). The candidate schemas are dropped afterwards."""
    variables = {"warehouse_path": warehouse.absolute_path, "seed_schema": CANDIDATE}
    args = ["build", "--select", "resource_type:seed", "--indirect-selection", "cautious", "--store-failures"]
    # A target path of its own: the real manifest keeps the real schemas, and runs on other warehouses
    # from this checkout (the tests run several at once) do not read each other's results.
    with tempfile.TemporaryDirectory(prefix="perfpipe-seed-check-") as target:
        invocation = dbt.cli(
            [*args, "--vars", json.dumps(variables)],
            manifest=DBT_PROJECT.manifest_path,
            raise_on_error=False,
            target_path=Path(target),
        )
        invocation.wait()
        nodes = invocation.get_artifact("manifest.json")["nodes"]
        results = invocation.get_artifact("run_results.json")["results"]
    problems = []
    for result in results:
        if result["status"] in ("pass", "success", "skipped"):
            continue
        node = nodes[result["unique_id"]]
        seeds = [
            nodes[n]["original_file_path"].split("/")[-1] for n in node["depends_on"].get("nodes", []) if n in nodes
        ]
        files = ", ".join(seeds) or node["original_file_path"].split("/")[-1]
        relation = result.get("relation_name") or node.get("relation_name")
        rows = ""
        if node["resource_type"] == "test" and relation:
            failing = warehouse.read(f"select * from {relation} limit 5")
            rows = "; failing rows: " + "; ".join(str(r) for r in failing.to_dict("records"))
        problems.append(f"{files}: {node['name']}: {result['status']} ({result.get('message')}){rows}")
    with warehouse.connect(read_only=False) as con:
        for schema in (CANDIDATE, FAILURES):
            con.execute(f"drop schema if exists {schema} cascade")
    return problems
