"""Features shared by the models: the protected-attribute guard, the monthly score cube, window statistics,
how a feature reads as a driver, one-hot categories and the stacked example rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.prediction.inputs import _check_unique, _month_number, _numbers, _positions
from analytics.validation import reject_rows, require_columns

PROTECTED = frozenset(
    {
        "age",
        "birth_date",
        "date_of_birth",
        "disability",
        "ethnicity",
        "gender",
        "marital_status",
        "nationality",
        "pregnancy",
        "race",
        "religion",
        "sex",
        "sexual_orientation",
        "veteran_status",
    }
)

SCORE_RANGE = (0.0, 100.0)
COVERAGE_RANGE = (0.0, 1.0)
MONTHS_SHOWN_AS_YEARS = 24  # tenure texts switch from months to years here
_CATEGORY_SEPARATOR = "="


@dataclass(frozen=True)
class _Feature:
    name: str
    render: Callable[[pd.DataFrame], pd.Series]  # rows -> driver text
    is_indicator: bool = False  # 0/1 column: only a 1 can be a driver


def check_no_protected(columns: Iterable[str]) -> None:
    """Raise ValueError if a feature column (or the source column of a one-hot feature) is protected."""
    for column in columns:
        source = str(column).split(_CATEGORY_SEPARATOR, 1)[0].strip().lower()
        if source in PROTECTED:
            raise ValueError(f"feature {column!r} uses the protected attribute {source!r}")


def proxy_features(
    examples: pd.DataFrame, names: Sequence[str], protected: pd.DataFrame | None, max_correlation: float
) -> list[str]:
    """The features whose correlation with any value of a protected attribute (``protected``:
    employee_id and the attributes) reaches ``max_correlation`` on the labelled rows: a close proxy
    is treated like the attribute itself."""
    if protected is None or examples.empty:
        return []
    groups = examples[["employee_id"]].merge(protected, on="employee_id", how="left")
    indicators = pd.get_dummies(groups.drop(columns="employee_id").astype("string"), dtype=float)
    proxies = []
    for name in names:
        values = pd.to_numeric(examples[name], errors="coerce").reset_index(drop=True)
        if values.nunique() < 2:
            continue
        correlation = indicators.corrwith(values).abs().fillna(0)
        if (correlation >= max_correlation).any():
            proxies.append(name)
    return proxies


# --- monthly scores and window statistics ---------------------------------------------------------------


def _monthly_cube(monthly: pd.DataFrame, columns: Sequence[str], people: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Validated monthly scores as a (month, column, person) array (NaN: no score) and the first month."""
    require_columns(monthly, ("employee_id", "period_start", *columns), "monthly")
    person = _positions(monthly, people, "monthly")
    reject_rows(monthly, monthly["period_start"].isna().to_numpy(), "monthly row without period_start")
    month = _month_number(monthly["period_start"])
    _check_unique(monthly, person, month, "monthly")
    values = _numbers(monthly, columns)
    low, high = np.array([COVERAGE_RANGE if c == "coverage" else SCORE_RANGE for c in columns]).T
    outside = (values < low) | (values > high)
    if outside.any():
        column = columns[outside[outside.any(axis=1)][0].argmax()]
        reject_rows(monthly, outside.any(axis=1), f"monthly {column} outside [{low.min():g}, {high.max():g}]")
    first = int(month.min()) if len(month) else 0
    cube = np.full((int(month.max()) + 1 - first if len(month) else 0, len(columns), len(people)), np.nan)
    cube[month - first, :, person] = values
    return cube, first


def _window_mean_slope(window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and least-squares slope per month over each person's observed months (axis 0)."""
    count, sum_month, sum_month2, total, total_month = (np.zeros(window.shape[1:]) for _ in range(5))
    for month, values in enumerate(window):  # a few months: sums of a weighted regression, month by month
        observed = ~np.isnan(values)
        count += observed
        sum_month += month * observed
        sum_month2 += month**2 * observed
        total += np.where(observed, values, 0.0)
        total_month += month * np.where(observed, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (count * total_month - sum_month * total) / (count * sum_month2 - sum_month**2)
        return total / count, np.where(count >= 2, slope, np.nan)


def _first_last(window: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First and last observed value per person of a (month, person) window, and the observed count."""
    observed = ~np.isnan(window)
    people = np.arange(window.shape[1])
    first = window[observed.argmax(axis=0), people]
    last = window[len(window) - 1 - observed[::-1].argmax(axis=0), people]
    return first, last, observed.sum(axis=0)


# --- driver texts ---------------------------------------------------------------------------------------


def _format(values: pd.Series, spec: str) -> pd.Series:
    return values.map(spec.format)


def _trend(label: str, column: str, span: str) -> Callable[[pd.DataFrame], pd.Series]:
    def render(rows: pd.DataFrame) -> pd.Series:
        direction = np.where(rows[column] >= 0, " rising (", " falling (")
        return label + direction + _format(rows[column], "{:+.1f}") + f" points {span})"

    return render


def _level_text(label: str, column: str, spec: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda rows: label + " " + _format(rows[column], spec)


def _constant(text: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda rows: pd.Series(text, index=rows.index, dtype=object)


def _tenure_text(rows: pd.DataFrame) -> pd.Series:
    months = rows["tenure_months"]
    years = np.where(months >= MONTHS_SHOWN_AS_YEARS, _format(months / 12, "{:.1f} years"), "")
    return "tenure " + pd.Series(years, index=rows.index).where(years != "", _format(months, "{:.0f} months"))


# --- categories and example rows ------------------------------------------------------------------------


def _one_hot(people: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """One 0/1 column per category value (named like 'role=sales'), one row per person position."""
    parts = [
        pd.get_dummies(people[column].astype("string"), prefix=column, prefix_sep=_CATEGORY_SEPARATOR, dtype=float)
        for column in columns
    ]
    return pd.concat(parts, axis=1).reset_index(drop=True) if parts else pd.DataFrame(index=range(len(people)))


def _category_features(one_hot: pd.DataFrame) -> list[_Feature]:
    features = []
    for name in one_hot.columns:
        source, value = name.split(_CATEGORY_SEPARATOR, 1)
        features.append(_Feature(name, _constant(f"{source.replace('_', ' ')}: {value}"), is_indicator=True))
    return features


def _empty_rows(features: list[_Feature], extra: Sequence[str]) -> pd.DataFrame:
    keys = ["employee_id", "person", "as_of", "label_end", "label", "decided_day"]
    columns = [*keys, *extra, *(f.name for f in features)]
    return pd.DataFrame({c: pd.Series(dtype=object if c == "employee_id" else float) for c in columns})


def _rows_frame(chunks: list[dict[str, np.ndarray]], people: pd.DataFrame) -> pd.DataFrame:
    """Stack per-period chunks; rows come out ordered by (as_of, employee_id), whatever the input order."""
    sizes = [len(chunk["person"]) for chunk in chunks]
    columns = {
        name: np.concatenate([np.broadcast_to(chunk[name], size) for chunk, size in zip(chunks, sizes)])
        for name in chunks[0]
    }
    return pd.DataFrame(columns).assign(employee_id=people.index.take(columns["person"]))
