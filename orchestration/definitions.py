"""The code location: assembles assets, jobs, schedules and resources."""

import dagster as dg
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from .alerts import alert_on_failure
from .assets import analytics_assets
from .assets.copies import warehouse_copies
from .assets.dashboards import dashboard_site
from .assets.dbt import dbt_models
from .assets.raw import activity_assets, snapshot_assets
from .checks import activity_checks, analytics_checks, snapshot_checks
from .dbt_child import dbt_executable
from .dbt_project import DBT_PROJECT
from .permissions import owner_only
from .recovery import close_dead_make_runs
from .resources import SourceSystems, Warehouse
from .schedules import ingest_job, nightly, refresh_after_ingest, refresh_after_partial_ingest, refresh_job

owner_only()  # where the pipeline starts: everything it writes holds personal data

RESOURCES = {
    "dlt": DagsterDltResource(),
    # dbt through a wrapper that dies with the run process, even one killed with SIGKILL.
    "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable()),
    "warehouse": Warehouse(),
    "source_systems": SourceSystems(),
}

defs = dg.Definitions(
    assets=[*activity_assets, *snapshot_assets, dbt_models, *analytics_assets, dashboard_site, warehouse_copies],
    asset_checks=[*activity_checks, *snapshot_checks, *analytics_checks],
    jobs=[ingest_job, refresh_job],
    schedules=[nightly],
    sensors=[refresh_after_ingest, refresh_after_partial_ingest, alert_on_failure, close_dead_make_runs],
    resources=RESOURCES,
    # DuckDB has one writer: steps of a run go one after another in the run's process.
    executor=dg.in_process_executor,
)
