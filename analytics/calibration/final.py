"""Final ratings: the calibration meeting's decision, else the submitted rating, else none and why.

Suggestions stay suggestions: only a recorded decision changes a rating, and merit and promotion
read the final ratings alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.validation import reject_rows, require_columns

from .bands import _bands_best_first, _to_ranks

FINAL_COLUMNS = ("cycle", "employee_id", "final_rating", "rating_source", "reason", "decided_by", "decided_at")
DECISION_COLUMNS = ("cycle", "employee_id", "final_rating", "reason", "decided_by", "decided_at")
KEPT_REASON = "no calibration decision recorded: the submitted rating stands"
DECIDED_REASON = "decided by the calibration meeting"


def final_ratings(calibrated: pd.DataFrame, decisions: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
    """One row per person of ``calibrated`` (a cycle's population: cycle, employee_id, submitted_rating,
    unrated_reason) with final_rating, rating_source (decision / submitted / none) and the reason;
    decided_by and decided_at for decisions. A decision on someone outside the population is
    rejected, naming them."""
    require_columns(calibrated, ("cycle", "employee_id", "submitted_rating", "unrated_reason"), "calibrated")
    require_columns(decisions, DECISION_COLUMNS, "calibration decisions")
    decisions = decisions[decisions["cycle"].isin(calibrated["cycle"].unique())]
    _to_ranks(decisions, "final_rating", _bands_best_first(target))
    merged = calibrated[["cycle", "employee_id", "submitted_rating", "unrated_reason"]].merge(
        decisions[list(DECISION_COLUMNS)], on=["cycle", "employee_id"], how="outer", indicator=True
    )
    reject_rows(
        merged,
        merged["_merge"] == "right_only",
        "calibration decision for someone not employed at the cycle's end",
        name="calibration decisions",
    )
    decided = merged["final_rating"].notna()
    submitted = merged["submitted_rating"].notna()
    source = np.select([decided, submitted], ["decision", "submitted"], "none")
    reason = np.select(
        [decided, submitted],
        [merged["reason"].fillna(DECIDED_REASON), KEPT_REASON],
        merged["unrated_reason"].astype(object),
    )
    final = merged.assign(
        final_rating=merged["final_rating"].where(decided, merged["submitted_rating"]),
        rating_source=source,
        reason=reason,
    )
    return final.sort_values(["cycle", "employee_id"], ignore_index=True)[list(FINAL_COLUMNS)]
