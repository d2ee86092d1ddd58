"""Metric thresholds fitted to the company: the framework's definitions with the thresholds derived
from the company's own values, ready to adopt as the metric_definitions seed."""

from __future__ import annotations

import pandas as pd

from analytics.validation import require_columns

THRESHOLDS = ("exceptional", "strong", "meets", "improvement")


def proposed_metric_definitions(definitions: pd.DataFrame, fit: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """``definitions`` (the metric_definitions seed) with the thresholds of every metric the cycle scored
    on derived thresholds (rpt_metric_threshold_fit.scored_on) replaced by those: the same columns in the
    same order, so the file can be copied over the seed as it is."""
    require_columns(definitions, ["role", "metric_key", *THRESHOLDS], "definitions")
    require_columns(fit, ["cycle", "role", "metric_key", "scored_on", *(f"derived_{t}" for t in THRESHOLDS)], "fit")
    derived = fit[(fit["cycle"] == cycle) & (fit["scored_on"] == "derived")].set_index(["role", "metric_key"])
    proposal = definitions.set_index(["role", "metric_key"], drop=False)
    adopted = proposal.index.isin(derived.index)
    for threshold in THRESHOLDS:
        proposal.loc[adopted, threshold] = derived.loc[proposal.index[adopted], f"derived_{threshold}"].to_numpy()
    return proposal.reset_index(drop=True)[list(definitions.columns)]
