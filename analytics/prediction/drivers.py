"""Drivers: each person's features with the largest standardised value x coefficient, in plain words."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from analytics.prediction.features import _Feature


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
