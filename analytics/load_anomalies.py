"""Load anomalies: a load whose row count or key totals (revenue, tickets, story points) moves far
from the loads before it, the data-quality check the reference guide's checklist asks for.

A measure's value in one load (a month of activity, or one snapshot) is compared with its
baseline, the median of the same measure over the previous ``history`` loads; it is flagged when
it is ``factor`` times the baseline or more, or the baseline divided by ``factor`` or less. The
median, unlike the mean, is not dragged by the one odd load it is meant to catch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.validation import require_columns

KEY = ["source", "table_name", "measure"]
MEASURE_COLUMNS = (*KEY, "window_start", "loaded_at", "value")


@dataclass(frozen=True)
class AnomalyRule:
    factor: float = 3.0  # flagged at factor x the baseline or more, or baseline / factor or less
    history: int = 6  # the baseline is the median of up to this many previous loads
    min_history: int = 3  # with fewer previous loads a value is not judged (baseline missing)
    min_volume: float = 10.0  # a value and baseline both below this are too small to judge

    def __post_init__(self) -> None:
        if not self.factor > 1:
            raise ValueError(f"anomaly factor must be above 1, got {self.factor}")
        if not 1 <= self.min_history <= self.history:
            raise ValueError(f"need 1 <= min_history ({self.min_history}) <= history ({self.history})")


def load_anomalies(measures: pd.DataFrame, rule: AnomalyRule = AnomalyRule()) -> pd.DataFrame:
    """Each load's measures judged against the loads before it.

    ``measures``: one row per load and measure with source, table_name, measure, window_start (the
    month of activity; missing for a snapshot), loaded_at and value. Loads of one measure are ordered
    by window_start, then loaded_at. Returns the rows plus baseline (missing with fewer than
    ``min_history`` previous loads), ratio (value / baseline; infinite from a zero baseline) and
    flagged.
    """
    require_columns(measures, MEASURE_COLUMNS, "load measures")
    ordered = measures.sort_values([*KEY, "window_start", "loaded_at"], na_position="first", ignore_index=True)
    values = pd.to_numeric(ordered["value"], errors="raise").astype(float)
    previous = values.groupby([ordered[c] for c in KEY], sort=False).transform(
        lambda v: v.shift(1).rolling(rule.history, min_periods=rule.min_history).median()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(previous == 0, np.where(values == 0, 1.0, np.inf), values / previous)
    ratio = pd.Series(ratio, index=ordered.index).where(previous.notna())
    judged = previous.notna() & ((values >= rule.min_volume) | (previous >= rule.min_volume))
    far = (ratio >= rule.factor) | (ratio <= 1 / rule.factor)
    return ordered.assign(value=values, baseline=previous, ratio=ratio, flagged=(judged & far).astype(bool))
