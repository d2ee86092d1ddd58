"""Regrettable-attrition risk: from what is known at a monthly snapshot, a regrettable departure soon after?"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analytics.prediction.config import AttritionConfig
from analytics.prediction.early_signal import EarlySignal, _signal
from analytics.prediction.features import (
    _category_features,
    _constant,
    _empty_rows,
    _Feature,
    _first_last,
    _level_text,
    _monthly_cube,
    _one_hot,
    _rows_frame,
    _tenure_text,
    _trend,
)
from analytics.prediction.inputs import (
    _active,
    _check_unique,
    _month_day,
    _month_number,
    _people,
    _positions,
    _tenure_months,
)
from analytics.validation import reject_rows, require_columns


def _rating_text(bands: pd.DataFrame | None) -> Callable[[pd.DataFrame], pd.Series]:
    names = {} if bands is None else dict(zip(bands["band_rank"].astype(int), bands["band"].astype(str)))

    def render(rows: pd.DataFrame) -> pd.Series:
        rank = rows["latest_rating_rank"].astype(int)
        return "latest manager rating " + rank.map(names).fillna(rank.astype(str))

    return render


def _attrition_features(one_hot: pd.DataFrame, config: AttritionConfig, bands: pd.DataFrame | None) -> list[_Feature]:
    latest = _level_text("latest objective score", "latest_objective_score", "{:.1f}")
    change = _trend("objective score", "objective_score_change", f"over {config.change_months} months")
    return [
        _Feature("latest_objective_score", latest),
        _Feature("objective_score_change", change),
        _Feature("latest_rating_rank", _rating_text(bands)),
        _Feature("no_rating", _constant("no manager rating yet"), True),
        _Feature("tenure_months", _tenure_text),
        *_category_features(one_hot),
    ]


def _ratings_known(ratings: pd.DataFrame, people: pd.DataFrame, first: int, end: int) -> np.ndarray:
    """(month from `first` to `end`, person): latest submitted rank known then; a quarter's after it ends."""
    require_columns(ratings, ("employee_id", "quarter_start", "submitted_rank"), "ratings")
    person = _positions(ratings, people, "ratings")
    quarter = _month_number(ratings["quarter_start"])
    _check_unique(ratings, person, quarter, "ratings")
    rank = pd.to_numeric(ratings["submitted_rank"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    reject_rows(ratings, rank < 1, "submitted_rank below 1")
    known_from = np.clip(quarter + 3 - first, 0, None)
    order = np.argsort(quarter, kind="stable")  # a later quarter overwrites an earlier one known the same month
    order = order[~np.isnan(rank[order]) & (known_from[order] <= end - first)]
    known = np.full((end - first + 1, len(people)), np.nan)
    known[known_from[order], person[order]] = rank[order]
    latest = np.maximum.accumulate(np.where(np.isnan(known), 0, np.arange(len(known))[:, None]), axis=0)
    return np.take_along_axis(known, latest, axis=0)


def _attrition_rows(
    scores: np.ndarray,
    rating: np.ndarray,
    people: pd.DataFrame,
    one_hot: pd.DataFrame,
    first: int,
    end: int,
    config: AttritionConfig,
) -> pd.DataFrame:
    """One row per snapshot (month boundary after the first month) and person active then with a score."""
    term = people["term_day"].to_numpy()
    regrettable = people["is_regrettable_termination"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    static = {column: one_hot[column].to_numpy() for column in one_hot.columns}
    chunks = []
    for snapshot in range(first + 1, end + 1):
        label_end = snapshot + config.horizon_months
        if label_end > end and snapshot != end:
            continue  # outcome unknown and not the current snapshot: nothing to learn or predict
        day = _month_day(snapshot)
        window = scores[max(0, snapshot - first - config.change_months - 1) : snapshot - first]
        earliest, latest, count = _first_last(window)
        rows = np.flatnonzero(_active(people, day) & (count > 0))
        leaves = regrettable & (term > day) & (term <= _month_day(label_end))
        chunk = {"person": rows, "as_of": snapshot, "label_end": label_end}
        chunk["label"] = leaves[rows].astype(float) if label_end <= end else np.nan
        chunk["decided_day"] = np.fmin(term[rows], _month_day(label_end))  # a leaver's outcome is settled
        chunk["latest_objective_score"] = latest[rows]
        chunk["objective_score_change"] = np.where(count[rows] >= 2, latest[rows] - earliest[rows], np.nan)
        chunk["latest_rating_rank"] = rating[snapshot - first, rows]
        chunk["no_rating"] = np.isnan(chunk["latest_rating_rank"]).astype(float)
        chunk["tenure_months"] = _tenure_months(people, day)[rows]
        chunks.append(chunk | {name: values[rows] for name, values in static.items()})
    return _rows_frame(chunks, people)


def predict_regrettable_attrition(
    monthly: pd.DataFrame,
    employees: pd.DataFrame,
    ratings: pd.DataFrame,
    config: AttritionConfig | None = None,
    bands: pd.DataFrame | None = None,
    protected: pd.DataFrame | None = None,
) -> EarlySignal:
    """Probability of a regrettable termination within `horizon_months` of each monthly snapshot.

    monthly: employee_id, period_start, objective_score (0-100): the monthly composite before the 360
        pillar, since a month's performance_score carries its quarter's 360 ratings, given after it.
    employees: employee_id, hire_date, termination_date, is_regrettable_termination and the config's
        categorical_features. Pay is not a feature: today's compa-ratio on a past snapshot leaks the future
        (the HRIS history begins with the first build).
    ratings: employee_id, quarter_start, submitted_rank (a quarter's rating counts once the quarter ended).
    bands: optional band, band_rank (e.g. the target distribution) to name ratings in the drivers.
    protected: optional employee_id and protected attributes, to leave out their proxies and check disparity.
    Predictions ('risk') cover people active at the end of the data.
    """
    config = config or AttritionConfig()
    people = _people(employees, ["is_regrettable_termination", *config.categorical_features])
    cube, first = _monthly_cube(monthly, ["objective_score"], people)
    if bands is not None:
        require_columns(bands, ("band", "band_rank"), "bands")
    one_hot = _one_hot(people, config.categorical_features)
    features = _attrition_features(one_hot, config, bands)
    extra = {"horizon_months": config.horizon_months}
    if len(cube) == 0:
        empty = _empty_rows(features, [])
        return _signal(
            empty, empty, features, config, "risk", extra | {"reason": "no monthly scores"}, protected=protected
        )
    end = first + len(cube)
    rating = _ratings_known(ratings, people, first, end)
    rows = _attrition_rows(cube[:, 0], rating, people, one_hot, first, end, config)
    labelled = rows[rows["label_end"].le(end)].astype({"label": bool})
    current = rows[rows["as_of"].eq(end)]
    return _signal(labelled, current, features, config, "risk", extra, protected=protected)
