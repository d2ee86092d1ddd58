"""The append-only audit of every change of a rating: submitted, suggested, decided, final."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import pandas as pd

from analytics.validation import require_columns

AUDIT_COLUMNS = (
    "employee_id",
    "cycle",
    "stage",
    "from_rating",
    "to_rating",
    "proposed_by",
    "reason",
    "proposed_at",
)
# A change already in the audit (same person, cycle, stage, by whom, from and to) is not logged again.
AUDIT_IDENTITY = ["employee_id", "cycle", "stage", "proposed_by", "from_rating", "to_rating"]
CLOSED_BY = "cycle closed"


def _rows(frame: pd.DataFrame, **columns) -> pd.DataFrame:
    rows = pd.DataFrame({c: columns[c] for c in AUDIT_COLUMNS}, index=frame.index).reset_index(drop=True)
    # One timestamp type for every stage, so the stages concatenate without conversion.
    return rows.assign(proposed_at=pd.to_datetime(rows["proposed_at"], utc=True).astype("datetime64[us, UTC]"))


def audit_rows(
    calibrated: pd.DataFrame,
    cycle: str,
    proposed_at: datetime,
    proposed_by: str = "calibration:rebalance",
    score_column: str = "performance_score",
) -> pd.DataFrame:
    """Audit rows of the suggestions (stage "suggested"), one per suggested change, with the reason
    in plain words, e.g. "performance score 71.2 ranks 3 of 6 in Engineering / IC" (the score the
    ratings were ranked by: `score_column`)."""
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
    return _rows(
        changed,
        employee_id=changed["employee_id"],
        cycle=cycle,
        stage="suggested",
        from_rating=changed["submitted_rating"],
        to_rating=changed["suggested_rating"],
        proposed_by=proposed_by,
        reason=reason.astype("str"),
        proposed_at=proposed_at,
    )


def workflow_audit_rows(ratings: pd.DataFrame, final: pd.DataFrame, closed_at: Mapping[str, datetime]) -> pd.DataFrame:
    """Audit rows of the people's side of the workflow: each submitted rating (by its manager, when
    submitted; ``ratings``: cycle, employee_id, manager_id, submitted_rating, submitted_at), each
    meeting decision (who, when, why; ``final``: the final ratings) and, for the cycles in
    ``closed_at``, the final rating as of the closing."""
    require_columns(ratings, ("cycle", "employee_id", "manager_id", "submitted_rating", "submitted_at"), "ratings")
    submitted = ratings[ratings["submitted_rating"].notna()]
    final = final.merge(ratings[["cycle", "employee_id", "submitted_rating"]], on=["cycle", "employee_id"], how="left")
    decided = final[final["rating_source"] == "decision"]
    closed = final[final["cycle"].isin(list(closed_at)) & final["final_rating"].notna()]
    frames = [
        _rows(
            submitted,
            employee_id=submitted["employee_id"],
            cycle=submitted["cycle"],
            stage="submitted",
            from_rating=None,
            to_rating=submitted["submitted_rating"],
            proposed_by=submitted["manager_id"],
            reason="submitted by the manager",
            proposed_at=submitted["submitted_at"],
        ),
        _rows(
            decided,
            employee_id=decided["employee_id"],
            cycle=decided["cycle"],
            stage="decided",
            from_rating=decided["submitted_rating"],
            to_rating=decided["final_rating"],
            proposed_by=decided["decided_by"],
            reason=decided["reason"],
            proposed_at=decided["decided_at"],
        ),
        _rows(
            closed,
            employee_id=closed["employee_id"],
            cycle=closed["cycle"],
            stage="final",
            from_rating=closed["submitted_rating"],
            to_rating=closed["final_rating"],
            proposed_by=CLOSED_BY,
            reason="final when the cycle closed (" + closed["rating_source"] + ")",
            proposed_at=closed["cycle"].map(closed_at),
        ),
    ]
    return pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True)
