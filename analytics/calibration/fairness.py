"""Fairness of top ratings per group attribute: the four-fifths rule judged with its sample sizes,
a test stratified by department and level (Cochran-Mantel-Haenszel), and the false discovery rate
controlled across the groups tested (Benjamini-Hochberg)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests

from analytics.validation import require_columns

FAIRNESS_COLUMNS = (
    "attribute",
    "value",
    "count",
    "top_count",
    "top_rate",
    "impact_ratio",
    "fisher_pvalue",
    "cmh_pvalue",
    "pvalue_corrected",
    "judgement",
    "adverse_impact",
)
TOO_FEW = "too few to judge"


def _stratified_pvalue(in_group: np.ndarray, is_top: np.ndarray, stratum: np.ndarray, strata: int) -> float:
    """CMH test of top-rating odds, the group against everyone else, within each stratum (codes 0 to
    ``strata`` - 1); strata where either side or either outcome is absent carry no information and are
    left out."""
    cells = np.bincount(stratum * 4 + in_group * 2 + is_top, minlength=strata * 4).reshape(strata, 2, 2)
    tables = cells[:, ::-1, ::-1].astype(float)  # rows: in group, rest; columns: top, not top
    informative = (tables.sum(axis=1) > 0).all(axis=1) & (tables.sum(axis=2) > 0).all(axis=1)
    if not informative.any():
        return float("nan")
    return float(StratifiedTable(np.moveaxis(tables[informative], 0, -1)).test_null_odds(correction=True).pvalue)


def fairness_report(
    calibrated: pd.DataFrame,
    attributes: Sequence[str] = ("gender",),
    rank_column: str = "suggested_rank",
    top_rank: int = 3,
    min_impact_ratio: float = 0.8,
    min_group_size: int = 10,
    alpha: float = 0.05,
    strata: Sequence[str] = ("department", "level_group"),
) -> pd.DataFrame:
    """Adverse-impact check of top ratings (rank >= top_rank) for each attribute present in the frame.

    Per attribute value among rated people: count, top_count, top_rate; impact_ratio, the top_rate over
    the best judged group's (the four-fifths rule); fisher_pvalue (the group against everyone else,
    pooled); cmh_pvalue, the same comparison within each stratum (the ``strata`` columns present), so a
    difference that only reflects where groups work is not taken for one in how they are rated; and
    pvalue_corrected, the CMH p-values adjusted for the number of groups tested (Benjamini-Hochberg).
    A group, or the rest of the people, below ``min_group_size`` is "too few to judge". adverse_impact
    is only set where the impact ratio is below ``min_impact_ratio`` and the corrected p-value below
    ``alpha``. Use rank_column="submitted_rank" for the submitted ratings.
    """
    require_columns(calibrated, (rank_column,), "calibrated")
    rated = calibrated[calibrated[rank_column].notna()]
    is_top = rated[rank_column].astype(float) >= top_rank
    present = [c for c in strata if c in rated.columns]
    stratum = (
        rated.groupby(present, dropna=False, sort=False).ngroup().to_numpy()
        if present
        else np.zeros(len(rated), dtype=np.int64)
    )
    tables = []
    for attribute in (a for a in attributes if a in calibrated.columns):
        valued = rated[attribute].notna()
        values = rated.loc[valued, attribute].astype("str")
        top, where = is_top[valued].to_numpy().astype(np.int64), stratum[valued.to_numpy()]
        strata_count = int(stratum.max()) + 1 if len(stratum) else 0
        counts = is_top[valued].groupby(values, sort=True).agg(["size", "sum"])
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
        judged = (table["count"] >= min_group_size) & (valued.sum() - table["count"] >= min_group_size)
        best = table.loc[judged, "top_rate"].max() if judged.any() else table["top_rate"].max()
        table["impact_ratio"] = table["top_rate"] / best if best > 0 else 1.0
        others_top = table["top_count"].sum() - table["top_count"]
        others_rest = (table["count"] - table["top_count"]).sum() - (table["count"] - table["top_count"])
        table["fisher_pvalue"] = [
            stats.fisher_exact([[top, size - top], [o_top, o_rest]]).pvalue
            for top, size, o_top, o_rest in zip(table["top_count"], table["count"], others_top, others_rest)
        ]
        table["cmh_pvalue"] = [
            _stratified_pvalue((values == value).to_numpy().astype(np.int64), top, where, strata_count)
            if ok
            else np.nan
            for value, ok in zip(table["value"], judged)
        ]
        table["_judged"] = judged
        tables.append(table)
    if not tables:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FAIRNESS_COLUMNS})
    report = pd.concat(tables, ignore_index=True)
    tested = report["_judged"] & report["cmh_pvalue"].notna()
    report["pvalue_corrected"] = np.nan
    if tested.any():
        report.loc[tested, "pvalue_corrected"] = multipletests(report.loc[tested, "cmh_pvalue"], method="fdr_bh")[1]
    below = report["impact_ratio"] < min_impact_ratio
    significant = report["pvalue_corrected"] < alpha
    report["adverse_impact"] = tested & below & significant
    report["judgement"] = np.select(
        [~tested, report["adverse_impact"], below],
        [TOO_FEW, "adverse impact", "below four-fifths, not significant"],
        "no adverse impact",
    )
    return report[list(FAIRNESS_COLUMNS)]
