"""The time split (cutoff, train/test masks, class counts) and the held-out AUC/Brier evaluation, with
bootstrap intervals and whether the model beats the base rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from analytics.prediction.config import _SignalConfig
from analytics.prediction.fitting import _fit
from analytics.prediction.inputs import _month_dates, _month_day


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


def _bootstrap(held_out: np.ndarray, scores: np.ndarray, base_rate: float, draws: int) -> dict[str, float]:
    """95% percentile intervals of AUC, Brier and the Brier gain over the base rate, resampling the
    held-out rows (seeded, so a rerun gives the same figures)."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(held_out), (draws, len(held_out)))
    y, p = held_out[picks], scores[picks]
    brier = ((y - p) ** 2).mean(axis=1)
    gain = ((y - base_rate) ** 2).mean(axis=1) - brier
    both = (y.any(axis=1)) & (~y).any(axis=1)
    auc = np.array([roc_auc_score(y[i], p[i]) for i in np.flatnonzero(both)])
    interval = {"brier": brier, "brier_gain": gain, "auc": auc}
    return {
        f"{name}_ci_{side}": float(np.percentile(values, q)) if len(values) else float("nan")
        for name, values in interval.items()
        for side, q in (("low", 2.5), ("high", 97.5))
    }


def beats_base_rate(metrics: dict) -> bool:
    """A model is published only if its held-out Brier score is below the base rate's."""
    brier, base = metrics.get("brier"), metrics.get("brier_base_rate")
    return brier is not None and base is not None and bool(np.isfinite(brier)) and brier < base


def _evaluate(examples: pd.DataFrame, names: list[str], config: _SignalConfig) -> tuple[pd.DataFrame, dict]:
    """Train on the label windows ended by the cutoff, score the later ones."""
    labels = examples["label"].to_numpy(dtype=bool)
    cutoff, is_train, is_test = _split(examples, config.test_share)
    probability = np.full(len(examples), np.nan)
    metrics: dict[str, object] = {
        "auc": float("nan"),
        "brier": float("nan"),
        "brier_base_rate": float("nan"),
        **{f"{m}_ci_{side}": float("nan") for m in ("auc", "brier", "brier_gain") for side in ("low", "high")},
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
            metrics |= _bootstrap(held_out, scores, metrics["base_rate_train"], config.bootstrap_draws)
            if reason is None:
                metrics["auc"] = float(roc_auc_score(held_out, scores))
    metrics["reason"] = reason
    split = np.select([is_train, is_test], ["train", "test"], default="not_evaluated")
    return examples.assign(split=split, probability=probability), metrics
