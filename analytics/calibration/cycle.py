"""One review cycle calibrated end to end: the suggestions and every report that reads them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import numpy as np
import pandas as pd

from .audit import audit_rows
from .fairness import fairness_report
from .outliers import rating_outliers
from .report import calibration_report, calibration_variance, rating_inflation
from .suggestions import calibration_score, evidence_agreement, evidence_weight, suggest_ratings

FAIRNESS_ATTRIBUTES = ("gender",)
CALIBRATION_GROUP = ("department", "level_group")
CYCLE_TABLES = (
    "calibrated_ratings",
    "calibration_by_manager",
    "calibration_by_group",
    "calibration_outliers",
    "calibration_fairness",
    "calibration_summary",
    "rating_audit",
)


def calibrate_cycle(
    ratings: pd.DataFrame,
    metric_scores: pd.DataFrame,
    target: pd.DataFrame,
    params: Mapping[str, float],
    proposed_at: datetime,
) -> dict[str, pd.DataFrame]:
    """Every calibration output (``CYCLE_TABLES``) for one review cycle's ratings.

    ``params`` are the calibration_parameters seed: judgement_weight,
    reference_agreement, min_evidence_weight, min_group_size, min_band_gap, evidence_metrics, top_rank, min_impact_ratio, min_fairness_group, fairness_alpha.
    ``ratings`` may carry each person's ``coverage`` and ``credited_share`` (see ``evidence_weight``).
    """
    cycle = ratings["cycle"].iloc[0]
    evidence = evidence_weight(ratings, target, params["reference_agreement"])
    thin = evidence < params["min_evidence_weight"]
    ratings = ratings.assign(
        calibration_score=calibration_score(ratings, target, params["judgement_weight"], params["reference_agreement"]),
        evidence_weight=evidence.round(3),
        evidence_note=np.where(thin, "evidence too thin to suggest a change: ranked by the manager's rating", None),
    )
    calibrated = suggest_ratings(
        ratings,
        target,
        group_by=CALIBRATION_GROUP,
        score_column="calibration_score",
        min_group_size=int(params["min_group_size"]),
    )
    outliers = rating_outliers(
        calibrated, metric_scores, min_band_gap=int(params["min_band_gap"]), max_metrics=int(params["evidence_metrics"])
    )
    fairness = fairness_stages(calibrated, {"submitted": "submitted_rank", "suggested": "suggested_rank"}, params)
    summary = pd.DataFrame(
        [
            {
                "rated": int(calibrated["submitted_rank"].notna().sum()),
                "changes": int(calibrated["is_changed"].sum()),
                "outliers": len(outliers),
                "inflation_before": rating_inflation(calibrated["submitted_rank"], target),
                "inflation_after": rating_inflation(calibrated["suggested_rank"], target),
                "variance_before": calibration_variance(calibrated, target, "submitted_rank"),
                "variance_after": calibration_variance(calibrated, target, "suggested_rank"),
                "adverse_impact_before": int(fairness.query("ratings == 'submitted'")["adverse_impact"].sum()),
                "adverse_impact_after": int(fairness.query("ratings == 'suggested'")["adverse_impact"].sum()),
                "evidence_agreement": evidence_agreement(ratings, target),
                "thin_evidence": int((thin & ratings["submitted_rating"].notna()).sum()),
                "in_groups_too_small": int(calibrated["group_too_small"].sum()),
                "forced_in_groups_too_small": int((calibrated["group_too_small"] & calibrated["is_changed"]).sum()),
                "ties_off_target": int(calibrated["tied_across_bands"].sum()),
            }
        ]
    )
    tables = {
        "calibrated_ratings": calibrated,
        "calibration_by_manager": calibration_report(calibrated, target, by=["manager_id"]),
        "calibration_by_group": _group_report(calibrated, target),
        "calibration_outliers": outliers,
        "calibration_fairness": fairness,
        "calibration_summary": summary,
    }
    tables = {
        name: frame.assign(cycle=cycle)[["cycle", *frame.columns.drop("cycle", errors="ignore")]]
        for name, frame in tables.items()
    }
    tables["rating_audit"] = audit_rows(calibrated, cycle, proposed_at, score_column="calibration_score")
    return tables


def fairness_stages(frame: pd.DataFrame, stages: Mapping[str, str], params: Mapping[str, float]) -> pd.DataFrame:
    """``fairness_report`` of each stage's ranks (label -> rank column), labelled in column ``ratings``."""
    return pd.concat(
        [
            fairness_report(
                frame,
                FAIRNESS_ATTRIBUTES,
                rank_column=column,
                top_rank=int(params["top_rank"]),
                min_impact_ratio=params["min_impact_ratio"],
                min_group_size=int(params["min_fairness_group"]),
                alpha=params["fairness_alpha"],
                strata=CALIBRATION_GROUP,
            ).assign(ratings=label)
            for label, column in stages.items()
        ],
        ignore_index=True,
    )


def _group_report(calibrated: pd.DataFrame, target: pd.DataFrame) -> pd.DataFrame:
    """The report per calibration group, with whether the group was forced into the target and how
    many of its people share a tie that made its counts differ from the target."""
    flags = calibrated.groupby("calibration_group").agg(
        is_forced=("group_too_small", lambda small: not small.any()), ties_off_target=("tied_across_bands", "sum")
    )
    return calibration_report(calibrated, target, by=["calibration_group"]).merge(
        flags.reset_index(), on="calibration_group"
    )


def with_unrated(calibrated: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """The calibrated ratings plus a row for everyone of the cycle's population without a rating, with
    the reason (``population``: cycle, employee_id, manager_id, department, level_group, unrated_reason
    of fct_cycle_population, unrated rows only). Rated rows get an empty reason."""
    rated = calibrated[["cycle", "employee_id"]].assign(_rated=True)
    missing = population.merge(rated, on=["cycle", "employee_id"], how="left")
    missing = missing[missing["_rated"].isna()].drop(columns="_rated")
    rows = pd.concat([calibrated.assign(unrated_reason=None), missing], ignore_index=True)
    return rows.sort_values(["cycle", "employee_id"], ignore_index=True)[[*calibrated.columns, "unrated_reason"]]


def calibrate_cycles(
    ratings: pd.DataFrame,
    metric_scores: pd.DataFrame,
    target: pd.DataFrame,
    params: Mapping[str, float],
    proposed_at: datetime,
) -> dict[str, pd.DataFrame]:
    """``calibrate_cycle`` for every cycle in ``ratings``, each table concatenated over the cycles.

    ``metric_scores`` carries a ``cycle`` column: each cycle's outliers are evidenced from its own quarter.
    """
    cycles = [
        calibrate_cycle(group, metric_scores[metric_scores["cycle"] == cycle], target, params, proposed_at)
        for cycle, group in ratings.groupby("cycle", sort=True)
    ]
    return {name: pd.concat([c[name] for c in cycles], ignore_index=True) for name in CYCLE_TABLES}
