"""Rating calibration: inflation, rebalancing to a target distribution, reports, outliers, fairness, audit.

The hub is `suggest_ratings`, which turns one review cycle's `ratings` (one row per employee) into a
calibrated frame; the report, variance, outlier, fairness and audit functions all read that frame.

`target` mirrors the dbt seeds `target_distribution` joined to `rating_bands`: columns band, band_rank
(4 = best) and share (summing to 1). `default_target()` returns the guide's 10/25/50/15.

Modules: `bands` (target validation, band names to ranks), `suggestions` (largest-remainder allocation,
calibration score, suggested ratings), `report` (inflation, distribution vs target, variance), `outliers`,
`fairness`, `audit`, `cycle`, which runs them all for each review cycle, `final` (the meeting's decisions
over the suggestions) and `workflow`, which runs the cycles not yet closed and stored.
"""

from .audit import AUDIT_IDENTITY, audit_rows, workflow_audit_rows
from .bands import default_target
from .bias import distrusted_ratings, manager_bias
from .cycle import CYCLE_TABLES, calibrate_cycle, calibrate_cycles, with_unrated
from .fairness import fairness_report
from .final import final_ratings
from .outliers import rating_outliers
from .report import (
    calibration_report,
    calibration_variance,
    chance_distance,
    distribution_pvalue,
    rating_inflation,
    target_distances,
)
from .suggestions import (
    calibration_score,
    evidence_agreement,
    evidence_weight,
    largest_remainder_counts,
    leniency,
    suggest_ratings,
)
from .workflow import WORKFLOW_TABLES, run_workflow

__all__ = [
    "AUDIT_IDENTITY",
    "CYCLE_TABLES",
    "WORKFLOW_TABLES",
    "audit_rows",
    "calibrate_cycle",
    "calibrate_cycles",
    "calibration_report",
    "calibration_score",
    "calibration_variance",
    "chance_distance",
    "distribution_pvalue",
    "default_target",
    "distrusted_ratings",
    "evidence_agreement",
    "evidence_weight",
    "fairness_report",
    "final_ratings",
    "largest_remainder_counts",
    "leniency",
    "manager_bias",
    "rating_inflation",
    "rating_outliers",
    "run_workflow",
    "suggest_ratings",
    "target_distances",
    "with_unrated",
    "workflow_audit_rows",
]
