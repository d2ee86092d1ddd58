"""The asset checks through Dagster on real warehouses: load anomalies on a sandbox whose June is
abnormal (Salesforce revenue x10, Zendesk tickets down to a tenth), the analytics checks on the
session's analysed warehouse and on a deliberately broken copy, and the data-health page."""

import shutil
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
from dagster_dlt import DagsterDltResource

from orchestration.assets import analytics_assets
from orchestration.assets.dashboards import dashboard_site
from orchestration.assets.raw import activity_assets
from orchestration.checks import activity_checks, analytics_checks
from orchestration.definitions import defs
from orchestration.partitions import range_tags
from orchestration.resources import Warehouse
from sandbox.volumes import scale_revenue, thin_month
from tests.conftest import sandbox_systems, serving

SOURCES = ("salesforce", "zendesk", "pagerduty")


def evaluations(result) -> dict[str, dg.AssetCheckEvaluation]:
    return {f"{e.asset_key.path[-1]}:{e.check_name}": e for e in result.get_asset_check_evaluations()}


def figures(evaluation) -> dict:
    return {name: value.value for name, value in evaluation.metadata.items()}


@pytest.fixture(scope="module")
def abnormal(analysed, company, tmp_path_factory):
    """A copy of the analysed warehouse (July-September loaded), then February-June of three sources
    loaded from a sandbox whose June is abnormal for two of them, with their load checks."""
    warehouse, _ = analysed
    folder = tmp_path_factory.mktemp("abnormal")
    copy = Warehouse(path=str(folder / "warehouse.duckdb"))
    shutil.copy(warehouse.path, copy.path)
    scaled = thin_month(scale_revenue(company, "2026-06", 10), "tickets", "2026-06", 0.1)
    with serving(scaled, folder) as server:
        resources = {"dlt": DagsterDltResource(), "warehouse": copy, "source_systems": sandbox_systems(server)}
        loads = [a for a in activity_assets if a.op.name.removeprefix("raw_") in SOURCES]
        checks = [c for c in activity_checks if c.node_def.name.removesuffix("_load_anomalies") in SOURCES]
        result = dg.materialize(
            [*loads, *checks],
            resources=resources,
            instance=dg.DagsterInstance.ephemeral(),
            tags=range_tags("2026-02-01", "2026-06-01"),
            raise_on_error=False,
        )
    assert result.success  # WARN checks never fail the run
    return copy, result


def test_a_month_far_from_the_months_before_is_flagged_with_its_figures(abnormal):
    warehouse, result = abnormal
    checks = evaluations(result)
    revenue = checks["salesforce_opportunities:load_anomalies"]
    assert not revenue.passed and revenue.severity == dg.AssetCheckSeverity.WARN
    numbers = figures(revenue)
    assert numbers["closed_won_revenue/window"] == "2026-06"
    assert numbers["closed_won_revenue/ratio"] > 5 and numbers["rows/ratio"] == pytest.approx(1, abs=0.5)
    assert numbers["closed_won_revenue/value"] == pytest.approx(
        numbers["closed_won_revenue/baseline"] * numbers["closed_won_revenue/ratio"]
    )
    assert "2026-06 closed_won_revenue" in revenue.description and "rows" not in revenue.description
    tickets = checks["zendesk_tickets:load_anomalies"]
    assert not tickets.passed and figures(tickets)["rows/ratio"] < 0.2
    # the ratings of the dropped tickets went with them; every other table of the three sources is normal
    failed = {e.asset_key.path[-1] for e in checks.values() if not e.passed}
    assert failed == {"salesforce_opportunities", "zendesk_tickets", "zendesk_satisfaction_ratings"}
    assert {"pagerduty_incidents:load_anomalies", "salesforce_users:load_anomalies"} <= checks.keys()
    stored = warehouse.read(
        "select table_name, strftime(window_start, '%Y-%m') as month, measure, value, baseline, ratio, flagged "
        "from meta.load_anomalies where table_name in ('salesforce_opportunities', 'zendesk_tickets')"
    )
    flagged = stored[stored["flagged"]]
    assert set(zip(flagged["table_name"], flagged["month"], flagged["measure"])) == {
        ("salesforce_opportunities", "2026-06", "closed_won_revenue"),
        ("zendesk_tickets", "2026-06", "rows"),
        ("zendesk_tickets", "2026-06", "solved"),
    }
    may = stored[stored["month"] == "2026-05"]  # judged against February-April, and normal
    assert len(may) and may["baseline"].notna().all() and not may["flagged"].any()
    assert not set(stored["month"]) & {"2026-07", "2026-08", "2026-09"}  # not in the last load: not judged again


def test_checks_show_in_the_code_location_and_run_in_the_jobs():
    checks = {f"{key.asset_key.to_user_string()}:{key.name}" for key in defs.resolve_asset_graph().asset_check_keys}
    for name in (
        "raw/salesforce_opportunities:load_anomalies",
        "raw/bamboohr_employees:load_anomalies",
        "analytics/merit_pools:merit_pools_within_budget",
        "analytics/final_ratings:final_ratings_cover_population",
        "analytics/calibrated_ratings:suggestions_follow_target",
    ):
        assert name in checks
    ingest = {
        k.asset_key.to_user_string() for k in defs.resolve_job_def("ingest").asset_layer.asset_graph.asset_check_keys
    }
    refresh = {k.name for k in defs.resolve_job_def("refresh").asset_layer.asset_graph.asset_check_keys}
    assert "raw/zendesk_tickets" in ingest and "merit_pools_within_budget" in refresh


def run_analytics_checks(warehouse):
    return dg.materialize(
        [*analytics_assets, *analytics_checks],
        selection=dg.AssetSelection.all_asset_checks(),
        resources={"warehouse": warehouse},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def test_the_analytics_checks_pass_on_the_analysed_warehouse(analysed):
    warehouse, _ = analysed
    result = run_analytics_checks(warehouse)
    assert result.success
    checks = evaluations(result)
    assert len(checks) == 3 and all(e.passed for e in checks.values())
    assert figures(checks["calibrated_ratings:suggestions_follow_target"])["groups"] > 0
    assert figures(checks["final_ratings:final_ratings_cover_population"])["population"] > 0


def test_the_analytics_checks_fail_with_the_figures_on_a_broken_warehouse(analysed, tmp_path):
    warehouse, _ = analysed
    broken = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    shutil.copy(warehouse.path, broken.path)
    with broken.connect(read_only=False) as con:
        con.execute("update analytics.merit_pools set spent = budget + 1234.5 where department = 'Sales'")
        (gone,) = con.execute("select employee_id from analytics.final_ratings order by cycle desc limit 1").fetchone()
        con.execute("delete from analytics.final_ratings where employee_id = ?", [gone])
        (group,) = con.execute(
            "select calibration_group from analytics.calibrated_ratings "
            "where not group_too_small and cycle_state <> 'closed' limit 1"
        ).fetchone()
        con.execute(
            "update analytics.calibrated_ratings set suggested_rating = 'Exceptional' where calibration_group = ?",
            [group],
        )
    result = run_analytics_checks(broken)
    assert not result.success  # ERROR checks are blocking: the run fails
    checks = evaluations(result)
    pools = checks["merit_pools:merit_pools_within_budget"]
    assert not pools.passed and pools.severity == dg.AssetCheckSeverity.ERROR
    assert figures(pools)["largest_overspend"] == pytest.approx(1234.5) and "Sales" in pools.description
    population = checks["final_ratings:final_ratings_cover_population"]
    assert not population.passed and figures(population)["missing"] >= 1 and gone in population.description
    target = checks["calibrated_ratings:suggestions_follow_target"]
    assert not target.passed and figures(target)["groups_off_target"] >= 1 and group in target.description


def test_the_process_health_page_shows_staleness_counts_quarantine_and_the_anomaly(abnormal, tmp_path, monkeypatch):
    warehouse, _ = abnormal
    five_days_ago = datetime.now(UTC) - timedelta(days=5)
    with warehouse.connect(read_only=False) as con:
        # sonarqube has not loaded for five days
        con.execute("update meta.loads set loaded_at = ? where source = 'sonarqube'", [five_days_ago])
        # the load ledger and quarantine rows as stream 'input' writes them (the contract's columns)
        con.execute(
            "create table if not exists meta.load_counts (source varchar, table_name varchar, window_start timestamptz, "
            "window_end timestamptz, landed bigint, accepted bigint, quarantined bigint, loaded_at timestamptz)"
        )
        con.execute(
            "insert into meta.load_counts values ('bamboohr', 'bamboohr_employees', null, null, 83, 80, 3, now())"
        )
        con.execute(
            "create table if not exists raw.quarantine (source varchar, table_name varchar, record_key varchar, "
            "reason varchar, record varchar, loaded_at timestamptz)"
        )
        con.execute(
            "insert into raw.quarantine values "
            "('bamboohr', 'bamboohr_employees', '9001', 'negative salary', '{}', now()), "
            "('bamboohr', 'bamboohr_employees', '9002', 'negative salary', '{}', now()), "
            "('bamboohr', 'bamboohr_employees', '9003', 'hire date in the future', '{}', now())"
        )
        # activity the dbt build held back (marts.rpt_quarantined_activity)
        con.execute(
            "insert into marts.rpt_quarantined_activity by name select 'github' as source, 'github_reviews' as "
            "table_name, 'org/repo#1/reviews/1' as record_key, employee_id, date '2026-06-01' as activity_date, "
            "'activity before the hire' as reason, '{}' as record, now() as loaded_at from marts.dim_employees limit 1"
        )
    monkeypatch.setenv("DASHBOARDS_DIR", str(tmp_path / "site"))
    assert dg.materialize(
        [dashboard_site], resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
    ).success
    page = (tmp_path / "site" / "hr" / "process-health.html").read_text(encoding="utf-8")
    assert "hr/process-health.html" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")

    def row(label: str) -> str:
        return page[page.index(f"<td>{label}</td>") :].split("</tr>")[0]

    assert "5.0 days" in row("sonarqube") and "stale" in row("sonarqube")
    assert "fresh" in row("salesforce")
    counts = page[page.index("What did each load land") :]
    assert '<td class="num">83</td><td class="num">80</td>' in counts and ">3</span>" in counts
    assert 'negative salary</td><td class="num">2</td>' in page and "hire date in the future" in page
    assert '<td>github_reviews</td><td>activity before the hire</td><td class="num">1</td>' in page
    anomalies = page[page.index("Which loads were flagged") : page.index("What did each load land")]
    at = anomalies.index("closed_won_revenue")
    revenue = anomalies[anomalies.rindex("<tr>", 0, at) : anomalies.index("</tr>", at)]
    assert "2026-06" in revenue and "zendesk_tickets" in anomalies
    stored = warehouse.read(
        "select value, baseline, ratio from meta.load_anomalies where flagged and measure = 'closed_won_revenue' "
        "order by checked_at desc limit 1"
    ).iloc[0]
    for shown in (f"{stored['value']:,.0f}", f"{stored['baseline']:,.0f}", f"x{stored['ratio']:.2f}"):
        assert shown in revenue
