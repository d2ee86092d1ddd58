"""Rating calibration of every review cycle: suggestions, reports, the meeting's decisions, final
ratings and the append-only audit. A closed cycle's tables are stored once, never recomputed."""

from datetime import UTC, datetime

import dagster as dg

from analytics import calibration

from ..resources import Warehouse
from .analytics_tables import GROUP, TARGET_SQL, key, keys, parameters, results, specs

TABLES = {
    "calibrated_ratings": "Per review cycle and everyone employed at its end: the submitted rating and the rating "
    "the calibration suggests (the target distribution within department and level group, by the rank of the "
    "performance score blended with the manager's leniency-corrected rating), or for people not rated the reason "
    "(unrated_reason).",
    "calibration_by_manager": "Per cycle and manager: inflation before and after, distribution against the target, "
    "chi-square p-value, rater leniency.",
    "calibration_by_group": "Per cycle and calibration group (department, level group): the same report.",
    "calibration_outliers": "People whose submitted rating is two or more bands from the data-driven band, with "
    "their weakest metric scores as evidence.",
    "calibration_fairness": "Per cycle, group attribute and value: top-rating rate, four-fifths impact ratio and "
    "Fisher exact p-value, before (submitted) and after (calibrated).",
    "calibration_summary": "Per cycle: inflation, calibration variance and adverse-impact flags before and after, "
    "and how many people were in groups too small to force.",
    "final_ratings": "Per review cycle and everyone employed at its end: the final rating (the calibration "
    "meeting's decision, else the submitted rating, else none), rating_source (decision / submitted / none) and "
    "the reason. Merit and promotion read these, never the suggestions.",
    "manager_bias": "Per manager with enough people over the recent cycles and per group: the gap in submitted "
    "rating (bands) against the manager's other people at equal evidence, its 95% interval, the p-value corrected "
    "for the managers tested, and whether it is flagged (a flagged manager's ratings of the group rated lower do "
    "not enter the calibration blend).",
    "rating_audit": "Append-only log of every change of a rating: submitted (by the manager), suggested (by the "
    "calibration), decided (by the meeting: who, when, why) and final (when the cycle closed).",
}
DEPS = [
    *keys(
        "marts",
        [
            "fct_manager_ratings",
            "dim_employees",
            "fct_metric_scores",
            "dim_review_cycles",
            "fct_cycle_population",
            "fct_calibration_decisions",
            "rpt_identity_coverage",
        ],
    ),
    *keys("framework", ["target_distribution", "rating_bands", "calibration_parameters"]),
]


@dg.multi_asset(specs=specs(TABLES, DEPS), pool="warehouse")
def rating_calibration(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Calibrate every review cycle's ratings against the target distribution and the evidence."""
    inputs = warehouse.frames(
        {
            "target": TARGET_SQL,
            "ratings": """
            with credited as (  -- per role, the share of its sources' activity credited to anyone
                select d.role, avg(1 - c.uncredited_share) as credited_share
                from (select distinct role, source from framework.metric_definitions) as d
                join marts.rpt_identity_coverage as c using (source)
                group by 1
            )
            -- the org of the cycle's end (HRIS history), not today's
            select r.cycle, r.employee_id, r.manager_id,
                   coalesce(p.department, e.department) as department,
                   coalesce(p.level_group, e.level_group) as level_group, e.gender,
                   r.submitted_rating, r.submitted_at, r.performance_score, r.data_driven_band, r.coverage,
                   coalesce(c.credited_share, 1) as credited_share
            from marts.fct_manager_ratings as r join marts.dim_employees as e using (employee_id)
            left join marts.fct_cycle_population as p using (cycle, employee_id)
            left join credited as c on c.role = e.role
            order by r.cycle, r.employee_id""",
            "metric_scores": """
            select c.cycle, m.employee_id, m.metric_name, m.metric_score, m.metric_value, m.unit
            from marts.fct_metric_scores as m
            join marts.dim_review_cycles as c on m.period_type = 'quarter' and m.period_start = c.quarter_start""",
            "unrated": """
            select cycle, employee_id, manager_id, department, level_group, unrated_reason
            from marts.fct_cycle_population
            where not is_rated""",
            "decisions": "select * from marts.fct_calibration_decisions",
            "cycles": "select cycle, cycle_state, closed_at from marts.dim_review_cycles order by quarter_start",
        }
    )
    frozen = warehouse.frozen_cycles(GROUP, "final_ratings")
    tables = calibration.run_workflow(
        inputs["ratings"],
        inputs["metric_scores"],
        inputs["unrated"],
        inputs["decisions"],
        inputs["cycles"],
        inputs["target"],
        parameters(warehouse, "calibration_parameters"),
        datetime.now(UTC),
        frozen,
    )
    if not tables:
        raise dg.Failure(f"no review cycle to calibrate: none rated, or all closed and stored ({sorted(frozen)})")
    audit = tables.pop("rating_audit")
    warehouse.replace_cycles(GROUP, tables, frozen)
    added = warehouse.append_new(GROUP, "rating_audit", audit, same=calibration.AUDIT_IDENTITY)
    if frozen:
        context.log.info(f"closed cycles kept as stored: {', '.join(sorted(frozen))}")
    latest = tables["calibration_summary"].iloc[-1]
    context.log.info(f"cycle {latest['cycle']}: {latest['changes']} suggested changes, {latest['outliers']} outliers")
    figures = {
        "cycle": str(latest["cycle"]),
        "suggested_changes": int(latest["changes"]),
        "outliers": int(latest["outliers"]),
        "inflation_before_pct": float(latest["inflation_before"]),
        "inflation_after_pct": float(latest["inflation_after"]),
        "calibration_variance_before_pct": float(latest["variance_before"]),
        "calibration_variance_after_pct": float(latest["variance_after"]),
        "adverse_impact_groups_before": int(latest["adverse_impact_before"]),
        "adverse_impact_groups_after": int(latest["adverse_impact_after"]),
        "evidence_agreement": float(latest["evidence_agreement"]),
        "thin_evidence": int(latest["thin_evidence"]),
        "forced_in_groups_too_small": int(latest["forced_in_groups_too_small"]),
        "frozen_cycles": ", ".join(sorted(frozen)) or "none",
        "final_from_decisions": int((tables["final_ratings"]["rating_source"] == "decision").sum()),
        "managers_flagged_for_bias": int(tables["manager_bias"]["flagged"].sum()),
    }
    yield from results(tables, {"calibration_summary": figures})
    yield dg.MaterializeResult(asset_key=key(GROUP, "rating_audit"), metadata={"rows_added": added})
