"""Health of the review process itself, per cycle, against the guide's targets."""

from datetime import UTC

import dagster as dg
import pandas as pd

from analytics import health

from ..resources import Warehouse
from .analytics_tables import GROUP, key, keys, results, seeds, specs

TABLES = {
    "process_health": "Per review cycle and system metric (the guide's table): value, target, status, "
    "recommendation and the change since the previous cycle.",
    "process_health_overall": "Per review cycle: Healthy, or Needs attention with the number of metrics at risk.",
}
MARTS = (
    "fct_expected_reviews",
    "fct_manager_ratings",
    "fct_review_completions",
    "fct_process_survey_responses",
    "fct_rating_appeals",
    "fct_metric_scores",
    "dim_review_cycles",
    "rpt_source_freshness",
)
DEPS = [key(GROUP, "calibration_summary"), *keys("marts", MARTS), key("framework", "process_health_targets")]


@dg.multi_asset(specs=specs(TABLES, DEPS), pool="warehouse")
def process_health_check(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Measure the review process itself per cycle against the guide's targets."""
    inputs = warehouse.frames(
        {
            "expected_reviews": "select cycle, employee_id, manager_id from marts.fct_expected_reviews",
            "manager_ratings": "select cycle, employee_id, manager_id, submitted_at from marts.fct_manager_ratings",
            "completions": "select cycle, employee_id, reviewer_id, started_at, finished_at, active_minutes "
            "from marts.fct_review_completions",
            "survey_responses": "select cycle, score from marts.fct_process_survey_responses",
            "appeals": "select cycle, employee_id from marts.fct_rating_appeals",
            "calibration_variance_pct": f"select cycle, variance_before as calibration_variance_pct "
            f"from {GROUP}.calibration_summary",
            "metric_scores": """
            select c.cycle, m.metric_value
            from marts.fct_metric_scores as m
            join marts.dim_review_cycles as c on m.period_type = 'quarter' and m.period_start = c.quarter_start""",
            "source_loads": "select source, max(last_loaded_at) as loaded_at from marts.rpt_source_freshness group by 1",
        }
    )
    (targets,) = seeds(warehouse, "process_health_targets")
    report = health.process_health(targets, **inputs, as_of=pd.Timestamp.now(tz=UTC))
    tables = {"process_health": report, "process_health_overall": health.overall_health(report)}
    warehouse.replace_tables(GROUP, tables)
    latest = report[report["cycle"] == report["cycle"].max()]
    context.log.info("latest cycle: " + ", ".join(f"{r.metric} {r.status}" for r in latest.itertuples()))
    yield from results(
        tables,
        {
            "process_health": {
                f"{r.metric}": dg.MetadataValue.text(f"{r.value:.3g} ({r.status})" if pd.notna(r.value) else r.status)
                for r in latest.itertuples()
            }
        },
    )
