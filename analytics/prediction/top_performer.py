"""Likely top performers: from a window of monthly scores, top rated in a later quarter?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.prediction.config import TopPerformerConfig
from analytics.prediction.early_signal import EarlySignal, _signal
from analytics.prediction.evaluation import _class_counts, _split
from analytics.prediction.features import (
    _category_features,
    _empty_rows,
    _Feature,
    _level_text,
    _monthly_cube,
    _one_hot,
    _rows_frame,
    _tenure_text,
    _trend,
    _window_mean_slope,
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

SCORE_LABELS = {
    "objective_score": "objective score",
    "output_score": "output score",
    "quality_score": "quality score",
    "efficiency_score": "efficiency score",
    "impact_score": "impact score",
}  # not the 360 (competency) score, nor the performance score that blends it in: a month would carry
# its quarter's 360 ratings, given after it
TOP_PERSON_COLUMNS = ("tenure_months", "in_scope")


def _top_features(one_hot: pd.DataFrame, config: TopPerformerConfig) -> list[_Feature]:
    span = f"a month over {config.feature_months} months"
    features = []
    for column, label in SCORE_LABELS.items():
        features.append(_Feature(f"{column}_mean", _level_text(f"{label} averaging", f"{column}_mean", "{:.1f}")))
        features.append(_Feature(f"{column}_slope", _trend(label, f"{column}_slope", span)))
    features.append(_Feature("coverage_mean", _level_text("data coverage", "coverage_mean", "{:.0%}")))
    features.append(_Feature("tenure_in_scope_months", _tenure_text))
    return features + _category_features(one_hot)


def _top_rows(
    cube: np.ndarray,
    band: np.ndarray,
    people: pd.DataFrame,
    one_hot: pd.DataFrame,
    first: int,
    end: int,
    config: TopPerformerConfig,
) -> pd.DataFrame:
    """One row per anchor and person with enough scored months; label NaN where the quarter is unknown."""
    width, gap = config.feature_months, config.gap_months
    chunks = []
    for anchor in range(first, end - width + 1):
        as_of = anchor + width
        quarter = -(-(as_of + gap) // 3) * 3  # first quarter start at or after as_of + gap
        label_end = quarter + 3
        if label_end > end and as_of != end:
            continue  # outcome unknown and not the current window: nothing to learn or predict
        window = cube[anchor - first : anchor - first + width]
        mean, slope = _window_mean_slope(window)
        rows = np.flatnonzero((~np.isnan(window[:, 0])).sum(axis=0) >= config.min_months_observed)
        label = band[(quarter - (first - first % 3)) // 3, rows] if label_end <= end else np.nan
        chunk = {"person": rows, "as_of": as_of, "label_end": label_end, "label": label}
        chunk["decided_day"] = _month_day(label_end)
        chunk["tenure_months"] = _tenure_months(people, _month_day(anchor))[rows]
        for j, column in enumerate(SCORE_LABELS):
            chunk[f"{column}_mean"], chunk[f"{column}_slope"] = mean[j, rows], slope[j, rows]
        chunk["coverage_mean"] = mean[len(SCORE_LABELS), rows]
        chunks.append(chunk | {c: one_hot[c].to_numpy()[rows] for c in one_hot.columns})
    return _rows_frame(chunks, people)


def _quarter_bands(quarterly: pd.DataFrame, people: pd.DataFrame, first: int, n_months: int, top: int) -> np.ndarray:
    """(quarter, person): 1.0 top rated, 0.0 not, NaN unrated; quarter 0 is the one holding month `first`."""
    require_columns(quarterly, ("employee_id", "period_start", "band_rank"), "quarterly")
    person = _positions(quarterly, people, "quarterly")
    month = _month_number(quarterly["period_start"])
    _check_unique(quarterly, person, month, "quarterly")
    reject_rows(quarterly, month % 3 != 0, "quarterly period_start is not a quarter start")
    rank = pd.to_numeric(quarterly["band_rank"], errors="raise").to_numpy(dtype=float, na_value=np.nan)
    start = first - first % 3
    n_quarters = -(-(first + n_months - start) // 3)
    keep = (month >= start) & (month < start + 3 * n_quarters)
    band = np.full((n_quarters, len(people)), np.nan)
    band[(month[keep] - start) // 3, person[keep]] = np.where(np.isnan(rank), np.nan, rank >= top)[keep]
    return band


def _tenure_scope(labelled: pd.DataFrame, config: TopPerformerConfig) -> float | None:
    """Smallest tenure limit (early_tenure_months, doubling) with enough of each class to learn and test."""
    limit = config.early_tenure_months
    longest = labelled["tenure_months"].max() if len(labelled) else 0.0
    while limit is not None and limit < longest:
        scoped = labelled[labelled["tenure_months"] <= limit]
        origins, is_train, block = _split(scoped, config)
        labels = scoped["label"].to_numpy(dtype=bool)
        parts = [labels] if not origins else [labels[is_train], labels[block >= 0]]
        enough_of_each = all(min(_class_counts(part)) >= config.min_class_rows for part in parts)
        if is_train.sum() >= config.min_train_rows and enough_of_each:
            return float(limit)
        limit *= 2
    return None


def predict_top_performers(
    monthly: pd.DataFrame,
    quarterly: pd.DataFrame,
    employees: pd.DataFrame,
    config: TopPerformerConfig | None = None,
    protected: pd.DataFrame | None = None,
) -> EarlySignal:
    """Probability of being top rated in a later quarter, from `feature_months` of monthly scores.

    monthly: employee_id, period_start, the *_score columns of SCORE_LABELS (0-100), coverage (0-1).
    quarterly: employee_id, period_start (quarter start), band_rank (data-driven).
    employees: employee_id, hire_date, termination_date and the config's categorical_features.
    protected: optional employee_id and protected attributes, to leave out their proxies and check disparity.
    Predictions ('potential') cover people active at the end of the data, from their last window.
    """
    config = config or TopPerformerConfig()
    people = _people(employees, config.categorical_features)
    cube, first = _monthly_cube(monthly, [*SCORE_LABELS, "coverage"], people)
    one_hot = _one_hot(people, config.categorical_features)
    features = _top_features(one_hot, config)
    extra = {"feature_months": config.feature_months, "gap_months": config.gap_months, "tenure_limit_months": None}
    if len(cube) < config.feature_months:
        empty = _empty_rows(features, TOP_PERSON_COLUMNS)
        too_short = extra | {"reason": f"{len(cube)} month(s) of scores, fewer than feature_months"}
        return _signal(empty, empty, features, config, "potential", too_short, TOP_PERSON_COLUMNS, protected)
    end = first + len(cube)
    band = _quarter_bands(quarterly, people, first, end - first, config.top_band_rank)
    rows = _top_rows(cube, band, people, one_hot, first, end, config)
    labelled = rows[rows["label_end"].le(end) & rows["label"].notna()].astype({"label": bool})
    limit = _tenure_scope(labelled, config)
    scope = np.inf if limit is None else limit
    current = rows[rows["as_of"].eq(end) & _active(people, _month_day(end))[rows["person"].to_numpy()]]
    current = current.assign(in_scope=current["tenure_months"].le(scope))
    labelled = labelled[labelled["tenure_months"] <= scope]
    # The model only ever sees tenures within the scope, so longer tenures are held at its edge.
    labelled, current = (
        frame.assign(tenure_in_scope_months=frame["tenure_months"].clip(upper=scope)) for frame in (labelled, current)
    )
    extra["tenure_limit_months"] = limit
    return _signal(labelled, current, features, config, "potential", extra, TOP_PERSON_COLUMNS, protected)
