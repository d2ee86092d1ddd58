"""`EarlySignal`, one model's output: evaluation on held-out windows, a refit on every labelled row, and the
current population's predictions and drivers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.prediction.config import _SignalConfig
from analytics.prediction.drivers import _drivers
from analytics.prediction.evaluation import _evaluate, _one_class_reason, _rate, beats_base_rate
from analytics.prediction.features import _Feature, check_no_protected, proxy_features
from analytics.prediction.fitting import _fit, _level
from analytics.prediction.inputs import _month_dates

EXAMPLE_COLUMNS = ("employee_id", "as_of", "label_end", "label", "split", "origin", "probability")


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


def _signal(
    examples: pd.DataFrame,
    current: pd.DataFrame,
    features: list[_Feature],
    config: _SignalConfig,
    level_column: str,
    extra_metrics: dict[str, object],
    person_columns: Sequence[str] = ("tenure_months",),
    protected: pd.DataFrame | None = None,
) -> EarlySignal:
    """Evaluate on the held-out windows, refit on all labelled rows, predict and explain `current`.

    Features that stand in for a protected attribute of ``protected`` (employee_id and the attributes)
    are left out like the attributes themselves; predictions are published only when the model beats
    the base rate on the held-out rows, and their share rated high is compared across the groups."""
    names = [f.name for f in features]
    check_no_protected(names)
    examples, current = examples.reset_index(drop=True), current.reset_index(drop=True)
    proxies = proxy_features(examples, names, protected, config.max_proxy_correlation)
    features = [f for f in features if f.name not in proxies]
    names = [f.name for f in features]
    scored, metrics = _evaluate(examples, names, config)
    labels = examples["label"].to_numpy(dtype=bool)
    no_model = _one_class_reason(labels, "labelled")
    probability = np.full(len(current), np.nan)
    drivers = np.full(len(current), "", dtype=object)
    coefficients = pd.DataFrame({"feature": names, "coefficient": np.nan})
    published = no_model is None and beats_base_rate(metrics)
    if no_model is None:
        model = _fit(examples[names], labels, config)
        coefficients["coefficient"] = model[-1].coef_[0]
        if len(current) and published:
            probability = model.predict_proba(current[names])[:, 1]
            drivers = _drivers(model, current, features, config.n_drivers).to_numpy()
    if no_model is not None:
        metrics["reason"] = "; ".join(r for r in (metrics["reason"], f"no model: {no_model}") if r)
    elif not published:
        why = f"not published: held-out Brier {metrics['brier']:.4f} does not beat the base rate's {metrics['brier_base_rate']:.4f}"
        metrics["reason"] = "; ".join(r for r in (metrics["reason"], why) if r)
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
    metrics |= {"published": published, "proxies_left_out": ", ".join(proxies) or None}
    metrics |= _disparity(predictions, level_column, protected)
    return EarlySignal(predictions, scored[list(EXAMPLE_COLUMNS)], coefficients, metrics)


def _disparity(predictions: pd.DataFrame, level_column: str, protected: pd.DataFrame | None) -> dict[str, object]:
    """The share rated 'high' per group of each protected attribute, and the lowest over the highest."""
    if protected is None or predictions[level_column].isna().all():
        return {"high_share_by_group": None, "disparity_ratio": None}
    joined = predictions.merge(protected, on="employee_id", how="left")
    parts, ratios = [], []
    for attribute in protected.columns.drop("employee_id"):
        share = joined.groupby(joined[attribute].astype("str"))[level_column].apply(
            lambda s: float((s == "high").mean())
        )
        parts += [f"{attribute} {value}: {rate:.0%}" for value, rate in share.items()]
        if share.max() > 0:
            ratios.append(share.min() / share.max())
    return {"high_share_by_group": "; ".join(parts) or None, "disparity_ratio": min(ratios) if ratios else None}
