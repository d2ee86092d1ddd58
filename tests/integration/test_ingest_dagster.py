"""Ingestion through Dagster, in-process: two monthly partitions end to end, idempotent
re-runs, one failing source not blocking the others, metadata and the run log."""

import dagster as dg
import duckdb
import pytest
from dagster_dlt import DagsterDltResource

from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.partitions import range_tags
from orchestration.resources import SourceSystems, Warehouse
from sources import SOURCES
from sources.reviews import EXPORTS
from tests.conftest import AUGUST, SEPTEMBER, sandbox_systems
from tests.integration.test_connectors import keys_in
from tests.oracle import expected_keys, export_rows, in_window_keys

ACTIVITY_TABLES = sorted(key.path[-1] for assets in activity_assets for key in assets.keys)
RAW_TABLES = sorted(key.path[-1] for assets in [*activity_assets, *snapshot_assets] for key in assets.keys)


@pytest.fixture
def resources(sandbox, tmp_path):
    return {
        "dlt": DagsterDltResource(),
        "warehouse": Warehouse(path=str(tmp_path / "warehouse.duckdb")),
        "source_systems": sandbox_systems(sandbox, http_timeout_seconds=5, http_max_attempts=3),
    }


def materialize(assets, resources, instance, partition_key=None):
    return dg.materialize(
        assets, resources=resources, instance=instance, partition_key=partition_key, raise_on_error=False
    )


def warehouse_keys(resources, tables=RAW_TABLES) -> dict[str, set[str]]:
    return {table: keys_in(resources["warehouse"], table) for table in tables}


def test_two_months_end_to_end_then_rerun_is_idempotent(sandbox, company, resources):
    instance = dg.DagsterInstance.ephemeral()
    assert materialize(snapshot_assets, resources, instance).success
    for month in ("2026-08-01", "2026-09-01"):
        assert materialize(activity_assets, resources, instance, month).success

    loaded = warehouse_keys(resources)
    for table in RAW_TABLES:
        assert loaded[table] or (table == "github_sso_identities" and not company.profile.github_sso), table
        if table in EXPORTS:
            assert len(loaded[table]) == export_rows(sandbox, table), table
        else:
            assert loaded[table] == expected_keys(company, sandbox, table, [AUGUST, SEPTEMBER]), table

    again = materialize(activity_assets, resources, instance, "2026-09-01")
    assert again.success
    assert warehouse_keys(resources) == loaded  # same keys, and keys_in checks no duplicates

    # Row counts reach the asset metadata; the run log says which sources were simulated.
    event = instance.get_latest_materialization_event(dg.AssetKey(["raw", "jira_issues"]))
    metadata = event.asset_materialization.metadata
    assert metadata["dagster/partition_row_count"].value == len(in_window_keys(company, "jira_issues", SEPTEMBER))
    assert event.asset_materialization.partition == "2026-09-01"
    messages = [e.user_message for e in instance.all_logs(again.run_id)]
    assert any(m.startswith(f"jira: simulated by the sandbox at {sandbox.url}") for m in messages)


def test_one_failing_source_does_not_block_or_lose_the_others(sandbox, resources):
    instance = dg.DagsterInstance.ephemeral()
    assert materialize(activity_assets, resources, instance, "2026-08-01").success
    before = warehouse_keys(resources, ACTIVITY_TABLES)

    sandbox.faults.add("zendesk", "malformed", times=1)
    result = materialize(activity_assets, resources, instance, "2026-09-01")

    failed = {e.step_key for e in result.all_events if e.is_step_failure}
    succeeded = {e.step_key for e in result.all_events if e.is_step_success}
    assert failed == {"raw_zendesk"}
    assert succeeded == {f"raw_{s}" for s in ("jira", "github", "sonarqube", "salesforce", "pagerduty")}
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "zendesk: page 1 of http://127.0.0.1" in failure.step_failure_data.error.message
    assert "malformed JSON" in failure.step_failure_data.error.message
    after = warehouse_keys(resources, ACTIVITY_TABLES)
    for table in ("zendesk_tickets", "zendesk_satisfaction_ratings", "zendesk_agents"):
        assert after[table] == before[table]
    assert after["jira_issues"] > before["jira_issues"]


def test_a_partition_range_loads_in_one_run(sandbox, company, resources):
    tags = range_tags("2026-08-01", "2026-09-01")
    jira_assets = [a for a in activity_assets if dg.AssetKey(["raw", "jira_issues"]) in a.keys]
    result = dg.materialize(jira_assets, resources=resources, tags=tags)
    assert result.success
    assert keys_in(resources["warehouse"], "jira_issues") == expected_keys(
        company, sandbox, "jira_issues", [AUGUST, SEPTEMBER]
    )


def test_a_source_not_in_use_loads_nothing_and_does_not_hold_up_the_run(sandbox, resources):
    """Reported with in_use false rather than skipped: Dagster skips every step downstream of a skipped
    asset, so a dbt build in the same run would not happen."""
    resources = {**resources, "source_systems": sandbox_systems(sandbox, sources="jira,bamboohr,reviews")}
    result = materialize(activity_assets, resources, dg.DagsterInstance.ephemeral(), "2026-09-01")
    assert result.success
    reported = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert set(reported) == set(ACTIVITY_TABLES)
    assert reported["salesforce_opportunities"]["in_use"].value is False
    assert "in_use" not in reported["jira_issues"]
    with duckdb.connect(resources["warehouse"].path, read_only=True) as con:
        raw = {t for (t,) in con.execute("select table_name from information_schema.tables where table_schema = 'raw'")
               .fetchall()}  # fmt: skip
    assert "jira_issues" in raw and not {t for t in raw if t.startswith(("github", "salesforce", "zendesk"))}


def test_live_settings_are_checked_before_any_step_opens_the_warehouse(monkeypatch, tmp_path):
    for var in [v for module in SOURCES.values() for v in module.Settings.ENV.values()]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("JIRA_BASE_URL", "https://acme.atlassian.net")
    resources = {
        "dlt": DagsterDltResource(),
        "warehouse": Warehouse(path=str(tmp_path / "warehouse.duckdb")),
        "source_systems": SourceSystems(mode="live", sources="jira,zendesk"),
    }
    result = dg.materialize(activity_assets, resources=resources, partition_key="2026-09-01", raise_on_error=False)
    assert not result.success
    errors = " ".join(str(e.message) + str(getattr(e.event_specific_data, "error", "")) for e in result.all_events)
    assert "jira: JIRA_EMAIL, JIRA_API_TOKEN not set" in errors
    assert "zendesk: ZENDESK_BASE_URL, ZENDESK_EMAIL, ZENDESK_API_TOKEN not set" in errors
    assert not any(e.is_step_start for e in result.all_events)
    assert not (tmp_path / "warehouse.duckdb").exists()
