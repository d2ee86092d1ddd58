"""Bad input gets a reason and nothing is lost: snapshots that empty or shrink are refused until allowed,
undecodable exports fail at once naming file, line and byte, bad rows land in raw.quarantine with their
reason (landed = accepted + quarantined per load), activity dated outside the person's employment is held
back from the metrics with its reason, and bad framework seeds never take effect."""

import json
import re
import shutil
from collections import Counter
from datetime import date
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from orchestration.assets import analytics_assets
from orchestration.assets.dbt import dbt_models
from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.dbt_project import DBT_PROJECT
from orchestration.resources import Warehouse
from sandbox import SandboxServer
from sandbox.bad_input import (
    header_only,
    plant_bad_review_rows,
    reencode,
    shrunk,
    with_bad_hris_rows,
    with_employment_moved,
    with_negative_amounts,
)
from sources.snapshots import ALLOW_TAG
from tests.conftest import DBT, sandbox_systems

HRIS_TABLE, RATINGS = "bamboohr_employees", "review_manager_ratings"


def load(assets, server, warehouse, tags=None, partition_key=None):
    resources = {"dlt": DagsterDltResource(), "warehouse": warehouse, "source_systems": sandbox_systems(server)}
    return dg.materialize(
        assets,
        resources=resources,
        instance=dg.DagsterInstance.ephemeral(),
        tags=tags or {},
        partition_key=partition_key,
        raise_on_error=False,
    )


def failures(result) -> str:
    return "\n".join(
        f"{e.step_failure_data.error.message if e.step_failure_data.error else ''} "
        f"{e.step_failure_data.user_failure_data.description if e.step_failure_data.user_failure_data else ''}"
        for e in result.get_step_failure_events()
    )


def retries(result) -> int:
    return sum(1 for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY")


def count(warehouse, table):
    return warehouse.read(f"select count(*) as n from raw.{table}")["n"][0]


def quarantined(warehouse, source) -> Counter:
    rows = warehouse.read("select reason from raw.quarantine where source = ?", [source])
    return Counter(reason.split(":")[0] for reason in rows["reason"])


def last_counts(warehouse, source) -> dict:
    """Per table, (landed, accepted, quarantined) of the source's last load."""
    frame = warehouse.read(
        "select table_name, landed, accepted, quarantined from meta.load_counts where source = ? "
        "qualify loaded_at = max(loaded_at) over (partition by table_name)",
        [source],
    )
    return {r.table_name: (r.landed, r.accepted, r.quarantined) for r in frame.itertuples()}


@pytest.fixture
def warehouse(tmp_path):
    return Warehouse(path=str(tmp_path / "warehouse.duckdb"))


def serve(company, reviews_dir):
    return SandboxServer(company, port=0, reviews_dir=reviews_dir)


@pytest.fixture
def exports(company, tmp_path):
    directory = tmp_path / "reviews"
    company.write_review_exports(directory)
    return directory


def test_a_clean_load_quarantines_nothing_and_counts_add_up(company, exports, warehouse):
    with serve(company, exports) as server:
        result = load(snapshot_assets, server, warehouse)
    assert result.success
    assert count(warehouse, "quarantine") == 0  # the table exists, empty, from the first load
    counts = {**last_counts(warehouse, "bamboohr"), **last_counts(warehouse, "reviews")}
    for table, (landed, accepted, bad) in counts.items():
        assert (landed, bad) == (accepted, 0) and accepted == count(warehouse, table), table
    metadata = {e.asset_key.path[-1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert metadata[HRIS_TABLE]["landed"].value == len(company.employees) == metadata[HRIS_TABLE]["accepted"].value


def test_bad_hris_rows_are_quarantined_with_their_reason(company, exports, warehouse):
    bad_company, planted = with_bad_hris_rows(company)
    with serve(bad_company, exports) as server:
        result = load(snapshot_assets[:1], server, warehouse)
    assert result.success, failures(result)
    assert quarantined(warehouse, "bamboohr") == planted
    landed, accepted, bad = last_counts(warehouse, "bamboohr")[HRIS_TABLE]
    assert landed == accepted + bad and bad == sum(planted.values())
    assert landed == len(bad_company.hris_people) - 1  # the exact twin collapsed
    assert accepted == count(warehouse, HRIS_TABLE) == len(company.employees) - sum(planted.values()) + 1
    negative = warehouse.read("select record from raw.quarantine where reason like 'negative amount%'")["record"]
    assert json.loads(negative[0])["payRate"]["amount"] == -52000


def test_bad_review_rows_are_quarantined_and_the_others_load(company, exports, warehouse):
    with serve(company, exports) as server:
        assert load(snapshot_assets, server, warehouse).success
        before = {t: count(warehouse, t) for t in (RATINGS, "review_competency_ratings")}
        planted = plant_bad_review_rows(exports, set(warehouse.read(f"select id from raw.{HRIS_TABLE}")["id"]))
        result = load(snapshot_assets, server, warehouse)
    assert result.success, failures(result)
    assert quarantined(warehouse, "reviews") == planted
    counts = last_counts(warehouse, "reviews")
    for table, (landed, accepted, bad) in counts.items():
        assert landed == accepted + bad and accepted == count(warehouse, table), table
    assert counts[RATINGS] == (before[RATINGS] + 6, before[RATINGS] - 1, 7)  # one good row became a conflicting pair
    assert counts["review_competency_ratings"][1:] == (before["review_competency_ratings"], 2)
    record = json.loads(
        warehouse.read("select record from raw.quarantine where reason like 'review cycle%'")["record"][0]
    )
    assert (record["cycle"], record["_source_file"]) == ("2031-Q4", "manager_ratings.csv")


def test_negative_opportunity_amounts_are_quarantined(company, exports, warehouse):
    bad_company, ids = with_negative_amounts(company, 2)
    with serve(bad_company, exports) as server:
        result = load([a for a in activity_assets if a.node_def.name == "raw_salesforce"], server, warehouse,
                      partition_key="2026-09-01")  # fmt: skip
    assert result.success, failures(result)
    keys = set(warehouse.read("select record_key from raw.quarantine where source = 'salesforce'")["record_key"])
    assert keys and keys <= set(ids) and quarantined(warehouse, "salesforce") == {"negative amount": len(keys)}
    assert not keys & set(warehouse.read("select id from raw.salesforce_opportunities")["id"])
    landed, accepted, bad = last_counts(warehouse, "salesforce")["salesforce_opportunities"]
    assert landed == accepted + bad and bad == len(keys)


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16"])
def test_an_export_that_does_not_decode_fails_at_once_naming_file_line_and_byte(company, exports, warehouse, encoding):
    with serve(company, exports) as server:
        assert load(snapshot_assets, server, warehouse).success
        before = count(warehouse, "review_competency_ratings")
        reencode(exports / "competency_ratings.csv", encoding, row=3)
        result = load(snapshot_assets, server, warehouse)
    assert not result.success and retries(result) == 0
    line = 4 if encoding == "latin-1" else 1  # UTF-16 fails on its byte-order mark
    assert f"competency_ratings.csv: not utf-8 text: line {line}, byte offset" in failures(result)
    assert count(warehouse, "review_competency_ratings") == before


def test_empty_or_shrunk_snapshots_are_refused_until_allowed_for_one_run(company, exports, warehouse):
    with serve(company, exports) as server:
        assert load(snapshot_assets, server, warehouse).success
    employees, ratings = count(warehouse, HRIS_TABLE), count(warehouse, RATINGS)
    header_only(exports / "manager_ratings.csv")
    half = shrunk(company, 0.5)

    with serve(half, exports) as server:
        result = load(snapshot_assets, server, warehouse)
    assert not result.success and retries(result) == 0
    refusal = (
        rf"BambooHR report 'perfpipe' \({HRIS_TABLE}\): refused, the snapshot shrank by \d+%, more than "
        rf"SNAPSHOT_MAX_SHRINK=0.2 \(last good load {employees} rows, now (\d+)\)"
    )
    assert (match := re.search(refusal, failures(result))), failures(result)
    with serve(company, exports) as server:
        result = load(snapshot_assets, server, warehouse)
        assert not result.success
        assert (
            f"manager_ratings.csv: refused, the snapshot is empty (last good load {ratings} rows, now 0)"
            in failures(result)
        )
        assert (count(warehouse, HRIS_TABLE), count(warehouse, RATINGS)) == (employees, ratings)  # the last good

        assert load(snapshot_assets, server, warehouse, tags={ALLOW_TAG: "reviews"}).success
    assert count(warehouse, RATINGS) == 0
    with serve(half, exports) as server:
        assert load(snapshot_assets[:1], server, warehouse, tags={ALLOW_TAG: "all"}).success
    assert count(warehouse, HRIS_TABLE) == int(match[1])


def test_bad_framework_seeds_never_take_effect(built, tmp_path):
    """Weights summing to 1.1 and a target distribution summing to 0.9: the build stops before writing
    anything, naming the seed files and their failing rows; framework, marts and analytics keep their values."""
    source, _ = built
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    shutil.copy(source.path, warehouse.path)
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT.project_dir, project, ignore=shutil.ignore_patterns("target", "logs"))
    weights, targets = project / "seeds" / "pillar_weights.csv", project / "seeds" / "target_distribution.csv"
    weights.write_text(weights.read_text().replace("objective,0.70", "objective,0.80"))
    targets.write_text(targets.read_text().replace("Meets,0.50", "Meets,0.40"))
    framework = "select * from framework.pillar_weights order by pillar"
    before = warehouse.frames({"weights": framework, "scores": "select count(*) from marts.fct_performance_scores"})

    dbt = DbtCliResource(project_dir=str(project), dbt_executable=DBT)
    result = dg.materialize(
        [dbt_models, *analytics_assets],
        resources={"dbt": dbt, "warehouse": warehouse},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert not result.success
    message = failures(result)
    assert "pillar_weights.csv: weights_sum_to_one_pillar_weights_weight: fail" in message
    assert "'total_weight': 1.1" in message
    assert "target_distribution.csv: weights_sum_to_one_target_distribution_share: fail" in message
    assert "'total_weight': 0.9" in message
    assert not result.get_asset_materialization_events()  # nothing downstream ran
    after = warehouse.frames({"weights": framework, "scores": "select count(*) from marts.fct_performance_scores"})
    assert all(before[k].equals(after[k]) for k in before)
    schemas = set(warehouse.read("select schema_name from information_schema.schemata")["schema_name"])
    assert not schemas & {"framework_candidate", "dbt_test__audit"}
    assert Path(DBT_PROJECT.manifest_path).exists()


# The day of the person's own part in each kind of record (the spec the models must follow), and where
# the record is: an issue resolved, a pull request opened, a review submitted, an incident paged, a deal
# closed (opened, while open), a ticket solved, a satisfaction rating's ticket solved.
ACTIVITY_DAYS = {
    "jira_issues": ("intermediate.int_jira_issues_estimated", "issue_id", "jira", "assignee_account_id", "r.resolved_at"),
    "github_pull_requests": ("staging.stg_github__pull_requests", "pull_request_id", "github", "author_login", "r.created_at"),
    "github_reviews": ("staging.stg_github__reviews", "review_id", "github", "reviewer_login", "r.submitted_at"),
    "pagerduty_incidents": ("staging.stg_pagerduty__incidents", "incident_id", "pagerduty", "responder_user_id", "r.created_at"),
    "salesforce_opportunities": (
        "staging.stg_salesforce__opportunities", "opportunity_id", "salesforce", "owner_id",
        "case when r.is_closed then r.close_date else r.created_at end",
    ),
    "zendesk_tickets": ("staging.stg_zendesk__tickets", "ticket_id", "zendesk", "assignee_id", "r.solved_at"),
    "zendesk_satisfaction_ratings": (
        "staging.stg_zendesk__satisfaction_ratings", "rating_id", "zendesk", "assignee_id",
        "(select t.solved_at from staging.stg_zendesk__tickets as t where t.ticket_id = r.ticket_id)",
    ),
}  # fmt: skip


def activity_outside(warehouse, employee: str, before: date | None = None, after: date | None = None) -> set:
    """(table, key, reason) of the employee's records whose day is before ``before`` or after ``after``."""
    found = set()
    for table, (relation, key, source, account, day) in ACTIVITY_DAYS.items():
        frame = warehouse.read(
            f"select cast(r.{key} as varchar) as key, cast({day} as date) as day from {relation} as r "
            "join intermediate.int_accounts_resolved as a "
            f"on a.source = ? and a.account_id = r.{account} where a.employee_id = ?",
            [source, employee],
        )
        for row in frame.dropna().itertuples():
            if before and row.day.date() < before:
                found.add((table, row.key, "activity before the hire"))
            if after and row.day.date() > after:
                found.add((table, row.key, "activity after the exit"))
    return found


def test_activity_outside_employment_is_held_back_from_the_metrics_with_its_reason(built, company, tmp_path):
    """The HRIS types an engineer's hire late and records a support agent's exit early: their records dated
    before that hire or after that exit are listed in marts.rpt_quarantined_activity with reason and record,
    and count in no metric; everyone else's metric components stay as they were."""
    source, _ = built
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    shutil.copy(source.path, warehouse.path)
    hired, left = date(2026, 8, 16), date(2026, 8, 10)
    changed, moved = with_employment_moved(company, hired, left)
    engineer, agent = moved
    expected = activity_outside(warehouse, engineer, before=hired) | activity_outside(warehouse, agent, after=left)
    assert {reason for _, _, reason in expected} == {"activity before the hire", "activity after the exit"}
    assert {"jira_issues", "github_pull_requests", "github_reviews", "zendesk_tickets"} <= {t for t, _, _ in expected}
    components = "select * from intermediate.int_metric_components_unioned order by all"
    before = warehouse.read(components)

    reviews = tmp_path / "reviews"
    changed.write_review_exports(reviews)
    with serve(changed, reviews) as server:
        assert load(snapshot_assets, server, warehouse).success
    models = ["staging/stg_bamboohr__employees", "intermediate/int_accounts_resolved"]
    models += ["intermediate/int_metric_components_unioned", "marts/rpt_quarantined_activity"]
    result = dg.materialize(
        [dbt_models],
        selection=[dg.AssetKey(m.split("/")) for m in models],
        resources={"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT), "warehouse": warehouse},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success

    held = warehouse.read("select * from marts.rpt_quarantined_activity")
    assert set(zip(held["table_name"], held["record_key"], held["reason"])) == expected
    assert set(held["employee_id"]) == {engineer, agent}
    assert set(held.loc[held["employee_id"] == engineer, "hire_date"]) == {pd.Timestamp(hired)}
    assert set(held.loc[held["employee_id"] == agent, "termination_date"]) == {pd.Timestamp(left)}
    for row in held.itertuples():
        assert json.loads(row.record)[ACTIVITY_DAYS[row.table_name][1]] == row.record_key

    after = warehouse.read(components)
    others = ~before["employee_id"].isin(moved)
    pd.testing.assert_frame_equal(
        before[others].reset_index(drop=True), after[~after["employee_id"].isin(moved)].reset_index(drop=True)
    )
    august = pd.Timestamp(2026, 8, 1)
    assert after.loc[after["employee_id"] == engineer, "month_start"].min() >= august
    # A customer may rate a ticket solved before the exit weeks later: only such ratings count after it.
    late = after[(after["employee_id"] == agent) & (after["month_start"] > august)]
    assert set(late["metric_key"]) <= {"csat"}
    print(
        f"\nactivity outside employment: {len(held)} records held back "
        f"({held.groupby('table_name').size().to_dict()}); others' components unchanged: {int(others.sum())} rows"
    )
