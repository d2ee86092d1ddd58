"""Fairness of top ratings per group attribute: the four-fifths rule and Fisher's exact test."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from scipy import stats

from analytics.validation import require_columns

FAIRNESS_COLUMNS = (
    "attribute",
    "value",
    "count",
    "top_count",
    "top_rate",
    "impact_ratio",
    "fisher_pvalue",
    "adverse_impact",
)


def fairness_report(
    calibrated: pd.DataFrame,
    attributes: Sequence[str] = ("gender",),
    rank_column: str = "suggested_rank",
    top_rank: int = 3,
    min_impact_ratio: float = 0.8,
) -> pd.DataFrame:
    """Adverse-impact check of top ratings (rank >= top_rank) for each attribute present in the frame.

    Per attribute value among rated people: count, top_count, top_rate, impact_ratio = top_rate / the
    highest group's top_rate (four-fifths rule; 1 for every group when nobody has a top rating),
    fisher_pvalue (two-sided Fisher's exact test of the group against everyone else) and
    adverse_impact = impact_ratio < min_impact_ratio. Use rank_column="submitted_rank" for before.
    """
    require_columns(calibrated, (rank_column,), "calibrated")
    rated = calibrated[calibrated[rank_column].notna()]
    is_top = rated[rank_column].astype(float) >= top_rank
    tables = []
    for attribute in (a for a in attributes if a in calibrated.columns):
        valued = rated[attribute].notna()
        counts = is_top[valued].groupby(rated.loc[valued, attribute], observed=True, sort=True).agg(["size", "sum"])
        if counts.empty:
            continue
        table = pd.DataFrame(
            {
                "attribute": attribute,
                "value": counts.index.astype("str"),
                "count": counts["size"].to_numpy(),
                "top_count": counts["sum"].to_numpy().astype(int),
            }
        )
        table["top_rate"] = table["top_count"] / table["count"]
        best = table["top_rate"].max()
        table["impact_ratio"] = table["top_rate"] / best if best > 0 else 1.0
        others_top = table["top_count"].sum() - table["top_count"]
        others_rest = (table["count"] - table["top_count"]).sum() - (table["count"] - table["top_count"])
        table["fisher_pvalue"] = [
            stats.fisher_exact([[top, size - top], [o_top, o_rest]]).pvalue
            for top, size, o_top, o_rest in zip(table["top_count"], table["count"], others_top, others_rest)
        ]
        table["adverse_impact"] = table["impact_ratio"] < min_impact_ratio
        tables.append(table)
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FAIRNESS_COLUMNS})
    return pd.concat(tables, ignore_index=True)
