"""The code location: assembles assets, jobs, schedules and resources."""

import dagster as dg
from dagster_dlt import DagsterDltResource

from .assets.raw import activity_assets, snapshot_assets
from .resources import SourceSystems, Warehouse
from .schedules import ingest_job, nightly

RESOURCES = {"dlt": DagsterDltResource(), "warehouse": Warehouse(), "source_systems": SourceSystems()}

defs = dg.Definitions(
    assets=[*activity_assets, *snapshot_assets],
    jobs=[ingest_job],
    schedules=[nightly],
    resources=RESOURCES,
    # DuckDB has one writer: steps of a run go one after another in the run's process.
    executor=dg.in_process_executor,
)
