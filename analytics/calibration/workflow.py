"""The calibration workflow over review cycles: managers submit, the analysis suggests, the meeting
decides, HR closes. A closed cycle's results are stored once and never recomputed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

import pandas as pd

from analytics.validation import require_columns

from .audit import workflow_audit_rows
from .bands import _bands_best_first, _to_ranks
from .bias import distrusted_ratings, manager_bias
from .cycle import CYCLE_TABLES, FAIRNESS_ATTRIBUTES, calibrate_cycles, fairness_stages, with_unrated
from .final import final_ratings

WORKFLOW_TABLES = (*CYCLE_TABLES, "final_ratings", "manager_bias")
CYCLE_STATES = ("open", "calibrated", "closed")


def run_workflow(
    ratings: pd.DataFrame,
    metric_scores: pd.DataFrame,
    unrated: pd.DataFrame,
    decisions: pd.DataFrame,
    cycles: pd.DataFrame,
    target: pd.DataFrame,
    params: Mapping[str, float],
    proposed_at: datetime,
    frozen: Collection[str] = (),
) -> dict[str, pd.DataFrame]:
    """Every table of ``WORKFLOW_TABLES`` plus ``rating_audit`` for the cycles not ``frozen`` (closed
    cycles already stored: their rows are left alone). ``cycles`` holds cycle, cycle_state and
    closed_at (dim_review_cycles); every table but the audit carries the cycle_state it was computed in.
    """
    require_columns(cycles, ("cycle", "cycle_state", "closed_at"), "cycles")
    unknown = set(cycles["cycle_state"]) - set(CYCLE_STATES)
    if unknown:
        raise ValueError(f"cycles: unknown cycle_state {sorted(unknown)[0]!r}, expected one of {CYCLE_STATES}")
    rated, frozen = set(ratings["cycle"].unique()), set(frozen)
    live = [c for c in cycles["cycle"] if c not in frozen and c in rated]
    if not live:
        return {}
    bias = _recent_bias(ratings, cycles, target, params).assign(cycle=live[-1])
    ratings = ratings[ratings["cycle"].isin(live)]
    ratings = ratings.assign(rating_distrusted=distrusted_ratings(ratings, bias))
    tables = calibrate_cycles(ratings, metric_scores, target, params, proposed_at)
    tables["manager_bias"] = bias
    suggestion_audit = tables.pop("rating_audit")
    tables["calibrated_ratings"] = with_unrated(tables["calibrated_ratings"], unrated[unrated["cycle"].isin(live)])
    tables["final_ratings"] = final_ratings(tables["calibrated_ratings"], decisions, target)
    tables["calibration_fairness"] = pd.concat(
        [
            tables["calibration_fairness"],
            _final_fairness(tables["calibrated_ratings"], tables["final_ratings"], target, params),
        ],
        ignore_index=True,
    )
    state = cycles.set_index("cycle")
    closed = state[state["cycle_state"] == "closed"].loc[lambda s: s.index.isin(live), "closed_at"]
    tables["rating_audit"] = pd.concat(
        [workflow_audit_rows(ratings, tables["final_ratings"], closed.to_dict()), suggestion_audit],
        ignore_index=True,
    )
    return {
        name: frame if name == "rating_audit" else frame.assign(cycle_state=frame["cycle"].map(state["cycle_state"]))
        for name, frame in tables.items()
    }


def _final_fairness(
    calibrated: pd.DataFrame, final: pd.DataFrame, target: pd.DataFrame, params: Mapping[str, float]
) -> pd.DataFrame:
    """The fairness report of the final ratings (the ones that reach pay), per cycle."""
    people = calibrated.drop(columns=["final_rating"], errors="ignore").merge(
        final[["cycle", "employee_id", "final_rating"]], on=["cycle", "employee_id"]
    )
    people["final_rank"] = _to_ranks(people, "final_rating", _bands_best_first(target))
    return pd.concat(
        [
            fairness_stages(rows, {"final": "final_rank"}, params).assign(cycle=cycle)
            for cycle, rows in people.groupby("cycle", sort=True)
        ],
        ignore_index=True,
    )


def _recent_bias(
    ratings: pd.DataFrame, cycles: pd.DataFrame, target: pd.DataFrame, params: Mapping[str, float]
) -> pd.DataFrame:
    """``manager_bias`` over the last ``bias_cycles`` cycles with ratings (the cycles pooled are named)."""
    rated = set(ratings["cycle"].unique())
    rated_cycles = [c for c in cycles["cycle"] if c in rated][-int(params["bias_cycles"]) :]
    recent = ratings[ratings["cycle"].isin(rated_cycles)]
    recent = recent.assign(submitted_rank=_to_ranks(recent, "submitted_rating", _bands_best_first(target)))
    bias = manager_bias(
        recent,
        FAIRNESS_ATTRIBUTES,
        min_people=int(params["bias_min_people"]),
        alpha=params["bias_alpha"],
    )
    return bias.assign(cycles=", ".join(rated_cycles))
