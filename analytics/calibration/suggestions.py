"""Suggested ratings: largest-remainder allocation, the calibration score and `suggest_ratings`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from analytics.validation import reject_rows, require_columns

from .bands import _bands_best_first, _check_shares, _to_ranks

_REMAINDER_DECIMALS = 9  # remainders equal to this precision count as ties, not as float noise

RATING_COLUMNS = ("employee_id", "manager_id", "submitted_rating", "performance_score", "data_driven_band")
SINGLE_GROUP_LABEL = "All employees"
MISSING_GROUP_LABEL = "(none)"
POOLED_SUFFIX = " (small groups pooled)"
_SCORE_DECIMALS = 6  # scores equal to this precision are equal evidence


# --- input validation -----------------------------------------------------------------------------


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


# --- allocation -----------------------------------------------------------------------------------


def _largest_remainder(sizes: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Hamilton allocation for several groups at once: one row of band counts per size. ``shares`` is
    one row of shares for every group, or one row per group."""
    quotas = sizes[:, None] * np.atleast_2d(shares)
    counts = np.floor(quotas).astype(np.int64)
    remainders = np.round(quotas - counts, _REMAINDER_DECIMALS)
    # Stable sort: equal remainders keep share order, so the earlier (better) band gets the seat.
    order = np.argsort(-remainders, axis=1, kind="stable")
    seat_rank = np.empty_like(order)
    np.put_along_axis(seat_rank, order, np.arange(quotas.shape[1])[None, :], axis=1)
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


def calibration_groups(ratings: pd.DataFrame, group_by: Sequence[str], min_group_size: int) -> pd.Series:
    """Each person's calibration group: the finest grouping of ``group_by`` (then its prefixes, down
    to everyone) in which their group has at least ``min_group_size`` people. People of groups below
    the size are pooled with the other small groups' people of the next coarser group; what is still
    too small at the end keeps the coarsest label (the caller does not force it)."""
    group_by = list(group_by)
    labels = pd.Series(SINGLE_GROUP_LABEL, index=ratings.index, dtype="str")
    left = pd.Series(True, index=ratings.index)
    for depth in range(len(group_by), -1, -1):
        keys = _group_labels(ratings[left], group_by[:depth])
        placed = keys.map(keys.value_counts()) >= min_group_size
        if depth == 0:
            placed[:] = True
        if depth < len(group_by):
            keys = keys + POOLED_SUFFIX
        labels[placed[placed].index] = keys[placed]
        left[placed[placed].index] = False
    return labels


def _null_safe_differs(left: pd.Series, right: pd.Series) -> pd.Series:
    left_missing, right_missing = left.isna(), right.isna()
    both = ~left_missing & ~right_missing
    return ((left_missing != right_missing) | (both & (left != right).fillna(False))).astype(bool)


def evidence_agreement(ratings: pd.DataFrame, target: pd.DataFrame) -> float:
    """How far the cycle's performance scores and submitted ratings agree: their rank correlation
    (Spearman) over the people with both, 0 when they do not agree at all (or cannot be compared).
    Two views of the same people that agree well are both telling something true; scores that do not
    agree with the managers at all more likely measure the systems than the people."""
    submitted = _to_ranks(ratings, "submitted_rating", _bands_best_first(target)).astype(float)
    both = pd.concat([pd.to_numeric(ratings["performance_score"], errors="coerce"), submitted], axis=1).dropna()
    if len(both) < 3 or both.iloc[:, 0].nunique() < 2 or both.iloc[:, 1].nunique() < 2:
        return 0.0
    return max(0.0, float(spearmanr(both.iloc[:, 0], both.iloc[:, 1]).statistic))


def evidence_weight(ratings: pd.DataFrame, target: pd.DataFrame, reference_agreement: float = 0.6) -> pd.Series:
    """How far each person's data-driven evidence can be trusted, 0-1: the cycle's evidence agreement
    relative to ``reference_agreement`` (what good evidence reaches; capped at 1), times the person's
    score coverage (``coverage``, the share of weight with data; 1 when absent), times the share of
    their role's activity that could be credited to anyone (``credited_share``; 1 when absent)."""
    if not reference_agreement > 0:
        raise ValueError(f"reference_agreement {reference_agreement} must be positive")
    trust = min(1.0, evidence_agreement(ratings, target) / reference_agreement)
    person = pd.Series(1.0, index=ratings.index)
    for column in ("coverage", "credited_share"):
        if column in ratings:
            person *= pd.to_numeric(ratings[column], errors="coerce").fillna(0).clip(0, 1)
    return trust * person


def leniency(gap: pd.Series, manager: pd.Series) -> pd.Series:
    """Each row's manager leniency: the manager's mean ``gap`` (submitted minus data-driven rank),
    shrunk toward zero by empirical Bayes. The shrinkage is estimated, not fixed: how far managers'
    mean gaps spread beyond what their team sizes' noise explains (method of moments) decides how much
    of a manager's mean is habit; a small team's one gap, or a company whose managers do not really
    differ, is mostly shrunk away. 0 for rows without a gap's manager."""
    known = gap.notna()
    groups = gap[known].groupby(manager[known].fillna(MISSING_GROUP_LABEL))
    n, mean = groups.count(), groups.mean()
    spread = ((gap[known] - groups.transform("mean")) ** 2).sum()
    dof = int(known.sum()) - len(n)
    within = spread / dof if dof > 0 else float(gap[known].var(ddof=0) or 0.0)
    between = max(0.0, float((mean**2).mean() - (within / n).mean())) if len(n) else 0.0
    weight = between / (between + within / n) if between > 0 else mean * 0.0
    shrunk = (weight * mean).fillna(0)
    return manager.fillna(MISSING_GROUP_LABEL).map(shrunk).fillna(0).astype(float)


def calibration_score(
    ratings: pd.DataFrame,
    target: pd.DataFrame,
    judgement_weight: float = 0.4,
    reference_agreement: float = 0.6,
) -> pd.Series:
    """The evidence a calibration session ranks people by, 0-100 (NaN without a performance score).

    The performance score blended with the manager's rating corrected for that manager's leniency,
    both standardised over the cycle: the manager's weighs `judgement_weight`, the data
    `1 - judgement_weight` times the person's `evidence_weight`, so evidence that cannot be trusted
    (thin coverage, uncredited activity, scores that do not agree with ratings across the cycle) does
    not move anyone. Leniency is the manager's mean (submitted rank - data-driven rank) shrunk by
    empirical Bayes (``leniency``), and trusted as far as the cycle's evidence is. A rating marked in
    ``rating_distrusted`` (its manager was found to rate the person's group lower at equal evidence)
    does not enter the blend, nor that manager's leniency. Two noisy views of the same performance rank
    people better than either alone; without a submitted rating the performance score counts alone.
    """
    if not 0 <= judgement_weight <= 1:
        raise ValueError(f"judgement_weight {judgement_weight} is not within 0-1")
    bands = _bands_best_first(target)
    score = _checked_ratings(ratings, (), "performance_score")
    evidence = evidence_weight(ratings, target, reference_agreement)
    trust = min(1.0, evidence_agreement(ratings, target) / reference_agreement)
    distrusted = ratings.get("rating_distrusted", pd.Series(False, index=ratings.index)).fillna(False).astype(bool)
    submitted = _to_ranks(ratings, "submitted_rating", bands).astype(float).where(~distrusted)
    gap = submitted - _to_ranks(ratings, "data_driven_band", bands).astype(float)
    data, judged = _standardised(score), _standardised(submitted - trust * leniency(gap, ratings["manager_id"]))
    data_weight = (1 - judgement_weight) * evidence
    total = data_weight + judgement_weight
    blended = (data_weight * data + judgement_weight * judged) / total.where(total > 0)
    blend = data.where(judged.isna() | (total <= 0), blended)
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
    min_group_size: int = 10,
) -> pd.DataFrame:
    """Suggest ratings that follow the target distribution inside each calibration group.

    Groups are the combinations of ``group_by`` (empty = the whole table), pooled into coarser ones below
    ``min_group_size`` people (``calibration_groups``). A group still below it is not forced: its people
    keep their submitted rating (group_too_small). Within a group, people with a score (``score_column``,
    0-100) are ranked by it, and the best bands are filled first with largest-remainder counts of the
    whole group, of which the people without a score take the seats of the ratings they keep
    (is_unranked), so a missing score does not move anyone else. People with equal scores get the same
    band (the one at the middle of their run of positions), so a group's counts may differ from the
    target by the size of a tie (tied_across_bands).

    Returns the input columns plus: calibration_group, group_size, group_too_small, submitted_rank,
    data_driven_rank, is_unranked, score_position (1 = best in group), group_ranked_count,
    suggested_rating, suggested_rank, is_changed and tied_across_bands.
    """
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)) or min_group_size < 1:
        raise ValueError(f"min_group_size must be a positive integer, got {min_group_size!r}")
    group_by = list(group_by)
    bands = _bands_best_first(target)
    scores = _checked_ratings(ratings, group_by, score_column)
    submitted_rank = _to_ranks(ratings, "submitted_rating", bands)
    data_driven_rank = _to_ranks(ratings, "data_driven_band", bands)
    n, n_bands = len(ratings), len(bands)

    labels = calibration_groups(ratings, group_by, min_group_size)
    group_code, group_names = pd.factorize(labels, sort=True)
    score_values = scores.round(_SCORE_DECIMALS).to_numpy()
    submitted_values = submitted_rank.to_numpy(dtype=float, na_value=np.nan)
    scored, kept = ~np.isnan(score_values), np.isnan(score_values) & ~np.isnan(submitted_values)
    members = np.bincount(group_code[scored | kept], minlength=len(group_names))
    forced = members >= min_group_size
    ranked = np.flatnonzero(scored & forced[group_code])
    id_code = pd.factorize(ratings["employee_id"], sort=True)[0]
    ordered = ranked[np.lexsort((id_code[ranked], -score_values[ranked], group_code[ranked]))]

    # Each group's seats: the target for all its members, less those the unscored keep.
    band_of_rank = {rank: i for i, rank in enumerate(bands["band_rank"])}
    kept_counts = np.zeros((len(group_names), n_bands))
    kept_rows = np.flatnonzero(kept)
    np.add.at(kept_counts, (group_code[kept_rows], [band_of_rank[int(r)] for r in submitted_values[kept_rows]]), 1)
    open_seats = np.clip(members[:, None] * bands["share"].to_numpy()[None, :] - kept_counts, 0, None)
    totals = open_seats.sum(axis=1, keepdims=True)
    seat_shares = np.where(totals > 0, open_seats / np.where(totals > 0, totals, 1), bands["share"].to_numpy())
    ordered_group = group_code[ordered]
    ranked_sizes = np.bincount(ordered_group, minlength=len(group_names))
    band_bounds = _largest_remainder(ranked_sizes, seat_shares).cumsum(axis=1)

    row_size = ranked_sizes[ordered_group]
    position = np.arange(ordered.size) - (np.cumsum(ranked_sizes) - ranked_sizes)[ordered_group]
    new_run = np.ones(ordered.size, dtype=bool)
    new_run[1:] = (np.diff(ordered_group) != 0) | (np.diff(score_values[ordered]) != 0)
    run = np.cumsum(new_run) - 1
    run_first = np.flatnonzero(new_run)
    run_last = np.append(run_first[1:], ordered.size)[: run_first.size] - 1
    middle = (position[run_first] + position[run_last]) // 2
    target_band = (position[:, None] >= band_bounds[ordered_group]).sum(axis=1)
    band_index = (middle[run][:, None] >= band_bounds[ordered_group]).sum(axis=1)
    split = np.zeros(n, dtype=bool)
    spans = np.bincount(run, weights=target_band != band_index, minlength=run_first.size) > 0
    split[ordered] = spans[run]

    score_position = np.full(n, np.nan)
    score_position[ordered] = position + 1
    ranked_count = np.full(n, np.nan)
    ranked_count[ordered] = row_size
    suggested = submitted_values.copy()
    suggested[ordered] = bands["band_rank"].to_numpy()[band_index]
    suggested_rank = pd.Series(suggested, index=ratings.index).astype("Int64")

    return ratings.assign(
        **{score_column: scores},
        calibration_group=labels,
        group_size=members[group_code],
        group_too_small=~forced[group_code],
        submitted_rank=submitted_rank,
        data_driven_rank=data_driven_rank,
        is_unranked=~scored,
        score_position=pd.Series(score_position, index=ratings.index).astype("Int64"),
        group_ranked_count=pd.Series(ranked_count, index=ratings.index).astype("Int64"),
        suggested_rating=suggested_rank.map(dict(zip(bands["band_rank"], bands["band"]))).astype("str"),
        suggested_rank=suggested_rank,
        is_changed=_null_safe_differs(submitted_rank, suggested_rank),
        tied_across_bands=split,
    )
