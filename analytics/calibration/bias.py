"""Bias inside a manager's team: the rating gap between groups at equal evidence, per manager with
enough people, pooled over recent cycles, corrected for the number of managers tested."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analytics.validation import require_columns

BIAS_COLUMNS = (
    "manager_id",
    "attribute",
    "value",
    "people",
    "ratings",
    "gap",
    "ci_low",
    "ci_high",
    "pvalue",
    "pvalue_corrected",
    "flagged",
)


def _gaps(rows: pd.DataFrame, manager: np.ndarray, in_group: np.ndarray, managers: int) -> pd.DataFrame:
    """Per manager (codes 0 to ``managers`` - 1), the OLS of the submitted rank on the evidence and
    group membership, solved for all managers at once, with errors clustered by person (the same person
    rated in several cycles is not several independent people; statsmodels' cluster estimator with its
    small-sample correction and t inference): the group's coefficient, its 95% interval and p-value."""
    X = np.column_stack([np.ones(len(rows)), rows["evidence"].to_numpy(float), in_group.astype(float)])
    y = rows["rank"].to_numpy(float)
    k = X.shape[1]
    xtx = np.zeros((managers, k, k))
    np.add.at(xtx, manager, X[:, :, None] * X[:, None, :])
    xty = np.zeros((managers, k))
    np.add.at(xty, manager, X * y[:, None])
    solvable = np.abs(np.linalg.det(xtx)) > 1e-9
    inverse = np.full_like(xtx, np.nan)
    inverse[solvable] = np.linalg.inv(xtx[solvable])
    beta = np.einsum("mij,mj->mi", inverse, xty)
    residual = y - (X * beta[manager]).sum(axis=1)
    cluster = pd.factorize(pd.Series(manager).astype(str) + "|" + rows["employee_id"].astype(str).to_numpy())[0]
    score = np.zeros((cluster.max() + 1 if len(cluster) else 0, k))
    np.add.at(score, cluster, X * residual[:, None])
    cluster_manager = np.zeros(len(score), dtype=np.int64)
    cluster_manager[cluster] = manager
    meat = np.zeros((managers, k, k))
    np.add.at(meat, cluster_manager, score[:, :, None] * score[:, None, :])
    n = np.bincount(manager, minlength=managers)
    clusters = np.bincount(cluster_manager, minlength=managers)
    with np.errstate(divide="ignore", invalid="ignore"):
        correction = clusters / (clusters - 1) * (n - 1) / (n - k)
        covariance = np.einsum("mij,mjk,mkl->mil", inverse, meat, inverse) * correction[:, None, None]
        se = np.sqrt(covariance[:, 2, 2])
        z = beta[:, 2] / se
    # Few clusters (a team's people) make clustered errors too small: t with clusters - 1 degrees of freedom.
    dof = np.maximum(clusters - 1, 1)
    pvalue = 2 * stats.t.sf(np.abs(z), dof)
    half = stats.t.ppf(0.975, dof) * se
    return pd.DataFrame(
        {"gap": beta[:, 2], "ci_low": beta[:, 2] - half, "ci_high": beta[:, 2] + half, "pvalue": pvalue}
    )


def manager_bias(
    ratings: pd.DataFrame,
    attributes: Sequence[str] = ("gender",),
    min_people: int = 8,
    min_per_group: int = 3,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Per manager, attribute and group value: the gap in submitted rating (bands) between the group
    and the manager's other people at equal evidence, over every cycle in ``ratings`` (cycle,
    employee_id, manager_id, submitted_rank, performance_score and the attributes). A manager is
    tested with at least ``min_people`` people, ``min_per_group`` of them in the group and outside it;
    p-values are corrected across every test (Benjamini-Hochberg) and ``flagged`` where the corrected
    one is below ``alpha``. With two groups one test says it all (the other is its mirror)."""
    require_columns(ratings, ("employee_id", "manager_id", "submitted_rank", "performance_score"), "ratings")
    rated = ratings[ratings["submitted_rank"].notna() & ratings["performance_score"].notna()]
    rated = rated.assign(rank=rated["submitted_rank"].astype(float), evidence=rated["performance_score"].astype(float))
    reports = []
    for attribute in (a for a in attributes if a in rated.columns):
        rows = rated[rated[attribute].notna()].reset_index(drop=True)
        rows[attribute] = rows[attribute].astype("str")
        manager, managers = pd.factorize(rows["manager_id"], sort=True)
        people = rows.drop_duplicates(["manager_id", "employee_id"])
        people_code = pd.Categorical(people["manager_id"], categories=managers).codes
        headcount = np.bincount(people_code, minlength=len(managers))
        spread = rows.groupby(manager)["evidence"].nunique().reindex(range(len(managers)), fill_value=0).to_numpy()
        values = sorted(rows[attribute].unique())
        for value in values[:1] if len(values) == 2 else values:
            members = np.bincount(people_code, weights=people[attribute].to_numpy() == value, minlength=len(managers))
            tested = (headcount >= min_people) & (members >= min_per_group) & (headcount - members >= min_per_group)
            tested &= spread >= 2
            keep = tested[manager]
            if not keep.any():
                continue
            codes, chosen = pd.factorize(manager[keep], sort=True)
            gaps = _gaps(rows[keep], codes, (rows.loc[keep, attribute] == value).to_numpy(), len(chosen))
            reports.append(
                gaps.assign(
                    manager_id=managers[chosen],
                    attribute=attribute,
                    value=value,
                    people=members[chosen].astype(int),
                    ratings=np.bincount(codes, minlength=len(chosen)),
                )
            )
    report = pd.concat(reports, ignore_index=True) if reports else pd.DataFrame(columns=list(BIAS_COLUMNS[:-2]))
    tested = report["pvalue"].notna()
    report["pvalue_corrected"] = np.nan
    if tested.any():
        report.loc[tested, "pvalue_corrected"] = multipletests(report.loc[tested, "pvalue"], method="fdr_bh")[1]
    report["flagged"] = report["pvalue_corrected"] < alpha
    return report.sort_values(["attribute", "manager_id", "value"], ignore_index=True)[list(BIAS_COLUMNS)]


def distrusted_ratings(people: pd.DataFrame, bias: pd.DataFrame) -> pd.Series:
    """Per row of ``people`` (manager_id and the attributes), whether its manager was flagged for rating
    the person's group lower: the group tested when its gap is negative, the others when positive."""
    distrusted = pd.Series(False, index=people.index)
    for row in bias[bias["flagged"]].itertuples():
        if row.attribute in people:
            in_group = people[row.attribute].astype("str") == row.value
            distrusted |= (people["manager_id"] == row.manager_id) & (in_group if row.gap < 0 else ~in_group)
    return distrusted
