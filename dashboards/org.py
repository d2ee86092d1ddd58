"""`Org`: the warehouse frames prepared once for every page builder.

Latest complete quarter, per-employee groups, reporting lines and peer groups are computed here once;
the page builders (``dashboards.individual``, ``manager``, ``executive``, ``hr``, ``index``) each turn
them into one page's template context (plain dicts, strings already formatted).
"""

from __future__ import annotations

import pandas as pd

from .data import SiteData
from .formatting import flag, pct, quarter_label, quarter_labels, text
from .privacy import MIN_PEER_GROUP, without_pay

RECENT_COMMENT_CYCLES = 2  # an individual page quotes the 360 comments of the organisation's latest cycles
HIGH_ATTRITION_RISK = "high"  # analytics.attrition_risk_signals.risk value that puts someone at risk
SCORE_COLUMNS = ["output_score", "quality_score", "efficiency_score", "impact_score", "performance_score"]


def plain_frame(df: pd.DataFrame, **as_str) -> pd.DataFrame:
    """A copy with text columns as plain Python objects (None when missing) and the named id columns as
    text (ids are untrusted text, never numbers). Object columns keep the many small per-page selections
    cheap: arrow-backed strings pay a fixed cost on every take."""
    df = df.copy()
    for column in df.columns:
        series = df[column]
        if column in as_str or pd.api.types.is_string_dtype(series.dtype) or series.dtype == object:
            values = series.astype("object").where(series.notna(), None)
            if column in as_str:
                values = values.map(lambda v: v if v is None else str(v))
            df[column] = values
    return df


def _groups(df: pd.DataFrame, key: str) -> dict[str, pd.DataFrame]:
    # not dict(groupby): a GroupBy has a .keys attribute, so dict() would take it for a mapping
    return {k: g for k, g in df.groupby(key, sort=False)} if len(df) else {}  # noqa: C416


def _column_groups(df: pd.DataFrame, key: str, columns: list[str]) -> dict[str, dict[str, list]]:
    """Per key (rows already sorted by it), the columns as plain lists: a tiny frame per person or manager
    that the figure builders read like a DataFrame (frame[column]) at a fraction of a DataFrame's cost."""
    if not len(df):
        return {}
    keys = df[key].tolist()
    values = {c: df[c].tolist() for c in columns}
    starts = [0] + [i for i in range(1, len(keys)) if keys[i] != keys[i - 1]] + [len(keys)]
    groups: dict[str, dict[str, list]] = {}
    for begin, end in zip(starts, starts[1:]):
        if keys[begin] in groups:
            raise ValueError(f"rows of {key} {keys[begin]!r} are not contiguous")
        groups[keys[begin]] = {c: v[begin:end] for c, v in values.items()}
    return groups


def trusted_models(models: pd.DataFrame) -> set[str]:
    """The early-signal models the analytics published (they beat the base rate): only they flag people."""
    if not {"model", "published"} <= set(models.columns):
        return set()
    return set(models.loc[models["published"].fillna(False).astype(bool), "model"])


class Org:
    """The warehouse frames prepared once for every page: latest quarter, groups per person and manager."""

    def __init__(self, data: SiteData, *, min_peer_group: int = MIN_PEER_GROUP):
        self.data = data
        self.min_peer_group = min_peer_group
        ids = {"employee_id": True, "manager_id": True}
        employees = plain_frame(data.employees, **ids)
        self.employees = employees.set_index("employee_id", drop=False).rename_axis(None)
        self.names = {e: n for e, n in zip(self.employees.index, self.employees["full_name"]) if n is not None}
        self.target = data.target.sort_values("band_rank", ascending=False) if len(data.target) else None
        self.low_band = data.target.sort_values("band_rank")["band"].iloc[0] if len(data.target) else "Improvement"

        calibrated = plain_frame(data.calibrated, **ids)
        self.cycle = calibrated["cycle"].max() if len(calibrated) else None
        perf = plain_frame(data.performance, employee_id=True)
        perf = perf[perf["period_type"] == "quarter"]
        starts = dict(zip(data.cycles["cycle"], data.cycles["quarter_start"]))
        self.quarter_start = pd.Timestamp(starts[self.cycle]) if self.cycle in starts else None
        if self.quarter_start is None and len(perf):
            self.quarter_start = pd.Timestamp(perf["period_start"].max())
        self.quarter = quarter_label(self.quarter_start) if self.quarter_start is not None else None
        self.cycle = self.cycle or self.quarter
        self.quarter_end = (self.quarter_start + pd.DateOffset(months=3)) if self.quarter_start is not None else None

        # Quarter rows up to the latest complete quarter (later quarters are still running).
        if self.quarter_start is not None:
            perf = perf[perf["period_start"] <= self.quarter_start]
        perf = perf.sort_values(["employee_id", "period_start"])
        labels = quarter_labels(perf["period_start"])
        if "is_partial_period" in perf:  # a quarter the data covers only in part says so
            labels = labels.where(~perf["is_partial_period"].map(flag).astype(bool), labels + " (partial)")
        perf = perf.assign(quarter=labels)
        self.perf = perf
        self.quarters = sorted(perf["period_start"].unique())
        current = (
            perf[perf["period_start"] == self.quarter_start].drop_duplicates("employee_id").set_index("employee_id")
        )

        active = self.employees[self.employees["is_active"].fillna(False).astype(bool)]
        people = active[
            [
                "employee_id",
                "full_name",
                "job_title",
                "department",
                "role",
                "level",
                "level_group",
                "manager_id",
                "hire_date",
            ]
        ].copy()
        people = people.join(current[[*SCORE_COLUMNS, "rating_band", "band_rank", "coverage", "is_low_coverage"]])
        self.trusted_models = trusted_models(data.signal_models)
        attrition = (
            plain_frame(data.attrition_signals, employee_id=True)
            .drop_duplicates("employee_id")
            .set_index("employee_id")
        )
        if "regrettable_attrition" not in self.trusted_models:  # a model worse than the base rate flags no one
            attrition = attrition.assign(risk=None, probability=None)
        people["attrition_risk"] = attrition["risk"].reindex(people.index)
        people["attrition_probability"] = attrition["probability"].reindex(people.index)
        people["attrition_drivers"] = attrition["drivers"].reindex(people.index).map(without_pay)
        potential = (
            plain_frame(data.top_signals, employee_id=True).drop_duplicates("employee_id").set_index("employee_id")
        )
        people["potential"] = potential["potential"].reindex(people.index)
        readiness = (
            plain_frame(data.readiness, employee_id=True).drop_duplicates("employee_id").set_index("employee_id")
        )
        people["readiness"] = readiness["readiness"].reindex(people.index)
        people["development_areas"] = readiness["development_areas"].reindex(people.index)
        people["at_risk_band"] = people["rating_band"].eq(self.low_band).fillna(False).astype(bool)
        people["at_risk_attrition"] = people["attrition_risk"].eq(HIGH_ATTRITION_RISK).fillna(False).astype(bool)
        people["at_risk"] = people["at_risk_band"] | people["at_risk_attrition"]
        people["is_low_coverage"] = people["is_low_coverage"].map(flag).astype(bool)

        # Ratings owed for the latest cycle (the rule of the process-health check) and not submitted.
        submitted = calibrated["cycle"].eq(self.cycle) & calibrated["submitted_rating"].notna()
        rated = set(calibrated.loc[submitted, "employee_id"])
        owed = people["manager_id"].notna()
        if self.quarter_end is not None:
            owed &= people["hire_date"].isna() | (people["hire_date"] < self.quarter_end)
        people["rating_missing"] = owed & ~people.index.isin(rated)
        self.people = people
        self.person = people.to_dict("index")  # per-page lookups in plain dicts: no pandas cost per page
        self.readiness_of = readiness.to_dict("index")
        self.calibrated = calibrated

        outliers = plain_frame(data.calibration_outliers, **ids)
        self.outliers = outliers[outliers["cycle"] == self.cycle]

        self.perf_by_person = _column_groups(perf, "employee_id", ["quarter", "performance_score", "rating_band"])
        metrics = plain_frame(data.metric_scores, employee_id=True)
        metrics = metrics[(metrics["period_type"] == "quarter") & (metrics["period_start"] == self.quarter_start)]
        category_order = {c: i for i, c in enumerate(["output", "quality", "efficiency", "impact"])}
        metrics = metrics.assign(_order=metrics["category"].map(category_order).fillna(len(category_order)))
        self.metrics_by_person = _column_groups(
            metrics.sort_values(
                ["employee_id", "_order", "weight", "metric_name"], ascending=[True, True, False, True]
            ),
            "employee_id",
            ["metric_name", "metric_score", "metric_band", "metric_value", "unit", "threshold_meets"],
        )
        self.competencies_by_person = _column_groups(
            plain_frame(data.competencies, employee_id=True).sort_values(["employee_id", "competency_name"]),
            "employee_id",
            ["competency_name", "others_level", "next_level_required"],
        )
        # Accounts HR has not linked to anyone whose name suggests this person: their activity is not counted.
        unmatched = data.unmatched_accounts
        suggested = (
            unmatched[unmatched["suggested_employee_id"].notna()]
            if "suggested_employee_id" in unmatched
            else unmatched[:0]
        )
        self.unlinked_sources = (
            {
                str(e): sorted(set(rows["source"]))
                for e, rows in suggested.groupby(suggested["suggested_employee_id"].astype(str))
            }
            if len(suggested)
            else {}
        )
        comments = plain_frame(data.comments, employee_id=True).sort_values(
            ["employee_id", "cycle", "rater_type", "competency_name"], ascending=[True, False, True, True]
        )
        # Recent 360 comments: those of the organisation's most recent review cycles.
        recent = sorted(comments["cycle"].dropna().unique(), reverse=True)[:RECENT_COMMENT_CYCLES]
        comments = comments[comments["cycle"].isin(recent)]
        self.comments_by_person: dict[str, list[tuple]] = {}
        for row in zip(
            comments["employee_id"],
            comments["cycle"],
            comments["rater_type"],
            comments["competency_name"],
            comments["comment"],
        ):
            self.comments_by_person.setdefault(row[0], []).append(row[1:])

        # Peers: same role and level, scored this quarter (ids only to leave the person out).
        scored = people.dropna(subset=["performance_score"])
        self.peer_scores = {
            key: (g.index.to_numpy(dtype=object), g["performance_score"].to_numpy(dtype=float))
            for key, g in scored.groupby(["role", "level"], sort=False)
        }

        # Reporting lines: the active people under each manager (any distance).
        lines = plain_frame(data.reporting_lines, **ids)
        lines = lines[lines["employee_id"].isin(people.index) & lines["manager_id"].isin(people.index)]
        lines = lines[lines["employee_id"] != lines["manager_id"]].drop_duplicates(["manager_id", "employee_id"])
        self.lines = lines
        self.line_members = {
            m: list(dict.fromkeys(g["employee_id"])) for m, g in lines.groupby("manager_id", sort=False)
        }
        trend = lines[["manager_id", "employee_id"]].merge(
            perf[["employee_id", "period_start", "quarter", *SCORE_COLUMNS]], on="employee_id"
        )
        self.teams = _groups(
            lines[["manager_id", "employee_id"]]
            .rename(columns={"manager_id": "line_of"})
            .merge(people.drop(columns="employee_id"), left_on="employee_id", right_index=True),
            "line_of",
        )
        self.outliers_by_manager = _groups(
            lines[["manager_id", "employee_id"]].merge(self.outliers.drop(columns="manager_id"), on="employee_id"),
            "manager_id",
        )
        self.team_trend = _column_groups(
            trend.groupby(["manager_id", "period_start", "quarter"], as_index=False)[SCORE_COLUMNS]
            .mean()
            .sort_values(["manager_id", "period_start"]),
            "manager_id",
            ["quarter", *SCORE_COLUMNS],
        )

    # --- lookups ---

    def name(self, employee_id) -> str:
        return self.names.get(text(employee_id)) or f"employee {employee_id}"

    @property
    def managers(self) -> list[str]:
        """Active people with at least one active person in their reporting line."""
        return [m for m in self.people.index if m in self.line_members]

    def data_gaps(self, employee_id: str) -> list[str]:
        """Why a person's score may not tell the whole story, in plain words (empty when it can)."""
        person = self.person.get(employee_id, {})
        gaps = []
        if person.get("is_low_coverage"):
            gaps.append(f"the score rests on data for {pct(person.get('coverage'))} of its weight")
        for source in self.unlinked_sources.get(employee_id, []):
            gaps.append(f"a {source} account that may be theirs is not linked yet, so its activity is not counted")
        return gaps

    def period_note(self) -> str:
        return f"Latest complete quarter: {self.quarter}" if self.quarter else "No complete quarter yet"

    def currency(self, department: str | None) -> str:
        """The pay currency of a department (or of everyone); empty if several."""
        e = self.people if department is None else self.people[self.people["department"] == department]
        currencies = self.employees.loc[e.index, "pay_currency"].dropna().unique()
        return str(currencies[0]) if len(currencies) == 1 else ""
