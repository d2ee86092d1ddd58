"""The model: a mean-imputed, standardised logistic regression, and the level read off its probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics.prediction.config import _SignalConfig


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


def _level(probability: np.ndarray, config: _SignalConfig) -> pd.Series:
    level = np.select(
        [probability >= config.high_cutoff, probability >= config.medium_cutoff, ~np.isnan(probability)],
        ["high", "medium", "low"],
        default=None,
    )
    return pd.Series(level, dtype=str)
