"""Append-only audit rows for the suggested rating changes."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from analytics.validation import require_columns

AUDIT_COLUMNS = ("employee_id", "cycle", "from_rating", "to_rating", "proposed_by", "reason", "proposed_at")


def audit_rows(
    calibrated: pd.DataFrame,
    cycle: str,
    proposed_at: datetime,
    proposed_by: str = "calibration:rebalance",
    score_column: str = "performance_score",
) -> pd.DataFrame:
    """Append-only audit rows, one per suggested change, with the reason in plain words.

    Reason example: "performance score 71.2 ranks 3 of 6 in Engineering / IC" (the score the
    ratings were ranked by: `score_column`).
    """
    require_columns(
        calibrated,
        (
            "employee_id",
            "submitted_rating",
            "suggested_rating",
            "is_changed",
            score_column,
            "score_position",
            "group_ranked_count",
            "calibration_group",
        ),
        "calibrated",
    )
    changed = calibrated[calibrated["is_changed"].to_numpy(dtype=bool)]
    reason = (
        score_column.replace("_", " ")
        + " "
        + changed[score_column].round(1).astype("str")
        + " ranks "
        + changed["score_position"].astype("str")
        + " of "
        + changed["group_ranked_count"].astype("str")
        + " in "
        + changed["calibration_group"].astype("str")
    )
    return pd.DataFrame(
        {
            "employee_id": changed["employee_id"],
            "cycle": cycle,
            "from_rating": changed["submitted_rating"],
            "to_rating": changed["suggested_rating"],
            "proposed_by": proposed_by,
            "reason": reason.astype("str"),
            "proposed_at": proposed_at,
        },
        columns=list(AUDIT_COLUMNS),
    ).reset_index(drop=True)
