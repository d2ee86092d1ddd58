"""What the dashboards are built from: warehouse tables as DataFrames (column names as in the
warehouse), gathered by the Dagster asset so this package never opens the warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# The columns of the load ledger's tables (a table not written yet reads as empty with them).
LOADS = ("source", "window_start", "window_end", "loaded_at")
LOAD_COUNTS = ("source", "table_name", "window_start", "window_end", "landed", "accepted", "quarantined", "loaded_at")
QUARANTINE_REASONS = ("source", "table_name", "reason", "records", "last_loaded_at")
LOAD_ANOMALIES = (
    "source", "table_name", "window_start", "measure", "value", "baseline", "ratio", "flagged", "checked_at",
)  # fmt: skip


def _empty(columns: tuple[str, ...]):
    return field(default_factory=lambda: pd.DataFrame(columns=list(columns)))


@dataclass(frozen=True)
class SiteData:
    employees: pd.DataFrame  # marts.dim_employees (salary and pay columns: HR pages only)
    reporting_lines: pd.DataFrame  # marts.dim_reporting_lines: manager_id, employee_id, distance
    performance: pd.DataFrame  # marts.fct_performance_scores (month and quarter rows)
    metric_scores: pd.DataFrame  # marts.fct_metric_scores, quarter rows
    competencies: pd.DataFrame  # marts.fct_competency_ratings, latest cycle
    comments: pd.DataFrame  # marts.fct_competency_comments: cycle, employee_id, rater_type, competency_name, comment
    readiness: pd.DataFrame  # analytics.promotion_readiness
    succession: pd.DataFrame  # analytics.succession_pipeline
    calibrated: pd.DataFrame  # analytics.calibrated_ratings
    final_ratings: pd.DataFrame  # analytics.final_ratings: the meeting's decision, else submitted, else none
    rating_audit: pd.DataFrame  # analytics.rating_audit: every change of a rating, by stage
    calibration_by_manager: pd.DataFrame  # analytics.calibration_by_manager
    calibration_by_group: pd.DataFrame  # analytics.calibration_by_group
    calibration_outliers: pd.DataFrame  # analytics.calibration_outliers
    calibration_fairness: pd.DataFrame  # analytics.calibration_fairness
    calibration_summary: pd.DataFrame  # analytics.calibration_summary
    merit_plan: pd.DataFrame  # analytics.merit_plan
    merit_pools: pd.DataFrame  # analytics.merit_pools
    top_signals: pd.DataFrame  # analytics.top_performer_signals
    attrition_signals: pd.DataFrame  # analytics.attrition_risk_signals
    signal_models: pd.DataFrame  # analytics.early_signal_models
    process_health: pd.DataFrame  # analytics.process_health
    process_health_overall: pd.DataFrame  # analytics.process_health_overall
    unmatched_accounts: pd.DataFrame  # marts.rpt_unmatched_accounts (with name-similarity suggestions)
    threshold_fit: pd.DataFrame  # marts.rpt_metric_threshold_fit
    identity_coverage: pd.DataFrame  # marts.rpt_identity_coverage: per source, the share of activity credited to nobody
    target: pd.DataFrame  # framework.target_distribution joined to rating_bands: band, band_rank, share
    cycles: pd.DataFrame  # marts.dim_review_cycles: cycle, quarter_start, ...
    # The data-health page: the load ledger, quarantine reasons counted, and the anomaly checks' latest
    # evaluation per load and measure.
    loads: pd.DataFrame = _empty(LOADS)  # meta.loads
    load_counts: pd.DataFrame = _empty(LOAD_COUNTS)  # meta.load_counts
    quarantine_reasons: pd.DataFrame = _empty(QUARANTINE_REASONS)  # raw.quarantine counted per reason
    # marts.rpt_quarantined_activity counted per reason: activity dated outside the person's employment
    activity_quarantine: pd.DataFrame = _empty(QUARANTINE_REASONS)
    load_anomalies: pd.DataFrame = _empty(LOAD_ANOMALIES)  # meta.load_anomalies, latest per load and measure
