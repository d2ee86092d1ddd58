"""Early signals: likely top performers and regrettable-attrition risk (logistic regressions).

- `predict_top_performers`: from the monthly scores of months [t, t + feature_months) (rolling anchors t),
  will the person be top rated (data-driven band_rank >= `top_band_rank`) in the first quarter that starts
  at or after t + feature_months + gap_months? People early in their tenure are preferred (see
  `TopPerformerConfig.early_tenure_months`).
- `predict_regrettable_attrition`: from what is known at snapshot date t (the first day of a month; features
  use the months before it), will the person leave regrettably in (t, t + horizon_months]?

Each example row has an `as_of` date (its features use only months before it; t + feature_months for the
anchors) and a `label_end` (when its outcome is known). Evaluation is a time split: the cutoff is the latest
label_end that leaves at least `test_share` of the rows after it; the model is trained on rows whose label
window ended by the cutoff and tested on later windows whose outcome was still open at the cutoff (a
departure before the cutoff is never scored again). The model behind the current predictions is refit on
every labelled row. Features are standardised (mean-imputed first); drivers are the features with the
largest standardised value x coefficient.

Inputs mirror the marts: `monthly` and `quarterly` are fct_performance_scores rows of one period_type,
`employees` is dim_employees, `ratings` is fct_manager_ratings (employee_id, quarter_start, submitted_rank).
The data ends with the last month in `monthly`: the current population is whoever is active the day after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics.validation import reject_rows, require_columns

PROTECTED = frozenset(
    {
        "age", "birth_date", "date_of_birth", "disability", "ethnicity", "gender", "marital_status",
        "nationality", "pregnancy", "race", "religion", "sex", "sexual_orientation", "veteran_status",
    }
)

SCORE_LABELS = {
    "performance_score": "performance score",
    "objective_score": "objective score",
    "output_score": "output score",
    "quality_score": "quality score",
    "efficiency_score": "efficiency score",
    "impact_score": "impact score",
    "competency_score": "competency score",
}
EMPLOYEE_COLUMNS = ("employee_id", "hire_date", "termination_date")
TOP_PERSON_COLUMNS = ("tenure_months", "in_scope")
EXAMPLE_COLUMNS = ("employee_id", "as_of", "label_end", "label", "split", "probability")
SCORE_RANGE = (0.0, 100.0)
COVERAGE_RANGE = (0.0, 1.0)
DAYS_PER_MONTH = 365.25 / 12
MONTHS_SHOWN_AS_YEARS = 24  # tenure texts switch from months to years here
_EPOCH_YEAR = 1970  # month numbers count from January 1970, itself a quarter start
_CATEGORY_SEPARATOR = "="


# --- configuration ----------------------------------------------------------------------------------


class _SignalConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    C: float = Field(1.0, gt=0, description="inverse L2 regularisation strength of the logistic regression")
    test_share: float = Field(0.3, gt=0, lt=1, description="least share of labelled rows after the cutoff")
    high_cutoff: float = Field(ge=0, le=1, description="probability at or above which the level is 'high'")
    medium_cutoff: float = Field(ge=0, le=1, description="probability at or above which the level is 'medium'")
    categorical_features: tuple[str, ...] = ("level_group", "role")
    n_drivers: int = Field(3, ge=1)
    max_train_rows: int = Field(
        20_000, ge=100, description="rows a model is fitted on at most (a seeded sample beyond): a logistic "
        "regression on a few dozen features gains nothing from more, and its fitting time grows with rows"
    )

    @model_validator(mode="after")
    def _cutoffs_ordered_and_fair(self):
        if self.medium_cutoff > self.high_cutoff:
            raise ValueError(f"medium_cutoff {self.medium_cutoff} is above high_cutoff {self.high_cutoff}")
        check_no_protected(self.categorical_features)
        return self


class TopPerformerConfig(_SignalConfig):
    """Likely-top-performer model; defaults are the pipeline's."""

    feature_months: int = Field(3, ge=1, description="months of scores per anchor")
    gap_months: int = Field(0, ge=0, description="months between the feature window and the label quarter")
    top_band_rank: int = Field(3, ge=1, description="band_rank counted as top rated (3 = Strong or better)")
    min_months_observed: int = Field(2, ge=1, description="scored months needed in the window")
    early_tenure_months: float | None = Field(
        12, gt=0, description="preferred tenure at the anchor; doubled until there is enough to learn from"
    )
    min_train_rows: int = Field(200, ge=1)
    min_class_rows: int = Field(20, ge=1, description="rows of each class needed in train and in test")
    high_cutoff: float = Field(0.6, ge=0, le=1)
    medium_cutoff: float = Field(0.35, ge=0, le=1)


class AttritionConfig(_SignalConfig):
    """Regrettable-attrition model; defaults are the pipeline's."""

    horizon_months: int = Field(6, ge=1, description="label window after the snapshot")
    change_months: int = Field(3, ge=1, description="span of the score change feature")
    range_position_cuts: tuple[float, float] = Field(
        (1 / 3, 2 / 3), description="position in the pay range below which salary reads low / above which high"
    )
    high_cutoff: float = Field(0.15, ge=0, le=1)
    medium_cutoff: float = Field(0.05, ge=0, le=1)

    @model_validator(mode="after")
    def _cuts_ordered(self):
        low, high = self.range_position_cuts
        if not 0 <= low <= high <= 1:
            raise ValueError(f"range_position_cuts {self.range_position_cuts} not within 0 <= low <= high <= 1")
        return self


@dataclass(frozen=True)
class EarlySignal:
    """One model's output.

    predictions: one row per person active at the end of the data (with enough scored months):
        employee_id, as_of, probability, the level column ('potential' or 'risk': high/medium/low),
        drivers (up to n_drivers plain-words reasons, '; '-separated), tenure_months, and for the
        top-performer model in_scope (tenure within the range the model learned from).
    examples: labelled rows: employee_id, as_of, label_end, label, split (train/test/not_evaluated),
        probability (test rows only, from the model trained up to the cutoff).
    coefficients: feature, coefficient (per standard deviation) of the model behind the predictions.
    metrics: auc, brier, brier_base_rate (Brier of always predicting the train base rate), n_train,
        n_test, n_test_positive, base_rate_train, base_rate_test, cutoff, n_labelled, base_rate,
        n_current, the model's window settings, and reason (None, or why a metric or the model is missing).
    """

    predictions: pd.DataFrame
    examples: pd.DataFrame
    coefficients: pd.DataFrame
    metrics: dict[str, object]


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


# --- validation and time helpers ------------------------------------------------------------------------


def _naive(values: pd.Series) -> pd.Series:
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def _month_number(values: pd.Series) -> np.ndarray:
    """Months since January 1970 (so a month number divisible by 3 starts a calendar quarter)."""
    stamps = _naive(values)
    return ((stamps.dt.year - _EPOCH_YEAR) * 12 + stamps.dt.month - 1).to_numpy(dtype=np.int64)


def _month_day(month: np.ndarray | int) -> np.ndarray:
    """Days since 1970-01-01 of the first day of each month number."""
    return np.asarray(month, dtype=np.int64).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def _month_dates(month: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(month, dtype=np.int64).astype("datetime64[M]")))


def _day_number(values: pd.Series) -> np.ndarray:
    return ((_naive(values) - pd.Timestamp("1970-01-01")).dt.days).to_numpy(dtype=float, na_value=np.nan)


def _numbers(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    return frame[list(columns)].apply(pd.to_numeric, errors="raise").to_numpy(dtype=float, na_value=np.nan)


def _positions(frame: pd.DataFrame, people: pd.DataFrame, name: str) -> np.ndarray:
    """Row position of each row's employee in `people`; raises for an employee without a record."""
    positions = people.index.get_indexer(frame["employee_id"])
    reject_rows(frame, positions < 0, f"{name} row has no employee record")
    return positions


def _check_unique(frame: pd.DataFrame, person: np.ndarray, period: np.ndarray, name: str) -> None:
    reject_rows(frame, pd.DataFrame({"p": person, "m": period}).duplicated(), f"{name} has two rows for one period")


def _people(employees: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Validated employees indexed by employee_id (sorted) with hire/termination day numbers."""
    require_columns(employees, (*EMPLOYEE_COLUMNS, *columns), "employees")
    reject_rows(employees, employees["employee_id"].isna().to_numpy(), "employee_id is missing")
    reject_rows(employees, employees["employee_id"].duplicated().to_numpy(), "listed twice in employees")
    hire = _day_number(employees["hire_date"])
    term = _day_number(employees["termination_date"])
    reject_rows(employees, np.isnan(hire), "hire_date is missing")
    reject_rows(employees, term < hire, "termination_date before hire_date")
    return employees.assign(hire_day=hire, term_day=term).set_index("employee_id").sort_index()


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


def _active(people: pd.DataFrame, day: np.ndarray | int) -> np.ndarray:
    """Hired before `day` and not terminated on or before it."""
    hire, term = people["hire_day"].to_numpy(), people["term_day"].to_numpy()
    return (hire < day) & (np.isnan(term) | (term > day))


def _tenure_months(people: pd.DataFrame, day: int) -> np.ndarray:
    return np.clip((day - people["hire_day"].to_numpy()) / DAYS_PER_MONTH, 0, None)


# --- rendering drivers ----------------------------------------------------------------------------------


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


def _drivers(model: Pipeline, rows: pd.DataFrame, features: list[_Feature], n_drivers: int) -> pd.Series:
    """Top features by standardised value x coefficient (positive pushes only), in plain words."""
    names = [f.name for f in features]
    raw = rows[names].to_numpy(dtype=float)
    contribution = model[:-1].transform(rows[names]) * model[-1].coef_[0]
    indicator = np.array([f.is_indicator for f in features])
    # Imputed values and absent categories are not facts about the person, so they never explain.
    eligible = ~np.isnan(raw) & ~(indicator & (raw == 0)) & (contribution > 0)
    contribution = np.where(eligible, contribution, -np.inf)
    order = np.argsort(-contribution, axis=1, kind="stable")[:, :n_drivers]
    chosen = np.isfinite(np.take_along_axis(contribution, order, axis=1))
    texts = np.full(order.shape, "", dtype=object)
    for j, feature in enumerate(features):
        person, rank = np.nonzero((order == j) & chosen)
        if len(person):
            texts[person, rank] = feature.render(rows.iloc[person]).to_numpy(dtype=object)
    joined = pd.Series(texts[:, 0], index=rows.index, dtype=object)
    for rank in range(1, texts.shape[1]):
        extra = pd.Series(texts[:, rank], index=rows.index, dtype=object)
        joined = joined.where(extra == "", joined + "; " + extra)
    return joined.astype(str)


# --- training, evaluation, prediction ------------------------------------------------------------------


def _fit(X: pd.DataFrame, y: np.ndarray, config: _SignalConfig) -> Pipeline:
    if len(X) > config.max_train_rows:
        keep = np.sort(np.random.default_rng(0).choice(len(X), config.max_train_rows, replace=False))
        X, y = X.iloc[keep], y[keep]
    model = make_pipeline(
        SimpleImputer(strategy="mean", keep_empty_features=True),
        StandardScaler(),
        LogisticRegression(C=config.C, max_iter=1000),
    )
    return model.fit(X, y)


def _cutoff(label_end: np.ndarray, test_share: float) -> int | None:
    """Latest label-window end that leaves at least `test_share` of rows after it (None: one window only)."""
    ends, counts = np.unique(label_end, return_counts=True)
    if len(ends) < 2:
        return None
    rows_after = np.append(counts[::-1].cumsum()[::-1][1:], 0)
    enough = rows_after >= test_share * len(label_end)
    return int(ends[enough].max()) if enough.any() else int(ends[0])


def _split(examples: pd.DataFrame, test_share: float) -> tuple[int | None, np.ndarray, np.ndarray]:
    """Cutoff month and train/test masks.

    Train: label window ended by the cutoff. Test: label window ends after it and the outcome was still
    open at the cutoff (`decided_day` after it), so no departure seen in training is scored again.
    """
    label_end = examples["label_end"].to_numpy()
    cutoff = _cutoff(label_end, test_share)
    if cutoff is None:
        return None, np.zeros(len(examples), dtype=bool), np.zeros(len(examples), dtype=bool)
    is_test = (label_end > cutoff) & (examples["decided_day"].to_numpy() > _month_day(cutoff))
    return cutoff, label_end <= cutoff, is_test


def _class_counts(labels: np.ndarray) -> tuple[int, int]:
    positives = int(labels.sum())
    return len(labels) - positives, positives


def _one_class_reason(labels: np.ndarray, part: str) -> str | None:
    if len(labels) == 0:
        return f"no {part} rows"
    if min(_class_counts(labels)) == 0:
        return f"{part} rows all have label {bool(labels[0])}"
    return None


def _rate(labels: np.ndarray) -> float:
    return float(labels.mean()) if len(labels) else float("nan")


def _evaluate(examples: pd.DataFrame, names: list[str], config: _SignalConfig) -> tuple[pd.DataFrame, dict]:
    """Train on the label windows ended by the cutoff, score the later ones."""
    labels = examples["label"].to_numpy(dtype=bool)
    cutoff, is_train, is_test = _split(examples, config.test_share)
    probability = np.full(len(examples), np.nan)
    metrics: dict[str, object] = {
        "auc": float("nan"),
        "brier": float("nan"),
        "brier_base_rate": float("nan"),
        "n_train": int(is_train.sum()),
        "n_test": int(is_test.sum()),
        "n_test_positive": int(labels[is_test].sum()),
        "base_rate_train": _rate(labels[is_train]),
        "base_rate_test": _rate(labels[is_test]),
        "cutoff": None if cutoff is None else str(_month_dates(np.array([cutoff]))[0].date()),
    }
    if cutoff is None:
        reason = "fewer than two label windows: nothing to hold out" if len(examples) else "no labelled rows"
    else:
        train_reason = _one_class_reason(labels[is_train], "train")
        reason = train_reason or _one_class_reason(labels[is_test], "test")
        if train_reason is None and is_test.any():
            model = _fit(examples.loc[is_train, names], labels[is_train], config)
            probability[is_test] = model.predict_proba(examples.loc[is_test, names])[:, 1]
            held_out, scores = labels[is_test], probability[is_test]
            # Brier is defined with one class too; AUC is not.
            metrics["brier"] = float(brier_score_loss(held_out, scores, labels=[False, True]))
            metrics["brier_base_rate"] = float(np.mean((held_out - metrics["base_rate_train"]) ** 2))
            if reason is None:
                metrics["auc"] = float(roc_auc_score(held_out, scores))
    metrics["reason"] = reason
    split = np.select([is_train, is_test], ["train", "test"], default="not_evaluated")
    return examples.assign(split=split, probability=probability), metrics


def _level(probability: np.ndarray, config: _SignalConfig) -> pd.Series:
    level = np.select(
        [probability >= config.high_cutoff, probability >= config.medium_cutoff, ~np.isnan(probability)],
        ["high", "medium", "low"],
        default=None,
    )
    return pd.Series(level, dtype=str)


def _signal(
    examples: pd.DataFrame,
    current: pd.DataFrame,
    features: list[_Feature],
    config: _SignalConfig,
    level_column: str,
    extra_metrics: dict[str, object],
    person_columns: Sequence[str] = ("tenure_months",),
) -> EarlySignal:
    """Evaluate on the held-out windows, refit on all labelled rows, predict and explain `current`."""
    names = [f.name for f in features]
    check_no_protected(names)
    examples, current = examples.reset_index(drop=True), current.reset_index(drop=True)
    scored, metrics = _evaluate(examples, names, config)
    labels = examples["label"].to_numpy(dtype=bool)
    no_model = _one_class_reason(labels, "labelled")
    probability = np.full(len(current), np.nan)
    drivers = np.full(len(current), "", dtype=object)
    coefficients = pd.DataFrame({"feature": names, "coefficient": np.nan})
    if no_model is None:
        model = _fit(examples[names], labels, config)
        coefficients["coefficient"] = model[-1].coef_[0]
        if len(current):
            probability = model.predict_proba(current[names])[:, 1]
            drivers = _drivers(model, current, features, config.n_drivers).to_numpy()
    else:
        metrics["reason"] = "; ".join(r for r in (metrics["reason"], f"no model: {no_model}") if r)
    predictions = pd.DataFrame(
        {
            "employee_id": current["employee_id"].to_numpy(),
            "as_of": _month_dates(current["as_of"].to_numpy()),
            "probability": probability,
            level_column: _level(probability, config),
            "drivers": pd.Series(drivers, dtype=str),
            **{column: current[column].to_numpy() for column in person_columns},
        }
    )
    scored = scored.assign(**{c: _month_dates(scored[c].to_numpy()) for c in ("as_of", "label_end")})
    metrics |= {"n_labelled": len(examples), "base_rate": _rate(labels), "n_current": len(current)} | extra_metrics
    return EarlySignal(predictions, scored[list(EXAMPLE_COLUMNS)], coefficients, metrics)


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


# --- likely top performers -----------------------------------------------------------------------------


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
    cube: np.ndarray, band: np.ndarray, people: pd.DataFrame, one_hot: pd.DataFrame, first: int, end: int,
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


def _quarter_bands(
    quarterly: pd.DataFrame, people: pd.DataFrame, first: int, n_months: int, top: int
) -> np.ndarray:
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
        cutoff, is_train, is_test = _split(scoped, config.test_share)
        labels = scoped["label"].to_numpy(dtype=bool)
        parts = [labels] if cutoff is None else [labels[is_train], labels[is_test]]
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
) -> EarlySignal:
    """Probability of being top rated in a later quarter, from `feature_months` of monthly scores.

    monthly: employee_id, period_start, the seven *_score columns (0-100), coverage (0-1).
    quarterly: employee_id, period_start (quarter start), band_rank (data-driven).
    employees: employee_id, hire_date, termination_date and the config's categorical_features.
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
        return _signal(empty, empty, features, config, "potential", too_short, TOP_PERSON_COLUMNS)
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
    return _signal(labelled, current, features, config, "potential", extra, TOP_PERSON_COLUMNS)


# --- regrettable-attrition risk --------------------------------------------------------------------------


def _rating_text(bands: pd.DataFrame | None) -> Callable[[pd.DataFrame], pd.Series]:
    names = {} if bands is None else dict(zip(bands["band_rank"].astype(int), bands["band"].astype(str)))

    def render(rows: pd.DataFrame) -> pd.Series:
        rank = rows["latest_rating_rank"].astype(int)
        return "latest manager rating " + rank.map(names).fillna(rank.astype(str))

    return render


def _compa_text(cuts: tuple[float, float]) -> Callable[[pd.DataFrame], pd.Series]:
    def render(rows: pd.DataFrame) -> pd.Series:
        position = rows["pay_range_position"].to_numpy(dtype=float)
        where = np.select(
            [position < 0, position > 1, position < cuts[0], position > cuts[1], ~np.isnan(position)],
            [" (below range)", " (above range)", " (low in range)", " (high in range)", " (mid-range)"],
            default="",
        )
        return "compa-ratio " + _format(rows["compa_ratio"], "{:.2f}") + where

    return render


def _attrition_features(
    one_hot: pd.DataFrame, config: AttritionConfig, bands: pd.DataFrame | None
) -> list[_Feature]:
    latest = _level_text("latest performance score", "latest_performance_score", "{:.1f}")
    change = _trend("performance score", "performance_score_change", f"over {config.change_months} months")
    return [
        _Feature("latest_performance_score", latest),
        _Feature("performance_score_change", change),
        _Feature("latest_rating_rank", _rating_text(bands)),
        _Feature("no_rating", _constant("no manager rating yet"), True),
        _Feature("compa_ratio", _compa_text(config.range_position_cuts)),
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
    scores: np.ndarray, rating: np.ndarray, people: pd.DataFrame, one_hot: pd.DataFrame, first: int, end: int,
    config: AttritionConfig,
) -> pd.DataFrame:
    """One row per snapshot (month boundary after the first month) and person active then with a score."""
    term = people["term_day"].to_numpy()
    regrettable = people["is_regrettable_termination"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    static = {c: people[c].to_numpy(dtype=float, na_value=np.nan) for c in ("compa_ratio", "pay_range_position")}
    static |= {column: one_hot[column].to_numpy() for column in one_hot.columns}
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
        chunk["latest_performance_score"] = latest[rows]
        chunk["performance_score_change"] = np.where(count[rows] >= 2, latest[rows] - earliest[rows], np.nan)
        chunk["latest_rating_rank"] = rating[snapshot - first, rows]
        chunk["no_rating"] = np.isnan(chunk["latest_rating_rank"]).astype(float)
        chunk["tenure_months"] = _tenure_months(people, day)[rows]
        chunks.append(chunk | {name: values[rows] for name, values in static.items()})
    return _rows_frame(chunks, people)


def _pay_range_position(people: pd.DataFrame) -> pd.DataFrame:
    """Validated pay columns plus where the salary sits in its range (0 = min, 1 = max)."""
    frame = people.reset_index()
    salary, low, high, compa = _numbers(frame, ["salary", "pay_range_min", "pay_range_max", "compa_ratio"]).T
    reject_rows(frame, salary < 0, "negative salary")
    reject_rows(frame, compa < 0, "negative compa_ratio")
    reject_rows(frame, (low < 0) | (high < low), "pay range min/max negative or reversed")
    with np.errstate(invalid="ignore", divide="ignore"):
        position = np.where(high > low, (salary - low) / (high - low), np.nan)
    return people.assign(pay_range_position=position)


def predict_regrettable_attrition(
    monthly: pd.DataFrame,
    employees: pd.DataFrame,
    ratings: pd.DataFrame,
    config: AttritionConfig | None = None,
    bands: pd.DataFrame | None = None,
) -> EarlySignal:
    """Probability of a regrettable termination within `horizon_months` of each monthly snapshot.

    monthly: employee_id, period_start, performance_score (0-100).
    employees: employee_id, hire_date, termination_date, is_regrettable_termination, compa_ratio, salary,
        pay_range_min, pay_range_max and the config's categorical_features.
    ratings: employee_id, quarter_start, submitted_rank (a quarter's rating counts once the quarter ended).
    bands: optional band, band_rank (e.g. the target distribution) to name ratings in the drivers.
    Predictions ('risk') cover people active at the end of the data.
    """
    config = config or AttritionConfig()
    columns = ("is_regrettable_termination", "compa_ratio", "salary", "pay_range_min", "pay_range_max")
    people = _pay_range_position(_people(employees, [*columns, *config.categorical_features]))
    cube, first = _monthly_cube(monthly, ["performance_score"], people)
    if bands is not None:
        require_columns(bands, ("band", "band_rank"), "bands")
    one_hot = _one_hot(people, config.categorical_features)
    features = _attrition_features(one_hot, config, bands)
    extra = {"horizon_months": config.horizon_months}
    if len(cube) == 0:
        empty = _empty_rows(features, ["pay_range_position"])
        return _signal(empty, empty, features, config, "risk", extra | {"reason": "no monthly scores"})
    end = first + len(cube)
    rating = _ratings_known(ratings, people, first, end)
    rows = _attrition_rows(cube[:, 0], rating, people, one_hot, first, end, config)
    labelled = rows[rows["label_end"].le(end)].astype({"label": bool})
    current = rows[rows["as_of"].eq(end)]
    return _signal(labelled, current, features, config, "risk", extra)
