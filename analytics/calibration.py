"""Rating calibration: inflation, rebalancing to a target distribution, reports, outliers, fairness, audit.

The hub is `suggest_ratings`, which turns one review cycle's `ratings` (one row per employee) into a
calibrated frame; the report, variance, outlier, fairness and audit functions all read that frame.

`target` mirrors the dbt seeds `target_distribution` joined to `rating_bands`: columns band, band_rank
(4 = best) and share (summing to 1). `default_target()` returns the guide's 10/25/50/15.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pandas as pd
from scipy import stats

from analytics.validation import reject_rows, require_columns

SHARE_TOLERANCE = 1e-6  # float noise allowed when shares read from CSV are summed
_REMAINDER_DECIMALS = 9  # remainders equal to this precision count as ties, not as float noise

RATING_COLUMNS = ("employee_id", "manager_id", "submitted_rating", "performance_score", "data_driven_band")
SINGLE_GROUP_LABEL = "All employees"
MISSING_GROUP_LABEL = "(none)"


def default_target() -> pd.DataFrame:
    """The guide's target distribution: Exceptional 10%, Strong 25%, Meets 50%, Improvement 15%."""
    return pd.DataFrame(
        {
            "band": ["Exceptional", "Strong", "Meets", "Improvement"],
            "band_rank": [4, 3, 2, 1],
            "share": [0.10, 0.25, 0.50, 0.15],
        }
    )


# --- target and input validation -------------------------------------------------------------------


def _check_shares(shares: np.ndarray) -> None:
    if shares.ndim != 1 or shares.size == 0:
        raise ValueError("shares must be a non-empty 1-D sequence")
    if not np.all(np.isfinite(shares)) or np.any(shares < 0):
        raise ValueError(f"shares must be finite and non-negative, got {shares.tolist()}")
    if abs(shares.sum() - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"shares must sum to 1, they sum to {shares.sum():.6g}")


def _bands_best_first(target: pd.DataFrame) -> pd.DataFrame:
    """Validated target sorted by band_rank descending (the allocation order)."""
    require_columns(target, ("band", "band_rank", "share"), "target")
    if target.empty:
        raise ValueError("target has no bands")
    for column in ("band", "band_rank"):
        duplicated = target[column].duplicated()
        if duplicated.any():
            raise ValueError(f"target lists {column} {target.loc[duplicated, column].iloc[0]!r} twice")
    if target[["band", "band_rank"]].isna().any().any():
        raise ValueError("target has a band without a name or band_rank")
    ordered = target.sort_values("band_rank", ascending=False, ignore_index=True)
    shares = pd.to_numeric(ordered["share"], errors="raise").to_numpy(dtype=float)
    _check_shares(shares)
    return ordered.assign(share=shares, band_rank=ordered["band_rank"].astype(int))


def _to_ranks(frame: pd.DataFrame, column: str, bands: pd.DataFrame) -> pd.Series:
    """Band names to band_rank (nullable Int64); an unknown name raises naming the employee."""
    names = frame[column]
    codes = pd.Categorical(names, categories=bands["band"]).codes
    unknown = (codes < 0) & names.notna().to_numpy()
    if unknown.any():
        value = names[unknown].iloc[0]
        expected = ", ".join(bands["band"])
        reject_rows(frame, unknown, f"unknown {column} {value!r}, expected one of {expected}")
    ranks = pd.Series(bands["band_rank"].to_numpy()[codes], index=frame.index)
    return ranks.where(codes >= 0).astype("Int64")


def _checked_ratings(ratings: pd.DataFrame, group_by: Sequence[str], score_column: str) -> pd.Series:
    """Validate ids and scores; returns the score column as float (NaN = no evidence)."""
    require_columns(ratings, [*RATING_COLUMNS, score_column, *group_by], "ratings")
    ids = ratings["employee_id"]
    if ids.isna().any():
        raise ValueError(f"ratings row {ids.index[ids.isna()][0]!r} has no employee_id")
    reject_rows(ratings, ids.duplicated(), "appears more than once in one review cycle")
    raw = ratings[score_column]
    scores = pd.to_numeric(raw, errors="coerce").astype(float)
    reject_rows(ratings, raw.notna() & scores.isna(), f"{score_column} is not a number")
    reject_rows(ratings, ~scores.between(0, 100) & scores.notna(), f"{score_column} outside 0-100")
    return scores


# --- inflation and allocation ---------------------------------------------------------------------


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


def _largest_remainder(sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Hamilton allocation for several team sizes at once: one row of band counts per size."""
    quotas = sizes[:, None] * shares[None, :]
    counts = np.floor(quotas).astype(np.int64)
    remainders = np.round(quotas - counts, _REMAINDER_DECIMALS)
    # Stable sort: equal remainders keep share order, so the earlier (better) band gets the seat.
    order = np.argsort(-remainders, axis=1, kind="stable")
    seat_rank = np.empty_like(order)
    np.put_along_axis(seat_rank, order, np.arange(shares.size)[None, :], axis=1)
    missing = sizes - counts.sum(axis=1)
    return counts + (seat_rank < missing[:, None])


def largest_remainder_counts(n: int, shares: Sequence[float] | np.ndarray) -> np.ndarray:
    """Counts per band summing to exactly n (Hamilton / largest-remainder method).

    Everyone gets the floor of n x share, the seats left go to the largest remainders. Equal remainders
    go to the band listed first, so pass shares best band first to favour the higher band.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    share_array = np.asarray(shares, dtype=float)
    _check_shares(share_array)
    return _largest_remainder(np.array([n], dtype=np.int64), share_array)[0]


# --- rebalancing ----------------------------------------------------------------------------------


def _group_labels(ratings: pd.DataFrame, group_by: Sequence[str]) -> pd.Series:
    if not group_by:
        return pd.Series(SINGLE_GROUP_LABEL, index=ratings.index, dtype="str")
    parts = [ratings[c].astype("str").fillna(MISSING_GROUP_LABEL) for c in group_by]
    return parts[0].str.cat(parts[1:], sep=" / ") if len(parts) > 1 else parts[0]


def _null_safe_differs(left: pd.Series, right: pd.Series) -> pd.Series:
    left_missing, right_missing = left.isna(), right.isna()
    both = ~left_missing & ~right_missing
    return ((left_missing != right_missing) | (both & (left != right).fillna(False))).astype(bool)


def calibration_score(
    ratings: pd.DataFrame,
    target: pd.DataFrame,
    judgement_weight: float = 0.4,
    leniency_shrinkage: float = 2.0,
) -> pd.Series:
    """The evidence a calibration session ranks people by, 0-100 (NaN without a performance score).

    The performance score blended with the manager's rating corrected for that manager's leniency,
    both standardised over the cycle and weighted `judgement_weight` for the manager. Leniency is the
    manager's mean (submitted rank - data-driven rank), shrunk toward zero by `leniency_shrinkage`
    pseudo-ratings so that one person's gap does not wholly cancel a small team's rating. Two noisy
    views of the same performance rank people better than either alone; without a submitted
    rating the performance score counts alone.
    """
    if not 0 <= judgement_weight <= 1:
        raise ValueError(f"judgement_weight {judgement_weight} is not within 0-1")
    if leniency_shrinkage < 0:
        raise ValueError(f"leniency_shrinkage {leniency_shrinkage} is negative")
    bands = _bands_best_first(target)
    score = _checked_ratings(ratings, (), "performance_score")
    submitted = _to_ranks(ratings, "submitted_rating", bands).astype(float)
    gap = submitted - _to_ranks(ratings, "data_driven_band", bands).astype(float)
    per_manager = gap.groupby(ratings["manager_id"].fillna(MISSING_GROUP_LABEL))
    leniency = (per_manager.transform("sum") / (per_manager.transform("count") + leniency_shrinkage)).fillna(0)
    data, judged = _standardised(score), _standardised(submitted - leniency)
    blend = data.where(judged.isna(), (1 - judgement_weight) * data + judgement_weight * judged)
    low, high = blend.min(), blend.max()
    if not high > low:
        return score.where(score.isna(), 50.0)
    return (blend - low) / (high - low) * 100


def _standardised(values: pd.Series) -> pd.Series:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else values * 0.0


def suggest_ratings(
    ratings: pd.DataFrame,
    target: pd.DataFrame,
    group_by: Sequence[str] = ("department", "level_group"),
    score_column: str = "performance_score",
) -> pd.DataFrame:
    """Suggest ratings that follow the target distribution inside each calibration group.

    Within a group (the combination of `group_by` columns; empty = the whole table) people with a
    score (`score_column`, 0-100) are ranked by it descending, ties by employee_id ascending, and the best
    bands are filled first with largest-remainder counts, so everyone ranked gets a rating at any team
    size. People without a score are not ranked and keep their submitted rating (is_unranked).

    Returns the input columns plus: calibration_group, submitted_rank, data_driven_rank, is_unranked,
    score_position (1 = best in group), group_ranked_count, suggested_rating, suggested_rank,
    is_changed, and tied_across_bands (equal scores that the employee_id tie-break split across bands).
    """
    group_by = list(group_by)
    bands = _bands_best_first(target)
    scores = _checked_ratings(ratings, group_by, score_column)
    submitted_rank = _to_ranks(ratings, "submitted_rating", bands)
    data_driven_rank = _to_ranks(ratings, "data_driven_band", bands)

    if group_by:
        group_code = ratings.groupby(group_by, dropna=False, sort=True).ngroup().to_numpy()
    else:
        group_code = np.zeros(len(ratings), dtype=np.int64)
    id_code = pd.factorize(ratings["employee_id"], sort=True)[0]
    score_values = scores.to_numpy()
    ranked = np.flatnonzero(~np.isnan(score_values))
    ordered = ranked[np.lexsort((id_code[ranked], -score_values[ranked], group_code[ranked]))]

    ordered_group = group_code[ordered]
    group_sizes = np.bincount(ordered_group, minlength=int(group_code.max(initial=-1)) + 1)
    row_size = group_sizes[ordered_group]
    position = np.arange(ordered.size) - (np.cumsum(group_sizes) - group_sizes)[ordered_group]

    distinct_sizes = np.unique(row_size)
    band_bounds = _largest_remainder(distinct_sizes, bands["share"].to_numpy()).cumsum(axis=1)
    band_index = (position[:, None] >= band_bounds[np.searchsorted(distinct_sizes, row_size)]).sum(axis=1)

    n = len(ratings)
    score_position = np.full(n, np.nan)
    score_position[ordered] = position + 1
    ranked_count = np.full(n, np.nan)
    ranked_count[ordered] = row_size
    suggested = submitted_rank.to_numpy(dtype=float, na_value=np.nan)
    suggested[ordered] = bands["band_rank"].to_numpy()[band_index]
    suggested_rank = pd.Series(suggested, index=ratings.index).astype("Int64")

    split = pd.Series(False, index=ratings.index)
    if ordered.size:
        bands_per_score = (
            pd.DataFrame({"g": ordered_group, "s": score_values[ordered], "b": band_index})
            .groupby(["g", "s"])["b"]
            .transform("nunique")
        )
        split.iloc[ordered] = bands_per_score.to_numpy() > 1

    return ratings.assign(
        **{score_column: scores},
        calibration_group=_group_labels(ratings, group_by),
        submitted_rank=submitted_rank,
        data_driven_rank=data_driven_rank,
        is_unranked=np.isnan(score_values),
        score_position=pd.Series(score_position, index=ratings.index).astype("Int64"),
        group_ranked_count=pd.Series(ranked_count, index=ratings.index).astype("Int64"),
        suggested_rating=suggested_rank.map(dict(zip(bands["band_rank"], bands["band"]))).astype("str"),
        suggested_rank=suggested_rank,
        is_changed=_null_safe_differs(submitted_rank, suggested_rank),
        tied_across_bands=split,
    )


# --- reports --------------------------------------------------------------------------------------


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
    summary = pd.concat([grouped[sums].sum(), grouped[means].mean()], axis=1).astype(
        {c: float for c in means}
    )

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


# --- outliers and evidence ------------------------------------------------------------------------


def _format_value(value: float) -> str:
    decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _evidence_by_employee(
    metric_scores: pd.DataFrame, employees: pd.Series, max_metrics: int | None
) -> pd.Series:
    """'Metric 42/100 (118,000 USD per month); ...' per employee, lowest metric scores first."""
    require_columns(
        metric_scores, ("employee_id", "metric_name", "metric_score", "metric_value", "unit"), "metric_scores"
    )
    wanted = metric_scores["employee_id"].isin(employees) & metric_scores["metric_score"].notna()
    relevant = metric_scores[wanted]
    # Several periods per metric (months of a quarter) collapse to their mean.
    per_metric = (
        relevant.groupby(["employee_id", "metric_name"], dropna=False)
        .agg(
            metric_score=("metric_score", "mean"),
            metric_value=("metric_value", "mean"),
            unit=("unit", "first"),
        )
        .reset_index()
        .sort_values(["employee_id", "metric_score", "metric_name"])
    )
    if max_metrics is not None:
        per_metric = per_metric.groupby("employee_id").head(max_metrics)
    value = per_metric["metric_value"].map(_format_value, na_action="ignore").astype("str")
    detail = (" (" + value + " " + per_metric["unit"].fillna("").astype("str")).str.rstrip() + ")"
    line = (
        per_metric["metric_name"].astype("str")
        + " "
        + per_metric["metric_score"].round().astype(int).astype("str")
        + "/100"
        + detail.fillna("")
    )
    # One column per position (lowest score first), joined column by column: no Python loop per employee.
    by_position = per_metric[["employee_id"]].assign(
        position=per_metric.groupby("employee_id").cumcount(), line=line
    ).pivot(index="employee_id", columns="position", values="line")
    evidence = pd.Series("", index=by_position.index, dtype="str")
    for position in by_position.columns:
        separator = "" if position == 0 else "; "
        evidence = evidence + (separator + by_position[position]).fillna("")
    return evidence


def rating_outliers(
    calibrated: pd.DataFrame,
    metric_scores: pd.DataFrame,
    min_band_gap: int = 2,
    max_metrics: int | None = 3,
) -> pd.DataFrame:
    """People whose submitted rank is at least `min_band_gap` bands from their data-driven rank.

    Columns: employee_id, manager_id, calibration_group, submitted_rating, data_driven_band, band_gap
    (submitted minus data-driven: > 0 rated above the evidence), performance_score, evidence (the
    lowest `max_metrics` metric scores, all when None). Largest gaps first, then employee_id.
    """
    if min_band_gap < 1:
        raise ValueError(f"min_band_gap must be at least 1, got {min_band_gap}")
    if max_metrics is not None and max_metrics < 1:
        raise ValueError(f"max_metrics must be at least 1 or None, got {max_metrics}")
    columns = ["employee_id", "manager_id", "calibration_group", "submitted_rating", "data_driven_band"]
    needed = [*columns, "submitted_rank", "data_driven_rank", "performance_score"]
    require_columns(calibrated, needed, "calibrated")
    gap = (calibrated["submitted_rank"] - calibrated["data_driven_rank"]).astype("Float64")
    is_outlier = (gap.abs() >= min_band_gap).fillna(False).to_numpy(dtype=bool)
    outliers = calibrated.loc[is_outlier, columns].assign(
        band_gap=gap[is_outlier].astype("Int64").to_numpy(),
        performance_score=calibrated["performance_score"].to_numpy()[is_outlier],
    )
    evidence = _evidence_by_employee(metric_scores, outliers["employee_id"], max_metrics)
    outliers["evidence"] = outliers["employee_id"].map(evidence).fillna("no metric scores").astype("str")
    order = outliers.assign(_gap=outliers["band_gap"].abs()).sort_values(
        ["_gap", "employee_id"], ascending=[False, True]
    )
    return order.drop(columns="_gap").reset_index(drop=True)


# --- fairness -------------------------------------------------------------------------------------


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
        counts = is_top[valued].groupby(rated.loc[valued, attribute], observed=True, sort=True).agg(
            ["size", "sum"]
        )
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


# --- audit ----------------------------------------------------------------------------------------


AUDIT_COLUMNS = ("employee_id", "cycle", "from_rating", "to_rating", "proposed_by", "reason", "proposed_at")


def audit_rows(
    calibrated: pd.DataFrame,
    cycle: str,
    proposed_at: datetime,
    proposed_by: str = "calibration:rebalance",
    score_column: str = "performance_score",
) -> pd.DataFrame:
    """Append-only audit rows, one per suggested change, with the reason in plain words.

    Reason example: "performance score 71.2 ranks 3 of 6 in Engineering / IC" (the score the
    ratings were ranked by: `score_column`).
    """
    require_columns(
        calibrated,
        (
            "employee_id",
            "submitted_rating",
            "suggested_rating",
            "is_changed",
            score_column,
            "score_position",
            "group_ranked_count",
            "calibration_group",
        ),
        "calibrated",
    )
    changed = calibrated[calibrated["is_changed"].to_numpy(dtype=bool)]
    reason = (
        score_column.replace("_", " ")
        + " "
        + changed[score_column].round(1).astype("str")
        + " ranks "
        + changed["score_position"].astype("str")
        + " of "
        + changed["group_ranked_count"].astype("str")
        + " in "
        + changed["calibration_group"].astype("str")
    )
    return pd.DataFrame(
        {
            "employee_id": changed["employee_id"],
            "cycle": cycle,
            "from_rating": changed["submitted_rating"],
            "to_rating": changed["suggested_rating"],
            "proposed_by": proposed_by,
            "reason": reason.astype("str"),
            "proposed_at": proposed_at,
        },
        columns=list(AUDIT_COLUMNS),
    ).reset_index(drop=True)
