"""The nightly schedule: what it would launch at 02:00, and its configurable time zone."""

import os
import subprocess
import sys
from datetime import UTC, datetime

import dagster as dg
import pytest

from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.definitions import defs
from orchestration.schedules import ingest_job, nightly, refresh_job

ACTIVITY_KEYS = {key for assets in activity_assets for key in assets.keys}
ALL_KEYS = ACTIVITY_KEYS | {key for assets in snapshot_assets for key in assets.keys}


def launched(moment: datetime) -> list[dg.RunRequest]:
    context = dg.build_schedule_context(scheduled_execution_time=moment, repository_def=defs.get_repository_def())
    return list(nightly.evaluate_tick(context).run_requests)


def test_runs_at_two_in_the_configured_time_zone():
    assert nightly.cron_schedule == "0 2 * * *"
    assert nightly.execution_timezone == "UTC"
    assert defs.get_schedule_def("nightly").job_name == ingest_job.name


def test_a_mid_month_night_reloads_the_month_in_progress_and_the_snapshots():
    (request,) = launched(datetime(2026, 11, 15, 2, 0, tzinfo=UTC))
    assert request.partition_key == "2026-11-01"
    assert request.asset_selection is None  # the whole job: every activity source plus snapshots
    assert set(defs.resolve_job_def(ingest_job.name).asset_layer.executable_asset_keys) == ALL_KEYS


def test_the_first_night_of_a_month_also_closes_the_month_just_ended():
    previous, current = launched(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    assert previous.partition_key == "2026-11-01" and set(previous.asset_selection) == ACTIVITY_KEYS
    assert current.partition_key == "2026-12-01" and current.asset_selection is None
    assert previous.run_key != current.run_key


def test_every_launched_partition_exists():
    moment = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    keys = ingest_job.partitions_def.get_partition_keys(current_time=moment)
    assert {request.partition_key for request in launched(moment)} <= set(keys)


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York"])
def test_time_zone_comes_from_the_environment(zone):
    code = "from orchestration.schedules import nightly; print(nightly.execution_timezone)"
    env = {**os.environ, "SCHEDULE_TIMEZONE": zone}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == zone


def test_a_successful_load_triggers_the_rebuild_of_everything_downstream():
    assert defs.resolve_sensor_def("refresh_after_ingest").job_name == refresh_job.name
    keys = set(defs.resolve_job_def(refresh_job.name).asset_layer.executable_asset_keys)
    layers = {key.path[0] for key in keys}
    assert {"staging", "marts", "analytics"} <= layers and "raw" not in layers
