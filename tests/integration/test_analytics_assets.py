"""The decision-analytics assets on the session's warehouse (ingested and built by dbt): every
table lands in the analytics schema with its figures, and holds what HR relies on."""

import dagster as dg
import duckdb
import pandas as pd
import pytest

from analytics.calibration import largest_remainder_counts
from orchestration.assets.analytics_tables import TARGET_SQL
from orchestration.assets.calibration import rating_calibration

TABLES = {
    "calibrated_ratings",
    "calibration_by_manager",
    "calibration_by_group",
    "calibration_outliers",
    "calibration_fairness",
    "calibration_summary",
    "final_ratings",
    "manager_bias",
    "rating_audit",
    "merit_plan",
    "merit_pools",
    "merit_cells",
    "promotion_readiness",
    "succession_pipeline",
    "top_performer_signals",
    "attrition_risk_signals",
    "early_signal_models",
    "early_signal_coefficients",
    "process_health",
    "process_health_overall",
}


def frame(warehouse, sql: str) -> pd.DataFrame:
    with duckdb.connect(warehouse.path, read_only=True) as con:
        return con.execute(sql).df()


def test_every_analytics_table_is_materialised_with_its_figures(analysed):
    warehouse, result = analysed
    assert result.success
    materialised = {e.asset_key.path[1]: e.materialization.metadata for e in result.get_asset_materialization_events()}
    assert set(materialised) == TABLES | {"metric_threshold_proposal"}
    assert (
        set(
            frame(warehouse, "select table_name from information_schema.tables where table_schema = 'analytics'")[
                "table_name"
            ]
        )
        == TABLES
    )
    assert {"inflation_before_pct", "calibration_variance_after_pct"} <= set(materialised["calibration_summary"])
    assert {"top_performer/auc", "regrettable_attrition/brier"} <= set(materialised["early_signal_models"])
    assert "lowest_pool_used_pct" in materialised["merit_pools"]


def test_calibration_rates_everyone_scored_with_the_target_counts_per_group(analysed):
    warehouse, _ = analysed
    calibrated = frame(warehouse, "select * from analytics.calibrated_ratings")
    target = frame(warehouse, TARGET_SQL)
    scored = calibrated[calibrated["calibration_score"].notna()]
    assert len(scored) > 0 and scored["suggested_rank"].notna().all()
    # No band is forced on a group too small for the target (none is in the sandbox after pooling).
    small = calibrated[calibrated["group_too_small"].fillna(False).astype(bool)]
    assert not small["is_changed"].any()
    for _, group in calibrated[calibrated["submitted_rating"].notna()].groupby(["cycle", "calibration_group"]):
        if group["group_too_small"].any() or group["tied_across_bands"].any() or group["is_unranked"].any():
            continue
        counts = group["suggested_rank"].value_counts().reindex(target["band_rank"], fill_value=0).to_numpy()
        assert (counts == largest_remainder_counts(len(group), target["share"].to_numpy())).all()
    # The best-evidenced person of a group never gets a lower rating than a less evidenced one.
    for _, group in scored.groupby(["cycle", "calibration_group"]):
        ordered = group.sort_values(["calibration_score", "employee_id"], ascending=[False, True])
        assert ordered["suggested_rank"].is_monotonic_decreasing


def test_rating_audit_is_append_only(analysed):
    warehouse, _ = analysed
    before = frame(warehouse, "select * from analytics.rating_audit order by all")
    changes = frame(warehouse, "select count(*) as n from analytics.calibrated_ratings where is_changed")["n"][0]
    assert (before["stage"] == "suggested").sum() == changes > 0
    rerun = dg.materialize(
        [rating_calibration], resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
    )
    audit = [e for e in rerun.get_asset_materialization_events() if e.asset_key.path[1] == "rating_audit"]
    assert audit[0].materialization.metadata["rows_added"].value == 0
    pd.testing.assert_frame_equal(frame(warehouse, "select * from analytics.rating_audit order by all"), before)


def test_merit_pools_are_spent_to_the_cent_without_overspending(analysed):
    warehouse, _ = analysed
    pools = frame(warehouse, "select * from analytics.merit_pools")
    plan = frame(warehouse, "select * from analytics.merit_plan")
    assert len(pools) > 0
    assert (pools["spent"] <= pools["budget"] + 1e-9).all()
    fillable = pools[pools["note"].isna()]
    assert len(fillable) > 0 and (fillable["used_pct"] >= 99.5).all()
    spent = plan.groupby("department")["increase"].sum()
    assert (spent.reindex(pools["department"]).to_numpy() - pools["spent"].to_numpy() < 0.01).all()
    assert (plan.loc[plan["rating"] == "Improvement", "increase"] == 0).all()
    cells = frame(warehouse, "select * from analytics.merit_cells")
    assert cells.groupby(["rating", "compa_band"])["merit_pct"].nunique().max() == 1  # one share: one % per cell


def test_a_review_cycle_is_its_quarter_and_merit_rewards_the_twelve_months_ending_with_it(analysed):
    warehouse, _ = analysed
    cycle = frame(warehouse, "select * from marts.dim_review_cycles where cycle = '2026-Q3'").iloc[0]
    assert [
        str(cycle[c].date()) for c in ("quarter_start", "quarter_end", "merit_window_start", "merit_window_end")
    ] == ["2026-07-01", "2026-09-30", "2025-10-01", "2026-09-30"]


def test_promotion_readiness_covers_the_active_employees(analysed):
    warehouse, _ = analysed
    readiness = frame(warehouse, "select * from analytics.promotion_readiness")
    active = frame(warehouse, "select employee_id from marts.dim_employees where is_active")
    assert set(readiness["employee_id"]) == set(active["employee_id"])
    levels = set(frame(warehouse, "select readiness from framework.readiness_levels")["readiness"])
    assert set(readiness["readiness"]) <= levels | {"Top of ladder", "No data"}
    succession = frame(warehouse, "select * from analytics.succession_pipeline")
    assert succession["headcount"].sum() == len(readiness)


def test_early_signals_score_the_active_people_or_say_why_not(analysed):
    warehouse, _ = analysed
    models = frame(warehouse, "select * from analytics.early_signal_models").set_index("model")
    assert set(models.index) == {"top_performer", "regrettable_attrition"}
    features = frame(warehouse, "select feature from analytics.early_signal_coefficients")["feature"]
    assert not features.str.contains("gender").any()
    active = set(frame(warehouse, "select employee_id from marts.dim_employees where is_active")["employee_id"])
    for model, table in (
        ("top_performer", "top_performer_signals"),
        ("regrettable_attrition", "attrition_risk_signals"),
    ):
        signals = frame(warehouse, f"select * from analytics.{table}")
        assert set(signals["employee_id"]) <= active
        # Three months of history are too few to label anyone: the model says so instead of guessing.
        if signals["probability"].isna().all():
            assert models.loc[model, "reason"]
        else:
            assert signals["probability"].dropna().between(0, 1).all() and signals["probability"].nunique() > 1


def test_process_health_judges_every_metric_of_the_latest_cycle(analysed):
    warehouse, _ = analysed
    report = frame(warehouse, "select * from analytics.process_health")
    targets = frame(warehouse, "select metric from framework.process_health_targets")
    latest = report[report["cycle"] == report["cycle"].max()]
    assert set(latest["metric"]) == set(targets["metric"])
    assert set(latest["status"]) <= {"healthy", "at risk", "no data"}
    freshness = latest.set_index("metric").loc["data_freshness_hours"]
    assert freshness["status"] == "healthy"  # loaded minutes ago
    assert latest.loc[latest["status"] == "at risk", "recommendation"].notna().all()


def test_the_threshold_proposal_is_the_seed_with_the_derived_thresholds_it_was_scored_on(analysed):
    warehouse, _ = analysed
    fit = frame(warehouse, "select * from marts.rpt_metric_threshold_fit")
    cycle = fit["cycle"].max()
    proposal = pd.read_csv(warehouse.data_dir / "framework" / f"metric_definitions.{cycle}.csv")
    seed = frame(warehouse, "select * from framework.metric_definitions")
    assert list(proposal.columns) == list(seed.columns) and len(proposal) == len(seed)
    derived = fit[(fit["cycle"] == cycle) & (fit["scored_on"] == "derived")].set_index(["role", "metric_key"])
    by_key = proposal.set_index(["role", "metric_key"])
    for (role, metric), row in by_key.iterrows():
        source = derived.loc[(role, metric)] if (role, metric) in derived.index else None
        expected = source["derived_meets"] if source is not None else seed.set_index(["role", "metric_key"]).loc[
            (role, metric), "meets"]  # fmt: skip
        assert row["meets"] == pytest.approx(expected)
