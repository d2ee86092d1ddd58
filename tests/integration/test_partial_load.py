"""A nightly ingest where one source fails, through Dagster on a temporary instance: every other
source loads, the failed one says how old its last good data is, the refresh still runs (on
that data), and the failure is posted to the alert webhook."""

import json
import shutil
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from analytics.staleness import staleness
from orchestration.alerts import alert_on_failure
from orchestration.assets.dbt import dbt_models
from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.dbt_project import DBT_PROJECT
from orchestration.definitions import defs as defs_in_code
from orchestration.resources import Warehouse
from orchestration.schedules import ingest_job, refresh_after_partial_ingest
from tests.conftest import DBT, sandbox_systems

OCTOBER = "2026-10-01"
FAILED = "jira"
JIRA_METRICS = ("story_points_delivered", "sprint_completion_rate")


class Webhook:
    """An HTTP server on loopback that keeps the JSON bodies posted to it."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/perfpipe"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def metric_rows(warehouse: Warehouse, metrics: tuple[str, ...]) -> set[tuple]:
    frame = warehouse.read(
        "select employee_id, period_type, period_start, metric_key, metric_value::varchar from marts.fct_metric_scores "
        "where metric_key in (select unnest(?)) and period_start < date '2026-10-01'",
        [list(metrics)],
    )
    return set(frame.itertuples(index=False, name=None))


def sensor_context(name: str, result: dg.ExecuteInProcessResult, instance: dg.DagsterInstance):
    return dg.build_run_status_sensor_context(
        sensor_name=name,
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()


def test_a_source_failing_leaves_the_others_loaded_and_the_refresh_runs_on_its_last_good_data(
    built, sandbox, tmp_path, webhook, monkeypatch
):
    source_warehouse, built_result = built
    assert built_result.success
    shutil.copy(source_warehouse.path, tmp_path / "warehouse.duckdb")
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    jira_before = metric_rows(warehouse, JIRA_METRICS)
    loads_before = warehouse.loads()
    resources = {
        "dlt": DagsterDltResource(),
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT),
        "warehouse": warehouse,
        "source_systems": sandbox_systems(sandbox),
    }
    defs = dg.Definitions(
        assets=[*activity_assets, *snapshot_assets, dbt_models],
        jobs=[ingest_job],
        resources=resources,
        executor=dg.in_process_executor,
    )
    sandbox.faults.add(FAILED, "truncated", times=1, after=1)

    with dg.instance_for_test() as instance:
        ingest = defs.resolve_job_def("ingest").execute_in_process(
            instance=instance, partition_key=OCTOBER, raise_on_error=False
        )
        assert not ingest.success
        # The failed step names the source, the URL and the page; no other step failed.
        failures = [event for event in ingest.all_events if event.is_step_failure]
        assert [event.step_key for event in failures] == [f"raw_{FAILED}"]
        error = failures[0].step_failure_data.error.message
        assert f"{FAILED}: page " in error and f"/{FAILED}/" in error and "malformed JSON" in error
        # Every other source loaded and is recorded; the failed one keeps its last load.
        loads = warehouse.loads()
        new = set(loads["source"][len(loads_before) :])
        assert new == {"github", "sonarqube", "salesforce", "zendesk", "pagerduty", "bamboohr", "reviews"}
        # The failed source's tables carry how old their data is, in the log and as metadata.
        (age,) = staleness(loads_before, [FAILED], datetime.now(UTC), stale_after=26)
        observed = [
            e
            for e in instance.all_logs(ingest.run_id, of_type=dg.DagsterEventType.ASSET_OBSERVATION)
            if e.asset_observation.asset_key.path[1].startswith(f"{FAILED}_")
        ]
        assert {e.asset_observation.asset_key.path[1] for e in observed} == {"jira_issues", "jira_users"}
        metadata = observed[0].asset_observation.metadata
        assert metadata["load_failed"].value is True
        assert metadata["last_loaded_at"].value == age.last_loaded.isoformat()
        logged = [e.user_message for e in instance.all_logs(ingest.run_id)]
        assert any(
            f"{FAILED}: this load failed" in m and f"last loaded {age.last_loaded:%Y-%m-%d %H:%M}" in m for m in logged
        )

        # The partial failure still asks for the refresh.
        partial = refresh_after_partial_ingest(sensor_context("refresh_after_partial_ingest", ingest, instance))
        assert isinstance(partial, dg.RunRequest) and partial.run_key == ingest.run_id
        assert defs_in_code.resolve_sensor_def("refresh_after_partial_ingest").job_name == "refresh"

        # The alert: posted to the webhook, naming job, run and failed step; logged when no webhook is set.
        monkeypatch.setenv("ALERT_WEBHOOK_URL", webhook.url)
        alert_on_failure(sensor_context("alert_on_failure", ingest, instance))
        (posted,) = webhook.received
        assert set(posted) == {"text"}
        assert posted["text"].startswith(f"perfpipe: run {ingest.run_id} of job ingest failed")
        assert f"- raw_{FAILED}: {FAILED}: page " in posted["text"] and "malformed JSON" in posted["text"]
        monkeypatch.delenv("ALERT_WEBHOOK_URL")
        skipped = alert_on_failure(sensor_context("alert_on_failure", ingest, instance))
        assert isinstance(skipped, dg.SkipReason) and len(webhook.received) == 1

        # The refresh's first step builds on the new loads and the failed source's last good data,
        # and logs how stale each source is.
        refresh = dg.materialize([dbt_models], resources=resources, instance=instance, raise_on_error=False)
        assert refresh.success
        logged = [e.user_message for e in instance.all_logs(refresh.run_id)]
        assert any(m.startswith(f"source {FAILED} last loaded {age.last_loaded:%Y-%m-%d %H:%M} UTC") for m in logged)
        assert any(m.startswith("source github last loaded") for m in logged)
    assert metric_rows(warehouse, JIRA_METRICS) == jira_before and jira_before


def test_an_ingest_that_loaded_nothing_asks_for_no_refresh(sandbox, tmp_path):
    resources = {
        "dlt": DagsterDltResource(),
        "warehouse": Warehouse(path=str(tmp_path / "warehouse.duckdb")),
        "source_systems": sandbox_systems(sandbox, sources="pagerduty"),
    }
    # The sources not in use report "in_use: false": they loaded nothing either.
    defs = dg.Definitions(assets=[*activity_assets, *snapshot_assets], jobs=[ingest_job], resources=resources)
    sandbox.faults.add("pagerduty", "malformed", times=1)
    with dg.instance_for_test() as instance:
        ingest = defs.resolve_job_def("ingest").execute_in_process(
            instance=instance, partition_key=OCTOBER, raise_on_error=False
        )
        assert not ingest.success
        skipped = refresh_after_partial_ingest(sensor_context("refresh_after_partial_ingest", ingest, instance))
    assert isinstance(skipped, dg.SkipReason)
