"""The rolling-origin split (origins, train/test masks, class counts) and the held-out AUC/Brier
evaluation, with bootstrap intervals and whether the model beats the base rate."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, roc_auc_score

from analytics.prediction.config import _SignalConfig
from analytics.prediction.fitting import _fit
from analytics.prediction.inputs import _month_dates, _month_day


def _origins(label_end: np.ndarray, test_share: float, max_origins: int) -> list[int]:
    """The rolling origins: from the latest label-window end that leaves at least `test_share` of the
    rows after it, up to `max_origins` window ends spread evenly over the later ones (none: one window)."""
    ends, counts = np.unique(label_end, return_counts=True)
    if len(ends) < 2:
        return []
    rows_after = np.append(counts[::-1].cumsum()[::-1][1:], 0)
    enough = np.flatnonzero(rows_after >= test_share * len(label_end))
    first = int(enough.max()) if len(enough) else 0
    candidates = ends[first:-1]  # the last window end has nothing after it to test
    step = -(-len(candidates) // max_origins)
    return [int(end) for end in candidates[::step]]


def _split(examples: pd.DataFrame, config: _SignalConfig) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Rolling origins, the rows trained on at the first, and the origin each tested row belongs to.

    At origin c the model is trained on the rows whose label window ended by c and tests the rows whose
    window ends after c, up to the next origin, if their outcome was still open at c (a departure known
    by c is in the training rows of that person's earlier snapshots, so scoring it again would leak).
    Each departure after the first origin is therefore tested at the origin before it.
    Returns (origins, is_train at the first origin, tested origin per row or -1).
    """
    label_end = examples["label_end"].to_numpy()
    origins = _origins(label_end, config.test_share, config.max_origins)
    if not origins:
        return origins, np.zeros(len(examples), dtype=bool), np.full(len(examples), -1)
    block = np.searchsorted(np.array(origins), label_end, side="left") - 1  # c_i < label_end <= c_i+1
    opened = np.array(origins)[np.maximum(block, 0)]
    still_open = examples["decided_day"].to_numpy() > _month_day(opened)
    return origins, label_end <= origins[0], np.where((block >= 0) & still_open, block, -1)


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


def _bootstrap(held_out: np.ndarray, scores: np.ndarray, base_rate: np.ndarray, draws: int) -> dict[str, float]:
    """95% percentile intervals of AUC, Brier and the Brier gain over the base rate, resampling the
    held-out rows (seeded, so a rerun gives the same figures)."""
    rng = np.random.default_rng(0)
    picks = rng.integers(0, len(held_out), (draws, len(held_out)))
    y, p = held_out[picks], scores[picks]
    brier = ((y - p) ** 2).mean(axis=1)
    gain = ((y - base_rate[picks]) ** 2).mean(axis=1) - brier
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
    """Rolling-origin evaluation: at each origin train on the outcomes known then, score the snapshots
    up to the next origin; the held-out metrics pool every origin's scores."""
    labels = examples["label"].to_numpy(dtype=bool)
    label_end = examples["label_end"].to_numpy()
    origins, is_train, block = _split(examples, config)
    is_test = block >= 0
    probability = np.full(len(examples), np.nan)
    base_rate = np.full(len(examples), np.nan)
    metrics: dict[str, object] = {
        "auc": float("nan"),
        "brier": float("nan"),
        "brier_base_rate": float("nan"),
        **{f"{m}_ci_{side}": float("nan") for m in ("auc", "brier", "brier_gain") for side in ("low", "high")},
        "n_train": int(is_train.sum()),
        "n_test": int(is_test.sum()),
        "n_test_positive": int(labels[is_test].sum()),
        "origins": len(origins),
        "base_rate_train": _rate(labels[is_train]),
        "base_rate_test": _rate(labels[is_test]),
        "cutoff": None if not origins else str(_month_dates(np.array([origins[0]]))[0].date()),
    }
    if not origins:
        reason = "fewer than two snapshot months: nothing to hold out" if len(examples) else "no labelled rows"
    else:
        train_reason = _one_class_reason(labels[is_train], "train")
        reason = train_reason or _one_class_reason(labels[is_test], "test")
        if train_reason is None and is_test.any():
            for i, origin in enumerate(origins):
                known, scored = label_end <= origin, block == i
                if not scored.any() or _one_class_reason(labels[known], "train"):
                    continue
                model = _fit(examples.loc[known, names], labels[known], config)
                probability[scored] = model.predict_proba(examples.loc[scored, names])[:, 1]
                base_rate[scored] = labels[known].mean()
            held = is_test & ~np.isnan(probability)
            held_out, scores, base = labels[held], probability[held], base_rate[held]
            # Brier is defined with one class too; AUC is not.
            metrics["brier"] = float(brier_score_loss(held_out, scores, labels=[False, True]))
            metrics["brier_base_rate"] = float(np.mean((held_out - base) ** 2))
            metrics |= _bootstrap(held_out, scores, base, config.bootstrap_draws)
            if reason is None:
                metrics["auc"] = float(roc_auc_score(held_out, scores))
    metrics["reason"] = reason
    split = np.select([is_test, is_train], ["test", "train"], default="not_evaluated")
    origin = pd.Series(_month_dates(np.array(origins or [0]))).take(np.maximum(block, 0)).to_numpy()
    tested_from = pd.Series(origin).where(is_test).to_numpy()
    return examples.assign(split=split, probability=probability, origin=tested_from), metrics
