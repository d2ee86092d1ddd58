"""``make run`` as an operator runs it (``python -m orchestration.run`` in a process of its own):
live mode never falls back to the sandbox, a sandbox reached only through the live variables a company
sets runs end to end, the warehouse keeps sandbox and live apart, and sources left out stay missing."""

import shutil
import time
from datetime import date

import duckdb

from orchestration.partitions import months_to_load
from orchestration.resources import Warehouse
from sources import ACTIVITY_SOURCES, SOURCES
from tests.integration.conftest import run


def test_live_without_settings_stops_at_once_naming_every_missing_variable(tmp_path):
    started = time.monotonic()
    result = run(tmp_path, PERFPIPE_MODE="live")
    assert result.returncode == 2 and time.monotonic() - started < 60
    for module in SOURCES.values():
        for field, var in module.Settings.ENV.items():
            assert (var in result.stderr) == module.Settings.model_fields[field].is_required(), var
    assert "simulated" not in result.stdout + result.stderr
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_live_against_the_sandbox_url_runs_end_to_end_and_never_mixes_modes(live_run, tmp_path):
    result = live_run.result  # exited 0 (the fixture checks)
    assert "jira: live (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN set)" in result.stdout
    assert "activity 2025-11 .. 2026-10" in result.stdout
    assert "calibration 2026-Q3:" in result.stdout and "dashboards:" in result.stdout
    warehouse = Warehouse(path=str(live_run.folder / "warehouse.duckdb"))
    assert warehouse.recorded_mode() == "live"
    assert set(warehouse.loads()["source"]) == set(SOURCES)
    # The load checks ran after the loads and judged the whole months of a normal year: nothing flagged.
    judged = warehouse.read("select count(baseline) as judged, count(*) filter (where flagged) as flagged "
                            "from meta.load_anomalies").iloc[0]  # fmt: skip
    assert judged["judged"] > 50 and judged["flagged"] == 0 and "load_anomalies (WARN)" not in result.stdout
    activity = [m.Settings.SOURCE for m in ACTIVITY_SOURCES]
    # The next run loads only the month in progress; on the 1st of December, November as well.
    assert months_to_load(warehouse.loads(), activity, date(2026, 11, 21)) == (
        "2026-11-01", "2026-11-01")  # fmt: skip

    # A sandbox run on (a copy of) that warehouse: the live run's folder stays as the run left it.
    shutil.copyfile(live_run.folder / "warehouse.duckdb", tmp_path / "warehouse.duckdb")
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    size = (tmp_path / "warehouse.duckdb").stat().st_size
    refused = run(tmp_path, PERFPIPE_MODE="sandbox", SANDBOX_EMPLOYEES="20", SANDBOX_DIR=str(tmp_path / "sb"))
    assert refused.returncode == 2
    assert "holds live data and this run is in sandbox mode" in refused.stderr
    assert "WAREHOUSE_PATH" in refused.stderr
    assert (tmp_path / "warehouse.duckdb").stat().st_size == size and warehouse.recorded_mode() == "live"


def test_sources_left_out_stay_missing_and_nothing_downstream_breaks(live_runs):
    folder, result = live_runs["left_out"].folder, live_runs["left_out"].result  # salesforce and pagerduty
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "not in use (PERFPIPE_SOURCES): salesforce, pagerduty" in result.stdout
    with duckdb.connect(str(folder / "warehouse.duckdb"), read_only=True) as con:
        raw = {t for (t,) in con.execute("select table_name from information_schema.tables where table_schema = 'raw'")
               .fetchall()}  # fmt: skip
        assert not {t for t in raw if t.startswith(("salesforce", "pagerduty"))}
        values = dict(
            con.execute("""
            select metric_key, count(metric_value) from marts.fct_metric_scores
            where period_type = 'quarter' group by 1""").fetchall()
        )
        analytics = con.execute("select count(*) from analytics.calibrated_ratings").fetchone()[0]
    # Sales metrics and incidents are missing (no value), not zero; the other sources still count.
    assert values["revenue_closed"] == 0 and values["win_rate"] == 0 and values["production_incidents"] == 0
    assert values["tickets_resolved"] > 0 and values["story_points_delivered"] > 0
    assert analytics > 0
