"""Decision analytics: the pure functions of ``analytics/`` run on the marts, their results written
to the ``analytics`` schema for analysts and the dashboards.

Every number comes from a framework seed (HR edits the CSV) or from asset config, and every
asset records its key figures as metadata.
"""

from datetime import UTC, date, datetime

import dagster as dg
import duckdb
import pandas as pd

from analytics import calibration, compensation, health, prediction, promotion

from ..resources import Warehouse
from .raw import activity_assets, snapshot_assets

GROUP = "analytics"
OWNER = "team:people-analytics"
KINDS = {"python", "duckdb"}


def _key(schema: str, name: str) -> dg.AssetKey:
    return dg.AssetKey([schema, name])


def _specs(tables: dict[str, str], deps: list[dg.AssetKey]) -> list[dg.AssetSpec]:
    return [dg.AssetSpec(_key(GROUP, table), description=text, deps=deps, group_name=GROUP, kinds=KINDS,
                         owners=[OWNER]) for table, text in tables.items()]


def _read(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def _parameters(con: duckdb.DuckDBPyConnection, seed: str) -> dict[str, float]:
    return dict(con.execute(f"select parameter, value from framework.{seed}").fetchall())


def _publish(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> None:
    """Replace each analytics table in one transaction, so readers never see half a refresh."""
    con.execute(f"create schema if not exists {GROUP}")
    con.begin()
    for table, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"create or replace table {GROUP}.{table} as select * from frame")
        con.unregister("frame")
    con.commit()


def _results(tables: dict[str, pd.DataFrame], metadata: dict[str, dict]) -> list[dg.MaterializeResult]:
    return [dg.MaterializeResult(asset_key=_key(GROUP, table),
                                 metadata={"rows": len(frame), **metadata.get(table, {})})
            for table, frame in tables.items()]


TARGET_SQL = ("select t.band, b.band_rank, t.share from framework.target_distribution as t "
              "join framework.rating_bands as b using (band) order by b.band_rank desc")


# --- calibration ----------------------------------------------------------------------------

CALIBRATION_TABLES = {
    "calibrated_ratings": "Per review cycle and employee: the submitted rating and the rating the calibration "
                          "suggests: the target distribution within department and level group, by the rank of "
                          "the performance score blended with the manager's leniency-corrected rating.",
    "calibration_by_manager": "Per cycle and manager: inflation before and after, distribution against the target, "
                              "chi-square p-value, rater leniency.",
    "calibration_by_group": "Per cycle and calibration group (department, level group): the same report.",
    "calibration_outliers": "People whose submitted rating is two or more bands from the data-driven band, with "
                            "their weakest metric scores as evidence.",
    "calibration_fairness": "Per cycle, group attribute and value: top-rating rate, four-fifths impact ratio and "
                            "Fisher exact p-value, before (submitted) and after (calibrated).",
    "calibration_summary": "Per cycle: inflation, calibration variance and adverse-impact flags before and after.",
    "rating_audit": "Append-only log of every proposed rating change: who or what proposed it, from, to, why, when.",
}
CALIBRATION_DEPS = [_key("marts", "fct_manager_ratings"), _key("marts", "dim_employees"),
                    _key("marts", "fct_metric_scores"), _key("framework", "target_distribution"),
                    _key("framework", "rating_bands"), _key("framework", "calibration_parameters")]
FAIRNESS_ATTRIBUTES = ("gender",)
CALIBRATION_GROUP = ("department", "level_group")


def calibrate_cycle(ratings: pd.DataFrame, metric_scores: pd.DataFrame, target: pd.DataFrame,
                    params: dict[str, float], proposed_at: datetime) -> dict[str, pd.DataFrame]:
    """Every calibration output for one review cycle's ratings."""
    cycle = ratings["cycle"].iloc[0]
    ratings = ratings.assign(calibration_score=calibration.calibration_score(
        ratings, target, params["judgement_weight"], params["leniency_shrinkage"]))
    calibrated = calibration.suggest_ratings(ratings, target, group_by=CALIBRATION_GROUP,
                                             score_column="calibration_score")
    by_manager = calibration.calibration_report(calibrated, target, by=["manager_id"])
    by_group = calibration.calibration_report(calibrated, target, by=list(CALIBRATION_GROUP))
    outliers = calibration.rating_outliers(calibrated, metric_scores, min_band_gap=int(params["min_band_gap"]),
                                           max_metrics=int(params["evidence_metrics"]))
    attributes = [a for a in FAIRNESS_ATTRIBUTES if a in ratings.columns]
    fairness = pd.concat([
        calibration.fairness_report(calibrated, attributes, rank_column=f"{stage}_rank",
                                    top_rank=int(params["top_rank"]),
                                    min_impact_ratio=params["min_impact_ratio"]).assign(ratings=label)
        for stage, label in (("submitted", "submitted"), ("suggested", "calibrated"))], ignore_index=True)
    summary = pd.DataFrame([{
        "rated": int(calibrated["submitted_rank"].notna().sum()),
        "changes": int(calibrated["is_changed"].sum()),
        "outliers": len(outliers),
        "inflation_before": calibration.rating_inflation(calibrated["submitted_rank"], target),
        "inflation_after": calibration.rating_inflation(calibrated["suggested_rank"], target),
        "variance_before": calibration.calibration_variance(calibrated, "submitted_rank"),
        "variance_after": calibration.calibration_variance(calibrated, "suggested_rank"),
        "adverse_impact_before": int(fairness.query("ratings == 'submitted'")["adverse_impact"].sum()),
        "adverse_impact_after": int(fairness.query("ratings == 'calibrated'")["adverse_impact"].sum()),
    }])
    tables = {"calibrated_ratings": calibrated, "calibration_by_manager": by_manager,
              "calibration_by_group": by_group, "calibration_outliers": outliers,
              "calibration_fairness": fairness, "calibration_summary": summary}
    tables = {name: frame.assign(cycle=cycle)[["cycle", *frame.columns.drop("cycle", errors="ignore")]]
              for name, frame in tables.items()}
    tables["rating_audit"] = calibration.audit_rows(calibrated, cycle, proposed_at, score_column="calibration_score")
    return tables


def _append_audit(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> int:
    """Append proposals not already logged (a re-run proposing the same change adds nothing)."""
    con.register("proposed", rows)
    con.execute(f"create table if not exists {GROUP}.rating_audit as select * from proposed limit 0")
    added = con.execute(f"""
        insert into {GROUP}.rating_audit
        select p.* from proposed as p
        where not exists (
            select 1 from {GROUP}.rating_audit as a
            where a.employee_id = p.employee_id and a.cycle = p.cycle and a.proposed_by = p.proposed_by
              and a.from_rating is not distinct from p.from_rating and a.to_rating = p.to_rating)
    """).fetchone()[0]
    con.unregister("proposed")
    return added


@dg.multi_asset(specs=_specs(CALIBRATION_TABLES, CALIBRATION_DEPS), pool="warehouse")
def rating_calibration(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Calibrate every review cycle's ratings against the target distribution and the evidence."""
    with warehouse.connect(read_only=False) as con:
        target, params = _read(con, TARGET_SQL), _parameters(con, "calibration_parameters")
        ratings = _read(con, """
            select r.cycle, r.employee_id, r.manager_id, e.department, e.level_group, e.gender,
                   r.submitted_rating, r.performance_score, r.data_driven_band
            from marts.fct_manager_ratings as r join marts.dim_employees as e using (employee_id)
            order by r.cycle, r.employee_id""")
        metric_scores = _read(con, """
            select r.cycle, m.employee_id, m.metric_name, m.metric_score, m.metric_value, m.unit
            from marts.fct_metric_scores as m
            join (select distinct cycle, quarter_start from marts.fct_manager_ratings) as r
                on m.period_type = 'quarter' and m.period_start = r.quarter_start""")
        proposed_at = datetime.now(UTC)
        cycles = [calibrate_cycle(group, metric_scores[metric_scores["cycle"] == cycle], target, params, proposed_at)
                  for cycle, group in ratings.groupby("cycle", sort=True)]
        tables = {name: pd.concat([c[name] for c in cycles], ignore_index=True) for name in CALIBRATION_TABLES}
        audit = tables.pop("rating_audit")
        _publish(con, tables)
        added = _append_audit(con, audit)
    latest = tables["calibration_summary"].iloc[-1]
    context.log.info(f"cycle {latest['cycle']}: {latest['changes']} suggested changes, {latest['outliers']} outliers")
    figures = {"cycle": str(latest["cycle"]), "suggested_changes": int(latest["changes"]),
               "outliers": int(latest["outliers"]),
               "inflation_before_pct": float(latest["inflation_before"]),
               "inflation_after_pct": float(latest["inflation_after"]),
               "calibration_variance_before_pct": float(latest["variance_before"]),
               "calibration_variance_after_pct": float(latest["variance_after"]),
               "adverse_impact_groups_before": int(latest["adverse_impact_before"]),
               "adverse_impact_groups_after": int(latest["adverse_impact_after"])}
    yield from _results(tables, {"calibration_summary": figures})
    yield dg.MaterializeResult(asset_key=_key(GROUP, "rating_audit"), metadata={"rows_added": added})


# --- merit ----------------------------------------------------------------------------------

MERIT_TABLES = {
    "merit_plan": "Per employee: the merit increase of the latest cycle's calibrated rating and compa-ratio band, "
                  "scaled so each department pool is spent as fully as the caps allow, with lump sums above "
                  "the range maximum.",
    "merit_pools": "Per department pool: payroll, budget, spent and share of the budget used.",
}


def merit_cycle(quarter_start: date) -> tuple[date, date]:
    """The twelve months of service a merit plan rewards, ending with the review cycle's quarter."""
    end = (pd.Timestamp(quarter_start) + pd.DateOffset(months=3) - pd.Timedelta(days=1)).date()
    return (pd.Timestamp(end) - pd.DateOffset(years=1) + pd.Timedelta(days=1)).date(), end


@dg.multi_asset(
    specs=_specs(MERIT_TABLES, [_key(GROUP, "calibrated_ratings"), _key("marts", "dim_employees"),
                                *(_key("framework", s) for s in ("merit_matrix", "compa_ratio_bands",
                                                                 "merit_budgets", "merit_parameters"))]),
    pool="warehouse",
)
def merit_budget(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Plan merit increases for the active employees rated in the latest review cycle."""
    with warehouse.connect(read_only=False) as con:
        cycle, quarter_start = con.execute(
            "select cycle, quarter_start from marts.fct_manager_ratings order by quarter_start desc limit 1").fetchone()
        employees = _read(con, f"""
            select e.employee_id, e.department, e.salary, c.suggested_rating as rating, e.compa_ratio,
                   e.pay_range_max, e.hire_date
            from marts.dim_employees as e
            join {GROUP}.calibrated_ratings as c on c.employee_id = e.employee_id and c.cycle = '{cycle}'
            where e.is_active and c.suggested_rating is not null""")
        start, end = merit_cycle(quarter_start)
        plan, pools = compensation.plan_merit(
            employees, *(_read(con, f"select * from framework.{seed}")
                         for seed in ("merit_matrix", "compa_ratio_bands", "merit_budgets", "merit_parameters")),
            cycle_start=start, cycle_end=end)
        tables = {"merit_plan": plan.assign(cycle=cycle), "merit_pools": pools.assign(cycle=cycle)}
        _publish(con, tables)
    used = {row.department: round(float(row.used_pct), 4) for row in pools.itertuples()}
    context.log.info(f"cycle {cycle}: budget used per pool (%): {used}")
    yield from _results(tables, {"merit_pools": {
        "cycle": cycle, "budget": float(pools["budget"].sum()), "spent": float(pools["spent"].sum()),
        "lowest_pool_used_pct": float(pools["used_pct"].min()), **{f"used_pct/{d}": v for d, v in used.items()}}})


# --- promotion readiness --------------------------------------------------------------------

PROMOTION_TABLES = {
    "promotion_readiness": "Per active employee: the four readiness factors (rating history, skill gap to the next "
                           "level, scope, business impact), the composite, the readiness level and development areas.",
    "succession_pipeline": "Per department and level: headcount, ready now and ready in six months.",
}


@dg.multi_asset(
    specs=_specs(PROMOTION_TABLES, [_key(GROUP, "calibrated_ratings"), _key("marts", "dim_employees"),
                                    _key("marts", "fct_competency_ratings"), _key("marts", "fct_promotion_evidence"),
                                    *(_key("framework", s) for s in ("promotion_factors", "readiness_levels",
                                                                     "promotion_parameters", "promotion_band_points",
                                                                     "next_level_requirements"))]),
    pool="warehouse",
)
def promotion_pipeline(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Score promotion readiness from the calibrated rating history, 360 skills, scope and impact."""
    with warehouse.connect(read_only=False) as con:
        config = promotion.PromotionConfig.from_seeds(*(
            _read(con, f"select * from framework.{seed}")
            for seed in ("promotion_factors", "readiness_levels", "promotion_parameters", "promotion_band_points")))
        employees = _read(con, """
            select e.employee_id, e.department, e.level, n.next_level, e.level_group
            from marts.dim_employees as e
            left join (select distinct level, next_level from framework.next_level_requirements) as n using (level)
            where e.is_active""")
        history = _read(con, f"select employee_id, cycle, suggested_rating as rating from {GROUP}.calibrated_ratings "
                             f"where suggested_rating is not null")
        gaps = _read(con, """
            select employee_id, competency, competency_name, next_level_required, gap_to_next_level
            from marts.fct_competency_ratings
            where cycle = (select max(cycle) from marts.fct_competency_ratings) and next_level_required is not null""")
        evidence = _read(con, "select employee_id, projects_led, mentees, business_impact_score as impact_score "
                              "from marts.fct_promotion_evidence")
        readiness = promotion.promotion_readiness(
            employees, history, gaps, evidence.dropna(subset=["projects_led", "mentees"]),
            evidence.dropna(subset=["impact_score"]), config)
        tables = {"promotion_readiness": readiness,
                  "succession_pipeline": promotion.succession(readiness, employees, config)}
        _publish(con, tables)
    counts = readiness["readiness"].value_counts()
    context.log.info(f"readiness: {counts.to_dict()}")
    yield from _results(tables, {"promotion_readiness": {f"count/{k}": int(v) for k, v in counts.items()}})


# --- early signals --------------------------------------------------------------------------

SIGNAL_TABLES = {
    "top_performer_signals": "Per active employee: the chance of being rated Strong or better in a coming quarter, "
                             "from their early months of scores, with the drivers in plain words.",
    "attrition_risk_signals": "Per active employee: the chance of a regrettable departure within the horizon, "
                              "with the drivers in plain words.",
    "early_signal_models": "Per model: held-out AUC and Brier score of the time-based split, sizes and base rates.",
    "early_signal_coefficients": "Per model and feature: the logistic-regression coefficient per standard deviation.",
}


class EarlySignalConfig(dg.Config):
    """The knobs analysts tune; the rest are the models' defaults (analytics/prediction.py)."""

    feature_months: int = 3
    attrition_horizon_months: int = 6
    regularisation_c: float = 1.0


def _model_row(model: str, metrics: dict[str, object]) -> dict[str, object]:
    return {"model": model, **{k: (None if v is None else str(v) if isinstance(v, (date, tuple)) else v)
                               for k, v in metrics.items()}}


@dg.multi_asset(
    specs=_specs(SIGNAL_TABLES, [_key("marts", "fct_performance_scores"), _key("marts", "dim_employees"),
                                 _key("marts", "fct_manager_ratings"), _key("framework", "rating_bands")]),
    pool="warehouse",
)
def early_signals(context: dg.AssetExecutionContext, config: EarlySignalConfig, warehouse: Warehouse):
    """Train the top-performer and regrettable-attrition models on a time-based split and score everyone."""
    with warehouse.connect(read_only=False) as con:
        scores = _read(con, """
            select employee_id, period_type, period_start, performance_score, objective_score, output_score,
                   quality_score, efficiency_score, impact_score, competency_score, coverage, band_rank
            from marts.fct_performance_scores""")
        employees = _read(con, "select * from marts.dim_employees")
        ratings = _read(con, "select employee_id, quarter_start, submitted_rank from marts.fct_manager_ratings")
        bands = _read(con, "select band, band_rank from framework.rating_bands")
        monthly = scores[scores["period_type"] == "month"].drop(columns="period_type")
        quarterly = scores.loc[scores["period_type"] == "quarter", ["employee_id", "period_start", "band_rank"]]
        top = prediction.predict_top_performers(monthly, quarterly, employees, prediction.TopPerformerConfig(
            feature_months=config.feature_months, C=config.regularisation_c))
        attrition = prediction.predict_regrettable_attrition(monthly, employees, ratings, prediction.AttritionConfig(
            horizon_months=config.attrition_horizon_months, C=config.regularisation_c), bands=bands)
        models = {"top_performer": top, "regrettable_attrition": attrition}
        # The models score whoever was active in the last scored month; only current staff are listed.
        current = set(employees.loc[employees["is_active"], "employee_id"])
        tables = {
            "top_performer_signals": top.predictions[top.predictions["employee_id"].isin(current)],
            "attrition_risk_signals": attrition.predictions[attrition.predictions["employee_id"].isin(current)],
            "early_signal_models": pd.DataFrame([_model_row(m, s.metrics) for m, s in models.items()]),
            "early_signal_coefficients": pd.concat([s.coefficients.assign(model=m) for m, s in models.items()],
                                                   ignore_index=True),
        }
        _publish(con, tables)
    figures = {f"{m}/{k}": float(s.metrics[k]) for m, s in models.items() for k in ("auc", "brier")}
    context.log.info(f"held-out metrics: {figures}")
    yield from _results(tables, {"early_signal_models": figures})


# --- process health -------------------------------------------------------------------------

HEALTH_TABLES = {
    "process_health": "Per review cycle and system metric (the guide's table): value, target, status, "
                      "recommendation and the change since the previous cycle.",
    "process_health_overall": "Per review cycle: Healthy, or Needs attention with the number of metrics at risk.",
}
RAW_KEYS = [key for assets in (*activity_assets, *snapshot_assets) for key in assets.keys]


@dg.multi_asset(
    specs=_specs(HEALTH_TABLES, [_key(GROUP, "calibration_summary"), _key("marts", "dim_employees"),
                                 _key("marts", "fct_metric_scores"), _key("framework", "process_health_targets"),
                                 *(_key("staging", f"stg_reviews__{t}")
                                   for t in ("manager_ratings", "completions", "survey_responses", "appeals")),
                                 *RAW_KEYS]),
    pool="warehouse",
)
def process_health_check(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Measure the review process itself per cycle against the guide's targets."""
    with warehouse.connect(read_only=False) as con:
        loads = " union all ".join(
            f"select '{t.split('_')[0]}' as source, max(_loaded_at) as loaded_at from raw.{t}"
            for (t,) in con.execute("select table_name from information_schema.columns "
                                    "where table_schema = 'raw' and column_name = '_loaded_at'").fetchall())
        report = health.process_health(
            _read(con, "select * from framework.process_health_targets"),
            expected_reviews=_read(con, """
                select c.cycle, e.employee_id, e.manager_id
                from (select distinct cycle, quarter_start from marts.fct_manager_ratings) as c
                join marts.dim_employees as e
                    on e.manager_id is not null and e.hire_date < c.quarter_start + interval 3 month
                   and (e.termination_date is null or e.termination_date >= c.quarter_start + interval 3 month)"""),
            manager_ratings=_read(con, "select cycle, employee_id, manager_id, submitted_at "
                                       "from staging.stg_reviews__manager_ratings"),
            completions=_read(con, "select cycle, employee_id, reviewer_id, started_at, finished_at, active_minutes "
                                   "from staging.stg_reviews__completions"),
            survey_responses=_read(con, "select cycle, score from staging.stg_reviews__survey_responses"),
            appeals=_read(con, "select cycle, employee_id from staging.stg_reviews__appeals"),
            calibration_variance_pct=_read(con, f"select cycle, variance_before as calibration_variance_pct "
                                                f"from {GROUP}.calibration_summary"),
            metric_scores=_read(con, "select period_type, period_start, metric_value from marts.fct_metric_scores"),
            source_loads=_read(con, f"select source, max(loaded_at) as loaded_at from ({loads}) group by source"),
            as_of=pd.Timestamp.now(tz=UTC),
        )
        tables = {"process_health": report, "process_health_overall": health.overall_health(report)}
        _publish(con, tables)
    latest = report[report["cycle"] == report["cycle"].max()]
    context.log.info("latest cycle: " + ", ".join(f"{r.metric} {r.status}" for r in latest.itertuples()))
    yield from _results(tables, {"process_health": {
        f"{r.metric}": dg.MetadataValue.text(f"{r.value:.3g} ({r.status})" if pd.notna(r.value) else r.status)
        for r in latest.itertuples()}})


analytics_assets = [rating_calibration, merit_budget, promotion_pipeline, early_signals, process_health_check]
