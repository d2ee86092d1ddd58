"""Calibration report: rating inflation, distribution vs target with chi-square, leniency, calibration variance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analytics.validation import require_columns

from .bands import _bands_best_first


def _inflation_pct(mean_rank: np.ndarray | float, bands: pd.DataFrame) -> np.ndarray | float:
    expected = float((bands["band_rank"] * bands["share"]).sum())
    return (mean_rank - expected) / expected * 100


def rating_inflation(ranks: Sequence[float] | pd.Series | np.ndarray, target: pd.DataFrame) -> float:
    """The guide's inflation in %: (mean band_rank - mean expected under target) / expected x 100.

    Missing ranks (NaN/None) are ignored; NaN when nothing is rated.
    Example: Strong, Exceptional, Strong, Meets, Strong, Meets (3,4,3,2,3,2) vs 10/25/50/15 -> 23.2.
    """
    bands = _bands_best_first(target)
    values = pd.to_numeric(pd.Series(ranks, dtype=object), errors="raise").dropna().astype(float)
    unknown = ~values.isin(bands["band_rank"])
    if unknown.any():
        raise ValueError(f"rank {values[unknown].iloc[0]:g} is not a band_rank of the target")
    return float("nan") if values.empty else float(_inflation_pct(values.mean(), bands))


def _band_slug(band: str) -> str:
    return str(band).strip().lower().replace(" ", "_")


def calibration_report(
    calibrated: pd.DataFrame,
    target: pd.DataFrame,
    by: Sequence[str] = ("manager_id",),
) -> pd.DataFrame:
    """Rating distribution per manager (by=manager_id) or calibration group (by=department, level_group).

    One row per group with team_size, rated_count (submitted ratings), inflation_before/after (%, from
    submitted/suggested ranks), submitted_share_<band>, suggested_share_<band>, target_share_<band>,
    chi2_pvalue (goodness of fit of the submitted counts to the target; NaN with nobody rated) and
    leniency (mean submitted rank minus mean data-driven rank of the people having both; > 0 = lenient).
    """
    by = list(by)
    bands = _bands_best_first(target)
    require_columns(calibrated, [*by, "submitted_rank", "suggested_rank", "data_driven_rank"], "calibrated")
    submitted = calibrated["submitted_rank"].astype("Float64")
    suggested = calibrated["suggested_rank"].astype("Float64")
    columns: dict[str, pd.Series] = {
        "team_size": pd.Series(1, index=calibrated.index),
        "rated_count": submitted.notna().astype(int),
        "suggested_count": suggested.notna().astype(int),
        "submitted_mean": submitted,
        "suggested_mean": suggested,
        "leniency": submitted - calibrated["data_driven_rank"].astype("Float64"),
    }
    for band, rank in zip(bands["band"], bands["band_rank"]):
        columns[f"submitted_n_{_band_slug(band)}"] = (submitted == rank).fillna(False).astype(int)
        columns[f"suggested_n_{_band_slug(band)}"] = (suggested == rank).fillna(False).astype(int)
    sums = ["team_size", "rated_count", "suggested_count", *[c for c in columns if "_n_" in c]]
    means = ["submitted_mean", "suggested_mean", "leniency"]
    grouped = pd.DataFrame(columns).assign(**{c: calibrated[c] for c in by}).groupby(by, dropna=False)
    summary = pd.concat([grouped[sums].sum(), grouped[means].mean()], axis=1).astype(dict.fromkeys(means, float))

    report = summary[["team_size", "rated_count"]].copy()
    report["inflation_before"] = _inflation_pct(summary["submitted_mean"], bands)
    report["inflation_after"] = _inflation_pct(summary["suggested_mean"], bands)
    rated = summary["rated_count"].where(summary["rated_count"] > 0)
    suggested_total = summary["suggested_count"].where(summary["suggested_count"] > 0)
    for band, share in zip(bands["band"], bands["share"]):
        slug = _band_slug(band)
        report[f"submitted_share_{slug}"] = summary[f"submitted_n_{slug}"] / rated
        report[f"suggested_share_{slug}"] = summary[f"suggested_n_{slug}"] / suggested_total
        report[f"target_share_{slug}"] = share
    report["chi2_pvalue"] = _chi2_pvalues(
        summary[[f"submitted_n_{_band_slug(b)}" for b in bands["band"]]].to_numpy(dtype=float),
        bands["share"].to_numpy(),
    )
    report["leniency"] = summary["leniency"]
    return report.reset_index()


def _chi2_pvalues(observed: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """scipy.stats.chisquare p-value per row of band counts against the target shares."""
    totals = observed.sum(axis=1)
    pvalues = np.full(totals.shape, np.nan)
    rated = totals >= 1
    if rated.any():
        expected = totals[rated, None] * shares[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            pvalues[rated] = stats.chisquare(observed[rated], expected, axis=1).pvalue
    return pvalues


def calibration_variance(
    calibrated: pd.DataFrame,
    rank_column: str = "submitted_rank",
    manager_column: str = "manager_id",
) -> float:
    """Coefficient of variation (%) of the per-manager mean rank: std / mean x 100 (guide target < 10%).

    Each manager with at least one rated person is one observation, whatever the team size; std is the
    population std (ddof=0) because all managers of the cycle are measured, not a sample of them.
    People without a manager_id form one group. NaN when nobody is rated. Call with
    rank_column="submitted_rank" for before and "suggested_rank" for after calibration.
    """
    require_columns(calibrated, (rank_column, manager_column), "calibrated")
    ranks = calibrated[rank_column].astype(float)
    per_manager = ranks.groupby(calibrated[manager_column], dropna=False).mean().dropna()
    if per_manager.empty:
        return float("nan")
    return float(per_manager.std(ddof=0) / per_manager.mean() * 100)
