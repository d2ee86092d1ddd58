"""Bias inside a manager's team: the rating gap between groups at equal evidence, per manager with
enough people, pooled over recent cycles, corrected for the number of managers tested."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import statsmodels.api as sm
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


def _gap(rows: pd.DataFrame, in_group: pd.Series) -> tuple[float, float, float, float]:
    """OLS of the submitted rank on the evidence and group membership, errors clustered by person
    (the same person rated in several cycles is not several independent people): the group's
    coefficient, its 95% interval and p-value."""
    design = sm.add_constant(pd.DataFrame({"evidence": rows["evidence"], "group": in_group.astype(float)}))
    fit = sm.OLS(rows["rank"].astype(float), design).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(rows["employee_id"])[0]}
    )
    low, high = fit.conf_int().loc["group"]
    return float(fit.params["group"]), float(low), float(high), float(fit.pvalues["group"])


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
    one is below ``alpha``."""
    require_columns(ratings, ("employee_id", "manager_id", "submitted_rank", "performance_score"), "ratings")
    rated = ratings[ratings["submitted_rank"].notna() & ratings["performance_score"].notna()]
    rated = rated.assign(rank=rated["submitted_rank"].astype(float), evidence=rated["performance_score"].astype(float))
    rows = []
    for attribute in (a for a in attributes if a in rated.columns):
        for manager, team in rated[rated[attribute].notna()].groupby("manager_id", sort=True):
            people = team.drop_duplicates("employee_id")
            if len(people) < min_people or team["evidence"].nunique() < 2:
                continue
            values = sorted(people[attribute].astype("str").unique())
            for value in values[:1] if len(values) == 2 else values:  # two groups: one test, the other mirrors it
                in_group = team[attribute].astype("str") == value
                members = people[attribute].astype("str") == value
                if members.sum() < min_per_group or (~members).sum() < min_per_group:
                    continue
                gap, low, high, pvalue = _gap(team, in_group)
                rows.append([manager, attribute, value, int(members.sum()), len(team), gap, low, high, pvalue])
    report = pd.DataFrame(rows, columns=list(BIAS_COLUMNS[:-2]))
    report["pvalue_corrected"] = multipletests(report["pvalue"], method="fdr_bh")[1] if len(report) else []
    report["flagged"] = report["pvalue_corrected"] < alpha
    return report[list(BIAS_COLUMNS)]


def distrusted_ratings(people: pd.DataFrame, bias: pd.DataFrame) -> pd.Series:
    """Per row of ``people`` (manager_id and the attributes), whether its manager was flagged for rating
    the person's group lower: the group tested when its gap is negative, the others when positive."""
    distrusted = pd.Series(False, index=people.index)
    for row in bias[bias["flagged"]].itertuples():
        if row.attribute in people:
            in_group = people[row.attribute].astype("str") == row.value
            distrusted |= (people["manager_id"] == row.manager_id) & (in_group if row.gap < 0 else ~in_group)
    return distrusted
