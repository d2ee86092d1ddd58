"""The nightly refresh: at 02:00 (``SCHEDULE_TIMEZONE``, default UTC) reload the month in
progress and the snapshots; on the first night of a month, also the month just ended. Each
successful load then rebuilds everything downstream: dbt models, analytics, dashboards."""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import dagster as dg

from .assets.raw import activity_assets, snapshot_assets
from .partitions import monthly

DOWNSTREAM_GROUPS = ("framework", "staging", "intermediate", "marts", "analytics", "dashboards", "publishing")

ingest_job = dg.define_asset_job(
    "ingest",
    selection=dg.AssetSelection.assets(*activity_assets, *snapshot_assets),
    partitions_def=monthly,
    description="Load every source system for one month (activity) plus the HRIS and review snapshots.",
)


def months_to_refresh(moment: datetime) -> list[str]:
    """The partitions a nightly run at ``moment`` reloads: yesterday's month, then today's."""
    months = [monthly.get_partition_key_for_timestamp(m.timestamp()) for m in (moment - timedelta(days=1), moment)]
    return list(dict.fromkeys(months))


@dg.schedule(
    name="nightly",
    cron_schedule="0 2 * * *",
    job=ingest_job,
    execution_timezone=os.environ.get("SCHEDULE_TIMEZONE", "UTC"),
    # Off until someone turns it on (UI: Automation > nightly), so a new checkout never loads by itself.
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Every night at 02:00 (SCHEDULE_TIMEZONE): reload the month in progress and the HRIS and "
    "review snapshots; on the first of a month also the month just ended. Starts stopped.",
)
def nightly(context: dg.ScheduleEvaluationContext):
    moment = context.scheduled_execution_time
    *earlier, current = months_to_refresh(moment)
    activity_keys = [key for assets in activity_assets for key in assets.keys]
    for key in earlier:
        yield dg.RunRequest(run_key=f"{moment:%Y-%m-%d}/{key}", partition_key=key, asset_selection=activity_keys)
    yield dg.RunRequest(run_key=f"{moment:%Y-%m-%d}/{current}", partition_key=current)


refresh_job = dg.define_asset_job(
    "refresh",
    selection=dg.AssetSelection.groups(*DOWNSTREAM_GROUPS),
    description="Rebuild the dbt models (staging parses only new loads), the analytics tables and the dashboards, "
    "then publish the analyst and HR copies of the warehouse.",
)


@dg.run_status_sensor(
    name="refresh_after_ingest",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_job],
    request_job=refresh_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After each successful ingest run, rebuild everything downstream of the raw tables: the dbt "
    "models, the analytics and the dashboards. Runs from the start.",
)
def refresh_after_ingest(context: dg.RunStatusSensorContext):
    return dg.RunRequest(run_key=context.dagster_run.run_id)


@dg.run_failure_sensor(
    name="refresh_after_partial_ingest",
    monitored_jobs=[ingest_job],
    request_job=refresh_job,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="After an ingest run that failed but loaded some sources, rebuild everything downstream on "
    "the new data and the last good data of the sources that failed (the refresh logs how stale each is).",
)
def refresh_after_partial_ingest(context: dg.RunFailureSensorContext):
    run_id = context.dagster_run.run_id
    materialized = context.instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    loaded = [
        event.asset_materialization.asset_key
        for event in materialized
        if event.asset_materialization.metadata.get("in_use", dg.BoolMetadataValue(True)).value
    ]
    if not loaded:
        return dg.SkipReason(f"ingest run {run_id} failed before any source loaded: nothing new to refresh")
    context.log.info(f"ingest run {run_id} failed partly; refreshing on {len(loaded)} raw tables loaded in it")
    return dg.RunRequest(run_key=run_id, tags={"perfpipe/partial_ingest": run_id})
