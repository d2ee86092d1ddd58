"""Calibration report: rating inflation, distribution against the target (an exact multinomial test
where expected counts are small, the false discovery rate controlled across the groups), leniency,
and the calibration variance: how far managers sit from the target beyond what chance gives."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

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
    distribution_pvalue (goodness of fit of the submitted counts to the target: exact multinomial where
    an expected count is below 5, chi-square otherwise; NaN with nobody rated), pvalue_corrected (the
    same, Benjamini-Hochberg across the groups of the report), target_distance (half the sum of absolute
    share differences from the target, 0-1), chance_distance (what a team of that size rated at random
    from the target reaches on average) and leniency (mean submitted rank minus mean data-driven rank
    of the people having both; > 0 = lenient).
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
    observed = summary[[f"submitted_n_{_band_slug(b)}" for b in bands["band"]]].to_numpy(dtype=np.int64)
    shares = tuple(bands["share"].to_numpy())
    pvalues = np.array([distribution_pvalue(row, shares) for row in observed], dtype=float)
    report["distribution_pvalue"] = pvalues
    report["pvalue_corrected"] = np.nan
    tested = ~np.isnan(pvalues)
    if tested.any():
        report.loc[tested, "pvalue_corrected"] = multipletests(pvalues[tested], method="fdr_bh")[1]
    report["target_distance"] = target_distances(observed, shares)
    sizes = observed.sum(axis=1)
    chance = {n: chance_distance(int(n), shares) if n else np.nan for n in np.unique(sizes)}
    report["chance_distance"] = [chance[n] for n in sizes]
    report["leniency"] = summary["leniency"]
    return report.reset_index()


EXACT_BELOW = 5  # an expected count below this makes the chi-square approximation unreliable: exact test
_EXACT_MAX_N = 50  # beyond this many people every band's expected count under the guide's target is 5 or more
_CHANCE_DRAWS = 20_000  # Monte Carlo draws for the chance distance of teams beyond _EXACT_MAX_N


@lru_cache(maxsize=256)
def _outcomes(n: int, bands: int) -> np.ndarray:
    """Every way ``n`` people can fall into ``bands`` bands (rows of counts)."""
    if bands == 1:
        return np.array([[n]], dtype=np.int64)
    return np.vstack([np.column_stack([np.full(len(rest), k), rest]) for k in range(n + 1)
                      for rest in [_outcomes(n - k, bands - 1)]])  # fmt: skip


@lru_cache(maxsize=256)
def _exact_table(n: int, shares: tuple[float, ...]) -> tuple[dict[tuple[int, ...], float], float]:
    """Per outcome of ``n`` people the exact p-value (the probability of every outcome at most as likely),
    and the expected distance from the target under chance."""
    outcomes = _outcomes(n, len(shares))
    pmf = stats.multinomial.pmf(outcomes, n, shares)
    order = np.argsort(pmf, kind="stable")
    cumulative = np.cumsum(pmf[order])
    at_most = np.searchsorted(pmf[order], pmf * (1 + 1e-9), side="right") - 1
    pvalues = np.minimum(cumulative[at_most], 1.0)
    distance = 0.5 * np.abs(outcomes / n - np.asarray(shares)).sum(axis=1)
    return dict(zip(map(tuple, outcomes.tolist()), pvalues.tolist())), float((pmf * distance).sum())


def distribution_pvalue(counts: Sequence[int] | np.ndarray, shares: Sequence[float]) -> float:
    """How likely counts at least this far from the target are if the ratings followed it: exact
    multinomial where an expected count is below ``EXACT_BELOW``, chi-square otherwise; NaN for none."""
    counts = np.asarray(counts, dtype=np.int64)
    n = int(counts.sum())
    if n == 0:
        return float("nan")
    shares = tuple(float(x) for x in shares)
    if n <= _EXACT_MAX_N and (n * np.asarray(shares) < EXACT_BELOW).any():
        return _exact_table(n, shares)[0][tuple(counts.tolist())]
    return float(stats.chisquare(counts, n * np.asarray(shares)).pvalue)


def target_distances(counts: np.ndarray, shares: Sequence[float]) -> np.ndarray:
    """Per row of band counts, half the sum of absolute differences between its shares and the
    target's (0-1; NaN for a row of zeros)."""
    counts = np.atleast_2d(np.asarray(counts, dtype=float))
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 0.5 * np.abs(counts / totals - np.asarray(shares)[None, :]).sum(axis=1)


@lru_cache(maxsize=1024)
def _chance_distance(n: int, shares: tuple[float, ...]) -> float:
    if n <= _EXACT_MAX_N:
        return _exact_table(n, shares)[1]
    draws = np.random.default_rng(n).multinomial(n, shares, size=_CHANCE_DRAWS)
    return float((0.5 * np.abs(draws / n - np.asarray(shares)).sum(axis=1)).mean())


def chance_distance(n: int, shares: Sequence[float]) -> float:
    """The distance from the target a team of ``n`` reaches on average when rated at random from it."""
    return _chance_distance(n, tuple(float(x) for x in shares))


def calibration_variance(
    calibrated: pd.DataFrame,
    target: pd.DataFrame,
    rank_column: str = "submitted_rank",
    manager_column: str = "manager_id",
) -> float:
    """How far managers' rating distributions sit from the target beyond chance, in percentage points.

    For each manager with a rated person, the distance of their team's distribution from the target
    (``target_distance``) less what a team of that size rated at random from the target reaches on
    average (``chance_distance``); the mean over managers. About 0 for managers whose ratings follow
    the target, whatever their team sizes; 75 when everyone is rated Strong under the guide's target.
    People without a manager_id form one group. NaN when nobody is rated. Call with
    rank_column="submitted_rank" for before and "suggested_rank" for after calibration.
    """
    bands = _bands_best_first(target)
    require_columns(calibrated, (rank_column, manager_column), "calibrated")
    ranks = calibrated[rank_column].astype("Float64")
    counts = (
        pd.DataFrame({rank: (ranks == rank).fillna(False).astype(int) for rank in bands["band_rank"]})
        .groupby(calibrated[manager_column].fillna("(none)").to_numpy())
        .sum()
    )
    counts = counts[counts.sum(axis=1) > 0]
    if counts.empty:
        return float("nan")
    shares = tuple(bands["share"])
    sizes = counts.sum(axis=1).to_numpy()
    chance = {n: chance_distance(int(n), shares) for n in np.unique(sizes)}
    excess = target_distances(counts.to_numpy(), shares) - np.array([chance[n] for n in sizes])
    return float(excess.mean() * 100)
