"""Promotion readiness (guide, "Promotion Readiness Score") and succession depth.

Four factors scored 0-100 per employee, weighted into a composite that is renormalised over the
factors with data, then cut into readiness levels. Everyone is kept in the output: people with no
next level get readiness "Top of ladder" (factor scores kept, no composite), so headcounts add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from analytics.validation import reject_rows, require_columns

FACTORS = ("performance_history", "skill_gap", "scope", "business_impact")
DEVELOPMENT_AREAS = {
    "skill_gap": "Technical/functional skills",
    "scope": "Leadership and mentorship",
    "business_impact": "Business impact and strategic thinking",
}
FACTOR_NAMES = {
    "performance_history": "rating history",
    "skill_gap": "skills against the next level",
    "scope": "leadership and scope",
    "business_impact": "business impact",
}
TOP_OF_LADDER = "Top of ladder"
NO_DATA = "No data"
NO_DEVELOPMENT_AREA = "None"
# Composites are sums of float products: 84.99999999999999 must still reach an 85 cut-off.
_SCORE_DECIMALS = 9

EMPLOYEE_COLUMNS = ("employee_id", "department", "level", "next_level", "level_group")
HISTORY_COLUMNS = ("employee_id", "cycle", "rating")
GAP_COLUMNS = ("employee_id", "competency", "competency_name", "next_level_required", "gap_to_next_level")
SCOPE_COLUMNS = ("employee_id", "projects_led", "mentees")
IMPACT_COLUMNS = ("employee_id", "impact_score")


class PromotionConfig(BaseModel):
    """Every number of the model; defaults are the guide's (and the promotion seeds')."""

    model_config = ConfigDict(frozen=True)

    factor_weights: dict[str, float] = Field(
        default_factory=lambda: {"performance_history": 0.40, "skill_gap": 0.25, "scope": 0.20, "business_impact": 0.15}
    )
    readiness_levels: dict[str, float] = Field(
        default_factory=lambda: {
            "Ready now": 85.0,
            "Ready in 6 months": 70.0,
            "Ready in 12 months": 55.0,
            "Not ready": 0.0,
        }
    )
    history_weights: tuple[float, ...] = (0.5, 0.3, 0.2)
    band_points: dict[str, float] = Field(
        default_factory=lambda: {"Exceptional": 100.0, "Strong": 80.0, "Meets": 60.0, "Improvement": 30.0}
    )
    max_gap_per_skill: float = Field(2.0, gt=0)
    points_per_project: float = Field(20.0, ge=0)
    max_project_points: float = Field(60.0, ge=0)
    points_per_mentee: float = Field(10.0, ge=0)
    max_mentee_points: float = Field(40.0, ge=0)
    development_thresholds: dict[str, float] = Field(
        default_factory=lambda: {"skill_gap": 70.0, "scope": 60.0, "business_impact": 60.0}
    )
    # The share of factor weight with data a level needs (seed readiness_levels.min_coverage); the
    # guide sets none, so by default any coverage reaches any level.
    readiness_min_coverage: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> PromotionConfig:
        if set(self.factor_weights) != set(FACTORS):
            raise ValueError(f"factor_weights must name exactly {', '.join(FACTORS)}")
        if min(self.factor_weights.values()) < 0 or sum(self.factor_weights.values()) <= 0:
            raise ValueError("factor_weights must be non-negative with a positive sum")
        if not self.history_weights or min(self.history_weights) <= 0:
            raise ValueError("history_weights must be a non-empty list of positive weights")
        if len(self.readiness_levels) < 2 or min(self.readiness_levels.values()) > 0:
            raise ValueError("readiness_levels need at least two levels, the lowest starting at 0")
        if len(set(self.readiness_levels.values())) != len(self.readiness_levels):
            raise ValueError("readiness_levels must have distinct min_score values")
        if not set(self.readiness_min_coverage) <= set(self.readiness_levels):
            raise ValueError("readiness_min_coverage may only name readiness levels")
        if any(not 0 <= v <= 1 for v in self.readiness_min_coverage.values()):
            raise ValueError("readiness_min_coverage values are shares of factor weight, 0-1")
        if self.readiness_min_coverage.get(self.levels_best_first[-1], 0) > 0:
            raise ValueError("the lowest readiness level cannot require coverage: everyone with data must have a level")
        if not set(self.development_thresholds) <= set(DEVELOPMENT_AREAS):
            raise ValueError(f"development_thresholds may only name {', '.join(DEVELOPMENT_AREAS)}")
        return self

    @property
    def levels_best_first(self) -> list[str]:
        return sorted(self.readiness_levels, key=self.readiness_levels.__getitem__, reverse=True)

    @classmethod
    def from_seeds(
        cls, factors: pd.DataFrame, readiness_levels: pd.DataFrame, parameters: pd.DataFrame, band_points: pd.DataFrame
    ) -> PromotionConfig:
        """Build from the seeds promotion_factors, readiness_levels, promotion_parameters, promotion_band_points."""
        require_columns(factors, ("factor", "weight"), "promotion_factors")
        require_columns(readiness_levels, ("readiness", "min_score"), "readiness_levels")
        require_columns(parameters, ("parameter", "value"), "promotion_parameters")
        require_columns(band_points, ("band", "points"), "promotion_band_points")
        params = dict(zip(parameters["parameter"], parameters["value"].astype(float), strict=True))
        history = sorted(
            (int(m.group(1)), params.pop(name))
            for name in list(params)
            if (m := re.fullmatch(r"history_weight_(\d+)", name))
        )
        thresholds = {
            name.removeprefix("development_threshold_"): params.pop(name)
            for name in list(params)
            if name.startswith("development_threshold_")
        }
        scalars = (
            "max_gap_per_skill",
            "points_per_project",
            "max_project_points",
            "points_per_mentee",
            "max_mentee_points",
        )
        unknown = set(params) - set(scalars)
        if unknown:
            raise ValueError(f"promotion_parameters: unknown parameter(s) {', '.join(sorted(unknown))}")
        return cls(
            factor_weights=dict(zip(factors["factor"], factors["weight"].astype(float), strict=True)),
            readiness_levels=dict(
                zip(readiness_levels["readiness"], readiness_levels["min_score"].astype(float), strict=True)
            ),
            history_weights=tuple(weight for _, weight in history),
            band_points=dict(zip(band_points["band"], band_points["points"].astype(float), strict=True)),
            development_thresholds=thresholds,
            readiness_min_coverage=dict(
                zip(readiness_levels["readiness"], readiness_levels["min_coverage"].astype(float), strict=True)
            )
            if "min_coverage" in readiness_levels
            else {},
            **{name: params[name] for name in scalars if name in params},
        )


def performance_history_score(history: pd.DataFrame, config: PromotionConfig) -> pd.Series:
    """Weighted points of each employee's most recent ratings, renormalised over the ratings that exist.

    One rating of Strong scores 80 (not 0.5 x 80). Rows with no rating are ignored; employees with
    none are absent from the result. Cycles are quarters, '2026-Q3' or 'Q3-2026', ordered by date;
    another label is rejected.
    """
    require_columns(history, HISTORY_COLUMNS, "history")
    rated = history.loc[history["rating"].notna() & history["employee_id"].notna(), list(HISTORY_COLUMNS)]
    reject_rows(rated, rated["cycle"].isna(), "a rating without a cycle", name="history")
    points = rated["rating"].map(config.band_points).to_numpy(dtype=float)
    reject_rows(rated, np.isnan(points), f"a rating band not in {', '.join(config.band_points)}", name="history")
    employee, ids = pd.factorize(rated["employee_id"])
    cycle = _quarter_number(rated)
    order = np.lexsort((-cycle, employee))  # most recent first within each employee
    repeated = (employee[order][1:] == employee[order][:-1]) & (cycle[order][1:] == cycle[order][:-1])
    same_cycle = np.zeros(len(rated), dtype=bool)
    same_cycle[order[1:][repeated]] = same_cycle[order[:-1][repeated]] = True
    reject_rows(rated, same_cycle, "more than one rating in the same cycle", name="history")
    position = _position_in_group(employee[order])
    recent = position < len(config.history_weights)
    kept, weight = order[recent], np.asarray(config.history_weights)[position[recent]]
    weighted = np.bincount(employee[kept], weight * points[kept], minlength=len(ids))
    total_weight = np.bincount(employee[kept], weight, minlength=len(ids))
    return pd.Series(weighted / total_weight, index=pd.Index(ids, name="employee_id"), name="performance_history")


_QUARTER = re.compile(r"^(?:(?P<y1>\d{4})-Q(?P<q1>[1-4])|Q(?P<q2>[1-4])-(?P<y2>\d{4}))$")


def _quarter_number(rated: pd.DataFrame) -> np.ndarray:
    """Each row's cycle as quarters since year 0, so cycles sort by date and not as text."""
    parts = rated["cycle"].astype("str").str.extract(_QUARTER)
    reject_rows(rated, parts.isna().all(axis=1), "a cycle that is not a quarter like 2026-Q3", name="history")
    year = parts["y1"].fillna(parts["y2"]).astype(int).to_numpy()
    quarter = parts["q1"].fillna(parts["q2"]).astype(int).to_numpy()
    return year * 4 + quarter - 1


def skill_gap_score(gaps: pd.DataFrame, config: PromotionConfig) -> pd.Series:
    """100 x (1 - total shortfall / (competencies required x max gap)), each competency's shortfall
    capped at the max gap (so one far-off skill cannot outweigh the others).

    Only competencies the next level requires and that have a measured gap count; employees with
    none are absent from the result.
    """
    return _skill_gap_score(_RequiredGaps.of(gaps), config)


def competencies_below_requirement(gaps: pd.DataFrame) -> pd.Series:
    """Per employee, the competencies below the next level's requirement, largest shortfall first."""
    return _competencies_below(_RequiredGaps.of(gaps))


def scope_score(scope: pd.DataFrame, config: PromotionConfig) -> pd.Series:
    """Capped points for projects led plus capped points for mentees; both counts must be known."""
    require_columns(scope, SCOPE_COLUMNS, "scope")
    reject_rows(scope, scope["employee_id"].duplicated(keep=False), "more than one row", name="scope")
    counts = scope[["projects_led", "mentees"]].astype(float)
    reject_rows(scope, (counts < 0).any(axis=1), "a negative projects_led or mentees", name="scope")
    known = counts.notna().all(axis=1)
    counts = counts[known]
    points = np.minimum(counts["projects_led"] * config.points_per_project, config.max_project_points) + np.minimum(
        counts["mentees"] * config.points_per_mentee, config.max_mentee_points
    )
    return pd.Series(
        points.to_numpy(), index=pd.Index(scope.loc[known, "employee_id"], name="employee_id"), name="scope"
    )


def business_impact_score(impact: pd.DataFrame) -> pd.Series:
    """The upstream impact score (0-100) per employee; missing scores are absent from the result."""
    require_columns(impact, IMPACT_COLUMNS, "impact")
    reject_rows(impact, impact["employee_id"].duplicated(keep=False), "more than one row", name="impact")
    score = impact["impact_score"].astype(float)
    reject_rows(impact, (score < 0) | (score > 100), "an impact_score outside 0-100", name="impact")
    known = score.notna()
    return pd.Series(
        score[known].to_numpy(),
        index=pd.Index(impact.loc[known, "employee_id"], name="employee_id"),
        name="business_impact",
    )


def promotion_readiness(
    employees: pd.DataFrame,
    history: pd.DataFrame,
    gaps: pd.DataFrame,
    scope: pd.DataFrame,
    impact: pd.DataFrame,
    config: PromotionConfig | None = None,
) -> pd.DataFrame:
    """One row per employee (sorted by employee_id): factor scores, composite, readiness, development areas.

    `gaps` holds one cycle (the latest) of competency gaps. factor_count and coverage (share of factor
    weight with data) say how much the composite rests on; readiness is "No data" without any factor.
    composite_score and development_areas are null at the top of the ladder and without data.
    """
    config = config or PromotionConfig()
    require_columns(employees, EMPLOYEE_COLUMNS, "employees")
    reject_rows(employees, employees["employee_id"].isna(), "a missing employee_id", name="employees")
    reject_rows(employees, employees["employee_id"].duplicated(keep=False), "more than one row", name="employees")
    people = employees[list(EMPLOYEE_COLUMNS[:4])].sort_values("employee_id").reset_index(drop=True)
    ids = pd.Index(people["employee_id"], name="employee_id")

    required = _RequiredGaps.of(gaps)
    factors = pd.DataFrame(
        {
            "performance_history": performance_history_score(history, config),
            "skill_gap": _skill_gap_score(required, config),
            "scope": scope_score(scope, config),
            "business_impact": business_impact_score(impact),
        },
        index=ids,
        columns=list(FACTORS),
        dtype=float,
    )
    weights = np.array([config.factor_weights[f] for f in FACTORS])
    present = factors.notna().to_numpy()
    weight_present = present @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        composite = np.where(weight_present > 0, factors.fillna(0).to_numpy() @ weights / weight_present, np.nan)
    at_top = people["next_level"].isna().to_numpy()
    composite = np.where(at_top, np.nan, composite)

    out = people.join(factors.add_suffix("_score").reset_index(drop=True))
    out["composite_score"] = composite
    out["factor_count"] = present.sum(axis=1)
    out["coverage"] = weight_present / weights.sum()
    coverage = weight_present / weights.sum()
    level, held = _readiness_level(composite, coverage, config)
    out["readiness"] = pd.Series(np.where(at_top, TOP_OF_LADDER, level), dtype="str")
    out["readiness_note"] = pd.Series(np.where(at_top, None, held), dtype="str")
    areas = _development_areas(factors, _competencies_below(required).reindex(ids), people["next_level"], config)
    out["development_areas"] = areas.where(~np.isnan(composite))
    return out


def succession(readiness: pd.DataFrame, employees: pd.DataFrame, config: PromotionConfig | None = None) -> pd.DataFrame:
    """Per department and level: headcount and how many are ready now / ready in 6 months (next two levels)."""
    config = config or PromotionConfig()
    require_columns(readiness, ("employee_id", "readiness"), "readiness")
    require_columns(employees, ("employee_id", "department", "level"), "employees")
    ready_now, ready_soon = config.levels_best_first[:2]
    merged = employees[["employee_id", "department", "level"]].merge(
        readiness[["employee_id", "readiness"]], on="employee_id", how="left", validate="one_to_one"
    )
    counts = merged[["department", "level"]].assign(
        headcount=1, ready_now=merged["readiness"].eq(ready_now), ready_in_6_months=merged["readiness"].eq(ready_soon)
    )
    totals = counts.groupby(["department", "level"], as_index=False, dropna=False).sum()
    return totals.astype({"headcount": "int64", "ready_now": "int64", "ready_in_6_months": "int64"})


def _readiness_level(
    composite: np.ndarray, coverage: np.ndarray, config: PromotionConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Each composite's level: the best whose floor it reaches with the coverage that level needs;
    and where the coverage held it below the level its score reaches, a note saying so."""
    labels = config.levels_best_first
    rounded = np.round(composite, _SCORE_DECIMALS)
    by_score = np.array([rounded >= config.readiness_levels[label] for label in labels])
    needed = np.array([config.readiness_min_coverage.get(label, 0.0) for label in labels])
    allowed = by_score & (np.round(coverage, _SCORE_DECIMALS)[None, :] >= needed[:, None])
    level = allowed.argmax(axis=0)
    score_level = by_score.argmax(axis=0)
    names = np.asarray(labels, dtype=object)
    held = np.array(
        [
            f"held below {names[s]}: data covers {c:.0%} of the factor weight, {names[s]} needs {needed[s]:.0%}"
            if lv != s
            else None
            for lv, s, c in zip(level, score_level, coverage)
        ],
        dtype=object,
    )
    missing = np.isnan(rounded)
    return np.where(missing, NO_DATA, names[level]), np.where(missing, None, held)


def _development_areas(
    factors: pd.DataFrame, below: pd.Series, next_level: pd.Series, config: PromotionConfig
) -> pd.Series:
    """'; '-joined areas: the guide's factor areas under threshold, then the competencies below requirement."""
    flagged = [
        (factors[f].to_numpy() < threshold, DEVELOPMENT_AREAS[f])
        for f, threshold in config.development_thresholds.items()
    ]
    # Each combination of flagged areas is one of a few (2**3) texts: index them, never join per row.
    texts = np.array(
        [
            "; ".join(label for bit, (_, label) in enumerate(flagged) if combo >> bit & 1)
            for combo in range(2 ** len(flagged))
        ],
        dtype=object,
    )
    combo = sum((flags.astype(int) << bit for bit, (flags, _) in enumerate(flagged)), np.zeros(len(factors), int))
    areas = pd.Series(texts[combo], dtype="str")
    listed = (
        "Below "
        + next_level.fillna("next level").astype("str")
        + " requirement: "
        + pd.Series(below.to_numpy(), dtype="str")
    )
    areas = areas.where(listed.isna(), (areas + "; ").where(areas != "", "") + listed)
    unknown = factors.isna().to_numpy()
    not_assessed = pd.Series(
        [", ".join(FACTOR_NAMES[f] for f, gap in zip(FACTORS, row) if gap) for row in unknown], dtype="str"
    )
    note = "not assessed for lack of data: " + not_assessed
    # "None" only when every factor had data: no development area is not the same as no evidence.
    areas = areas.where(not_assessed == "", (areas + "; ").where(areas != "", "") + note)
    return areas.where(areas != "", NO_DEVELOPMENT_AREA)


@dataclass(frozen=True)
class _RequiredGaps:
    """The competencies each employee's next level requires, with shortfall >= 0 and employee codes."""

    rows: pd.DataFrame
    employee: np.ndarray
    ids: pd.Index

    @classmethod
    def of(cls, gaps: pd.DataFrame) -> _RequiredGaps:
        require_columns(gaps, GAP_COLUMNS, "gaps")
        rows = gaps.loc[
            gaps["next_level_required"].notna() & gaps["gap_to_next_level"].notna() & gaps["employee_id"].notna(),
            list(GAP_COLUMNS),
        ]
        employee, ids = pd.factorize(rows["employee_id"])
        competency, competencies = pd.factorize(rows["competency"])
        repeated = pd.Series(employee * max(len(competencies), 1) + competency).duplicated(keep=False)
        reject_rows(rows, repeated.to_numpy(), "more than one row for a competency (pass a single cycle)", name="gaps")
        rows = rows.assign(shortfall=rows["gap_to_next_level"].astype(float).clip(lower=0))
        return cls(rows, employee, pd.Index(ids, name="employee_id"))

    def capped_shortfall(self, max_gap: float) -> np.ndarray:
        return self.rows["shortfall"].clip(upper=max_gap).to_numpy()


def _skill_gap_score(required: _RequiredGaps, config: PromotionConfig) -> pd.Series:
    shortfall = np.bincount(
        required.employee, required.capped_shortfall(config.max_gap_per_skill), minlength=len(required.ids)
    )
    counted = np.bincount(required.employee, minlength=len(required.ids))
    score = 100 * (1 - shortfall / (counted * config.max_gap_per_skill))
    return pd.Series(np.clip(score, 0, 100), index=required.ids, name="skill_gap")


def _competencies_below(required: _RequiredGaps) -> pd.Series:
    below = (required.rows["shortfall"] > 0).to_numpy()
    employee, shortfall = required.employee[below], required.rows["shortfall"].to_numpy()[below]
    names = required.rows["competency_name"].to_numpy(dtype=object)[below]
    order = np.lexsort((pd.factorize(names, sort=True)[0], -shortfall, employee))
    employee, names = employee[order], names[order]
    position = _position_in_group(employee)
    joined = np.full(len(required.ids), None, dtype=object)
    for slot in range(position.max() + 1 if len(position) else 0):  # loops over list positions, not people
        at = position == slot
        joined[employee[at]] = names[at] if slot == 0 else joined[employee[at]] + ", " + names[at]
    listed = pd.notna(joined)
    return pd.Series(joined[listed], index=required.ids[listed], name="competencies_below", dtype="str")


def _position_in_group(sorted_codes: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each run of equal codes (codes sorted)."""
    index = np.arange(len(sorted_codes))
    starts = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]] if len(sorted_codes) else np.ones(0, bool)
    return index - np.maximum.accumulate(np.where(starts, index, 0))
