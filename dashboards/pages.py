"""Per page kind: warehouse frames -> template context (plain dicts, strings already formatted).

`Org` prepares the frames once (latest complete quarter, per-employee groups, reporting lines); the
functions below it (individual, manager, executive, hr_*, index) build one page context each. Privacy is by construction: an individual context is built only
from that person's rows plus anonymous aggregates of peers, a manager context only from the rows of
their reporting line, and salary, pay range, compa-ratio and merit amounts are read only by the
HR page builders.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import figures as fg
from .data import SiteData

MIN_PEER_GROUP = 5  # fewer peers than this (same role and level) and no benchmark is shown: too identifiable
TOP_BOTTOM = 5  # top and bottom performers shown on a manager page
RECENT_COMMENT_CYCLES = 2  # an individual page quotes the 360 comments of the organisation's latest cycles
MOST_INFLATED = 20  # managers shown in the HR inflation chart (all are in the table below it)
LISTED_NAMES = 5  # names listed in one action item before "and N more"
HIGH_ATTRITION_RISK = "high"  # analytics.attrition_risk_signals.risk value that puts someone at risk
HIGH_POTENTIAL = "high"  # analytics.top_performer_signals.potential value counted as high potential
# Attrition drivers can mention pay (compa-ratio, range position); pay appears on HR pages only.
PAY_WORDS = re.compile(r"compa|salary|\bpay\b|pay range|range position|merit", re.IGNORECASE)
SCORE_COLUMNS = ["output_score", "quality_score", "efficiency_score", "impact_score", "performance_score"]
CYCLE = re.compile(r"^(\d{4})-Q([1-4])$")


# --- small value helpers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A table cell with a link or a status colour; plain strings are cells too."""

    text: str
    href: str | None = None
    status: str | None = None  # css suffix: healthy, at-risk, no-data, watch


@dataclass(frozen=True)
class Links:
    """Relative paths from the site root to each active person's page and each manager's page."""

    people: dict[str, str]
    managers: dict[str, str]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    empty: str = "Nothing to show."
    numeric: tuple[int, ...] = ()  # column positions aligned right


def missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def flag(value) -> bool:
    """A yes/no column that may be missing (missing counts as no)."""
    return not missing(value) and bool(value)


def text(value, default: str = "") -> str:
    return default if missing(value) else str(value)


def score(value) -> str:
    return "no score" if missing(value) else f"{float(value):.1f}"


def out_of_100(value) -> str:
    return "no score" if missing(value) else f"{float(value):.1f} / 100"


def pct(share, digits: int = 0) -> str:
    """A share (0-1) as a percentage."""
    return "n/a" if missing(share) else f"{100 * float(share):.{digits}f}%"


def pct_points(value, digits: int = 1) -> str:
    """A value already in percent (0-100)."""
    return "n/a" if missing(value) else f"{float(value):.{digits}f}%"


def signed_pct(value) -> str:
    return "n/a" if missing(value) else f"{float(value):+.1f}%"


def money(value, currency: str = "") -> str:
    return "n/a" if missing(value) else f"{currency} {float(value):,.0f}".strip()


def money_k(value, currency: str = "") -> str:
    return "n/a" if missing(value) else f"{currency} {float(value) / 1000:,.0f}k".strip()


PLURALS = {"person": "people"}


def count(value, unit: str = "") -> str:
    """A whole number with its unit in plain words: 1 person, 12 people, 3 ratings."""
    n = 0 if missing(value) else int(value)
    if not unit:
        return f"{n:,}"
    *head, last = unit.split(" ")
    word = last if n == 1 else PLURALS.get(last, last + "s")
    return f"{n:,} {' '.join([*head, word])}"


def number(value, digits: int = 2) -> str:
    return "n/a" if missing(value) else f"{float(value):.{digits}f}"


def quarter_label(moment) -> str:
    moment = pd.Timestamp(moment)
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def quarter_labels(moments: pd.Series) -> pd.Series:
    """quarter_label for a whole column at once."""
    moments = pd.to_datetime(moments)
    return (moments.dt.year.astype(str) + "-Q" + ((moments.dt.month - 1) // 3 + 1).astype(str)).astype(object)


def cycle_start(cycle) -> pd.Timestamp | None:
    """'2026-Q3' -> 2026-07-01 (as the dbt macro cycle_quarter_start); None if not a cycle name."""
    match = CYCLE.match(text(cycle))
    return pd.Timestamp(int(match[1]), 3 * int(match[2]) - 2, 1) if match else None


def without_pay(drivers) -> str:
    """Driver phrases ('; '-separated) minus any that mention pay."""
    return "; ".join(p for p in text(drivers).split("; ") if p and not PAY_WORDS.search(p))


def name_list(names: list[str], limit: int = LISTED_NAMES) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def unique_labels(names, ids) -> list[str]:
    """Names as chart labels; a name shared by several people gets their id so bars never merge."""
    names = [text(n, "(no name)") for n in names]
    seen = Counter(names)
    return [f"{n} ({i})" if seen[n] > 1 else n for n, i in zip(names, ids)]


def _frame(df: pd.DataFrame, **as_str) -> pd.DataFrame:
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
    return {k: g for k, g in df.groupby(key, sort=False)} if len(df) else {}


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


# --- the prepared organisation -------------------------------------------------------------------------


class Org:
    """The warehouse frames prepared once for every page: latest quarter, groups per person and manager."""

    def __init__(self, data: SiteData, *, min_peer_group: int = MIN_PEER_GROUP):
        self.data = data
        self.min_peer_group = min_peer_group
        ids = dict(employee_id=True, manager_id=True)
        employees = _frame(data.employees, **ids)
        self.employees = employees.set_index("employee_id", drop=False).rename_axis(None)
        self.names = {e: n for e, n in zip(self.employees.index, self.employees["full_name"]) if n is not None}
        self.target = data.target.sort_values("band_rank", ascending=False) if len(data.target) else None
        self.low_band = (data.target.sort_values("band_rank")["band"].iloc[0] if len(data.target)
                         else "Improvement")

        calibrated = _frame(data.calibrated, **ids)
        self.cycle = calibrated["cycle"].max() if len(calibrated) else None
        perf = _frame(data.performance, employee_id=True)
        perf = perf[perf["period_type"] == "quarter"]
        self.quarter_start = cycle_start(self.cycle)
        if self.quarter_start is None and len(perf):
            self.quarter_start = pd.Timestamp(perf["period_start"].max())
        self.quarter = quarter_label(self.quarter_start) if self.quarter_start is not None else None
        self.cycle = self.cycle or self.quarter
        self.quarter_end = (self.quarter_start + pd.DateOffset(months=3)) if self.quarter_start is not None else None

        # Quarter rows up to the latest complete quarter (later quarters are still running).
        if self.quarter_start is not None:
            perf = perf[perf["period_start"] <= self.quarter_start]
        perf = perf.sort_values(["employee_id", "period_start"])
        perf = perf.assign(quarter=quarter_labels(perf["period_start"]))
        self.perf = perf
        self.quarters = sorted(perf["period_start"].unique())
        current = perf[perf["period_start"] == self.quarter_start].drop_duplicates("employee_id").set_index(
            "employee_id")

        active = self.employees[self.employees["is_active"].fillna(False).astype(bool)]
        people = active[["employee_id", "full_name", "job_title", "department", "role", "level", "level_group",
                         "manager_id", "hire_date"]].copy()
        people = people.join(current[[*SCORE_COLUMNS, "rating_band", "band_rank", "coverage", "is_low_coverage"]])
        attrition = _frame(data.attrition_signals, employee_id=True).drop_duplicates("employee_id").set_index(
            "employee_id")
        people["attrition_risk"] = attrition["risk"].reindex(people.index)
        people["attrition_probability"] = attrition["probability"].reindex(people.index)
        people["attrition_drivers"] = attrition["drivers"].reindex(people.index).map(without_pay)
        potential = _frame(data.top_signals, employee_id=True).drop_duplicates("employee_id").set_index("employee_id")
        people["potential"] = potential["potential"].reindex(people.index)
        readiness = _frame(data.readiness, employee_id=True).drop_duplicates("employee_id").set_index("employee_id")
        people["readiness"] = readiness["readiness"].reindex(people.index)
        people["development_areas"] = readiness["development_areas"].reindex(people.index)
        people["at_risk_band"] = people["rating_band"].eq(self.low_band).fillna(False).astype(bool)
        people["at_risk_attrition"] = people["attrition_risk"].eq(HIGH_ATTRITION_RISK).fillna(False).astype(bool)
        people["at_risk"] = people["at_risk_band"] | people["at_risk_attrition"]
        people["is_low_coverage"] = people["is_low_coverage"].map(flag).astype(bool)

        # Ratings owed for the latest cycle (the rule of the process-health check) and not submitted.
        rated = set(calibrated.loc[calibrated["cycle"] == self.cycle, "employee_id"])
        owed = people["manager_id"].notna()
        if self.quarter_end is not None:
            owed &= people["hire_date"].isna() | (people["hire_date"] < self.quarter_end)
        people["rating_missing"] = owed & ~people.index.isin(rated)
        self.people = people
        self.person = people.to_dict("index")  # per-page lookups in plain dicts: no pandas cost per page
        self.readiness_of = readiness.to_dict("index")
        self.calibrated = calibrated

        outliers = _frame(data.calibration_outliers, **ids)
        self.outliers = outliers[outliers["cycle"] == self.cycle]

        self.perf_by_person = _column_groups(perf, "employee_id", ["quarter", "performance_score", "rating_band"])
        metrics = _frame(data.metric_scores, employee_id=True)
        metrics = metrics[(metrics["period_type"] == "quarter") & (metrics["period_start"] == self.quarter_start)]
        category_order = {c: i for i, c in enumerate(["output", "quality", "efficiency", "impact"])}
        metrics = metrics.assign(_order=metrics["category"].map(category_order).fillna(len(category_order)))
        self.metrics_by_person = _column_groups(
            metrics.sort_values(["employee_id", "_order", "weight", "metric_name"],
                                ascending=[True, True, False, True]),
            "employee_id", ["metric_name", "metric_score", "metric_band", "metric_value", "unit", "threshold_meets"])
        self.competencies_by_person = _column_groups(
            _frame(data.competencies, employee_id=True).sort_values(["employee_id", "competency_name"]),
            "employee_id", ["competency_name", "others_level", "next_level_required"])
        comments = _frame(data.comments, employee_id=True).sort_values(
            ["employee_id", "cycle", "rater_type", "competency_name"], ascending=[True, False, True, True])
        # Recent 360 comments: those of the organisation's most recent review cycles.
        recent = sorted(comments["cycle"].dropna().unique(), reverse=True)[:RECENT_COMMENT_CYCLES]
        comments = comments[comments["cycle"].isin(recent)]
        self.comments_by_person: dict[str, list[tuple]] = {}
        for row in zip(comments["employee_id"], comments["cycle"], comments["rater_type"],
                       comments["competency_name"], comments["comment"]):
            self.comments_by_person.setdefault(row[0], []).append(row[1:])

        # Peers: same role and level, scored this quarter (ids only to leave the person out).
        scored = people.dropna(subset=["performance_score"])
        self.peer_scores = {key: (g.index.to_numpy(dtype=object), g["performance_score"].to_numpy(dtype=float))
                            for key, g in scored.groupby(["role", "level"], sort=False)}

        # Reporting lines: the active people under each manager (any distance).
        lines = _frame(data.reporting_lines, **ids)
        lines = lines[lines["employee_id"].isin(people.index) & lines["manager_id"].isin(people.index)]
        lines = lines[lines["employee_id"] != lines["manager_id"]].drop_duplicates(["manager_id", "employee_id"])
        self.lines = lines
        self.line_members = {m: list(dict.fromkeys(g["employee_id"]))
                             for m, g in lines.groupby("manager_id", sort=False)}
        trend = lines[["manager_id", "employee_id"]].merge(perf[["employee_id", "period_start", "quarter",
                                                                  *SCORE_COLUMNS]], on="employee_id")
        self.teams = _groups(lines[["manager_id", "employee_id"]].rename(columns={"manager_id": "line_of"}).merge(
            people.drop(columns="employee_id"), left_on="employee_id", right_index=True), "line_of")
        self.outliers_by_manager = _groups(lines[["manager_id", "employee_id"]].merge(
            self.outliers.drop(columns="manager_id"), on="employee_id"), "manager_id")
        self.team_trend = _column_groups(
            trend.groupby(["manager_id", "period_start", "quarter"], as_index=False)[SCORE_COLUMNS].mean()
            .sort_values(["manager_id", "period_start"]), "manager_id", ["quarter", *SCORE_COLUMNS])

    # --- lookups ---

    def name(self, employee_id) -> str:
        return self.names.get(text(employee_id)) or f"employee {employee_id}"

    @property
    def managers(self) -> list[str]:
        """Active people with at least one active person in their reporting line."""
        return [m for m in self.people.index if m in self.line_members]

    def period_note(self) -> str:
        return f"Latest complete quarter: {self.quarter}" if self.quarter else "No complete quarter yet"


# --- page contexts -------------------------------------------------------------------------------------


def _kpi(label: str, value: str, note: str = "", status: str | None = None) -> dict:
    return {"label": label, "value": value, "note": note, "status": status}


def individual(org: Org, employee_id: str, links: Links) -> dict:
    """One person's page: only their rows and anonymous peer aggregates."""
    person = org.person[employee_id]
    history = org.perf_by_person.get(employee_id)
    metrics = org.metrics_by_person.get(employee_id)
    competencies = org.competencies_by_person.get(employee_id)
    readiness = org.readiness_of.get(employee_id)
    figures: dict[str, dict] = {}

    if history:
        figures["trend"] = fg.score_trend(history)
    if metrics:
        figures["metrics"] = fg.metric_scores(metrics)

    peer_ids, peer_scores = org.peer_scores.get((person["role"], person["level"]), (np.array([]), np.array([])))
    peers = peer_scores[peer_ids != employee_id]
    group_label = f"{text(person['level'])} {text(person['role'])}"
    peer_note = ""
    if len(peers) >= org.min_peer_group:
        figures["peers"] = fg.peer_benchmark(peers, person["performance_score"], group_label)
    else:
        peer_note = (f"Fewer than {org.min_peer_group} peers at {group_label} have a score this quarter, "
                     "so no benchmark is shown (it could identify them).")

    next_level = text(readiness["next_level"]) if readiness else ""
    if competencies:
        figures["competencies"] = fg.competency_radar(competencies, next_level or None)

    areas = [] if not readiness else [a for a in text(readiness["development_areas"]).split("; ")
                                      if a and a != "None"]
    factors = [] if not readiness else [[label, score(readiness.get(column))] for column, label in FACTORS]

    feedback = Table(["Cycle", "From", "Competency", "Comment"], empty="No 360 comments yet.")
    for cycle, rater_type, competency, comment in org.comments_by_person.get(employee_id, []):
        feedback.rows.append([text(cycle), text(rater_type).capitalize(), text(competency), text(comment)])

    low_coverage = person["is_low_coverage"]
    kpis = [
        _kpi("Performance score", out_of_100(person["performance_score"]), text(person["rating_band"]),
             "at-risk" if person["at_risk_band"] else None),
        _kpi("Data coverage", pct(person["coverage"]),
             "too little data: read with care" if low_coverage else "share of weight with data"),
        _kpi("Promotion readiness", text(person["readiness"], "not assessed"),
             f"towards {next_level}" if next_level else ""),
    ]
    return {
        "kind": "individual", "title": text(person["full_name"]), "root": "../",
        "subtitle": " · ".join(filter(None, [text(person["job_title"]), text(person["department"]),
                                             text(person["level"])])),
        "period": org.period_note(), "kpis": kpis, "figures": figures, "peer_note": peer_note,
        "development_areas": areas, "readiness": text(person["readiness"], "not assessed"),
        "readiness_score": score(readiness["composite_score"]) if readiness else "no score",
        "next_level": next_level, "factors": factors, "feedback": feedback,
    }


FACTORS = (("performance_history_score", "Performance history"), ("skill_gap_score", "Competencies vs next level"),
           ("scope_score", "Scope (projects led, mentees)"), ("business_impact_score", "Business impact"))


def _person_cell(org: Org, employee_id: str, links: Links, root: str) -> Cell:
    href = links.people.get(employee_id)
    return Cell(org.name(employee_id), href=f"{root}{href}" if href else None)


def manager(org: Org, manager_id: str, links: Links) -> dict:
    """One manager's page: their whole reporting line, nobody outside it."""
    me = org.person[manager_id]
    team = org.teams[manager_id]
    root = "../"
    ids = team["employee_id"].tolist()
    names = [text(n) for n in team["full_name"]]
    scores = team["performance_score"].to_numpy(dtype=float)
    has_score = ~np.isnan(scores)
    figures: dict[str, dict] = {}
    if has_score.any():
        figures["distribution"] = fg.band_distribution(
            [b for b, ok in zip(team["rating_band"].tolist(), has_score) if ok], org.target)
        labels = unique_labels(team["full_name"], team["employee_id"])
        figures["top_bottom"] = fg.top_bottom({"full_name": labels, "performance_score": scores}, TOP_BOTTOM)
    trend = org.team_trend.get(manager_id)
    if trend:
        figures["trend"] = fg.category_trend(trend, title="Reporting line average scores by quarter (0-100)")

    columns = ["job_title", "rating_band", "attrition_risk", "attrition_drivers", "at_risk_band", "at_risk_attrition",
               "at_risk", "rating_missing", "manager_id", "is_low_coverage", "development_areas"]
    rows = [dict(zip(columns, values), employee_id=e, full_name=n, score=sc)
            for e, n, sc, *values in zip(ids, names, scores, *(team[c].tolist() for c in columns))]

    at_risk = sorted((r for r in rows if r["at_risk"]),
                     key=lambda r: (np.isnan(r["score"]), 0 if np.isnan(r["score"]) else r["score"], r["full_name"]))
    risk_table = Table(["Person", "Job title", "Score (0-100)", "Band", "Attrition risk", "Why"],
                       empty="Nobody in your reporting line is at risk this quarter.", numeric=(2,))
    for r in at_risk:
        reasons = []
        if r["at_risk_band"]:
            reasons.append(f"{org.low_band} band this quarter")
        if r["at_risk_attrition"]:
            reasons.append("high attrition risk" + (f": {r['attrition_drivers']}" if r["attrition_drivers"] else ""))
        risk_table.rows.append([_person_cell(org, r["employee_id"], links, root), text(r["job_title"]),
                                score(r["score"]), text(r["rating_band"]), text(r["attrition_risk"], "n/a"),
                                "; ".join(reasons)])

    missing_ratings = sorted((r for r in rows if r["rating_missing"]), key=lambda r: r["full_name"])
    missing_table = Table(["Person", "Rating owed by"], empty=f"Every {org.cycle} rating is in.")
    for r in missing_ratings:
        missing_table.rows.append([_person_cell(org, r["employee_id"], links, root),
                                   _person_cell(org, r["manager_id"], links, root)])

    outliers = org.outliers_by_manager.get(manager_id)
    outliers = [] if outliers is None else sorted(
        zip(outliers["employee_id"], outliers["submitted_rating"], outliers["data_driven_band"],
            outliers["evidence"], outliers["band_gap"]), key=lambda o: (-abs(o[4] or 0), org.name(o[0])))
    outlier_table = Table(["Person", "Submitted rating", "The data says", "Evidence"],
                          empty="No submitted rating is far from the data.")
    for employee_id, submitted, data_band, evidence, _ in outliers:
        outlier_table.rows.append([_person_cell(org, employee_id, links, root), text(submitted), text(data_band),
                                   text(evidence)])

    actions = _manager_actions(org, manager_id, rows, missing_ratings, outliers, at_risk)
    scored = int(has_score.sum())
    direct = sum(1 for r in rows if r["manager_id"] == manager_id)
    kpis = [
        _kpi("Reporting line", count(len(rows), "person"), count(direct, "direct report")),
        _kpi("Average score", out_of_100(scores[has_score].mean() if scored else None),
             f"{count(scored, 'person')} scored in {org.quarter}"),
        _kpi("People at risk", count(len(at_risk), "person"), f"{org.low_band} band or high attrition risk",
             "at-risk" if at_risk else "healthy"),
        _kpi("Ratings missing", count(len(missing_ratings), "rating"), f"for {org.cycle}",
             "at-risk" if missing_ratings else "healthy"),
        _kpi("Outliers to discuss", count(len(outliers), "rating"), "submitted rating far from the data",
             "watch" if outliers else "healthy"),
    ]
    return {
        "kind": "manager", "title": f"{text(me['full_name'])}: reporting line", "root": root,
        "subtitle": " · ".join(filter(None, [text(me["job_title"]), text(me["department"])])),
        "period": org.period_note(), "kpis": kpis, "figures": figures, "actions": actions,
        "at_risk": risk_table, "missing_ratings": missing_table, "outliers": outlier_table, "cycle": org.cycle,
    }


def _manager_actions(org: Org, manager_id: str, rows: list[dict], missing_ratings: list[dict],
                     outliers: list[tuple], at_risk: list[dict]) -> list[str]:
    """Plain-words to-do list from the data: ratings to submit, outliers, people at risk, development."""
    actions = []
    owners: dict[str, list[str]] = {}
    for r in missing_ratings:
        owners.setdefault(r["manager_id"], []).append(r["full_name"])
    for owner in sorted(owners, key=lambda o: (o != manager_id, org.name(o))):
        names = name_list(sorted(owners[owner]))
        if owner == manager_id:
            actions.append(f"Submit your {org.cycle} rating for {names}.")
        else:
            actions.append(f"Ask {org.name(owner)} to submit the {org.cycle} rating for {names}.")
    if outliers:
        described = [f"{org.name(e)} (rated {text(submitted)}, data says {text(data_band)})"
                     for e, submitted, data_band, _, _ in outliers]
        actions.append(f"Discuss {count(len(outliers), 'rating')} far from the data at calibration: "
                       f"{name_list(described)}.")
    low = sorted(r["full_name"] for r in at_risk if r["at_risk_band"])
    if low:
        actions.append(f"Agree an improvement plan with {name_list(low)} ({org.low_band} band this quarter).")
    leaving = sorted(r["full_name"] for r in at_risk if r["at_risk_attrition"])
    if leaving:
        actions.append(f"Have a retention conversation with {name_list(leaving)} (high attrition risk).")
    low_coverage = sorted(r["full_name"] for r in rows if r["is_low_coverage"])
    if low_coverage:
        actions.append(f"Check the data behind the scores of {name_list(low_coverage)} "
                       "(too little data to trust the score).")
    areas = Counter()
    for value in (r["development_areas"] for r in rows):
        for area in set(text(value).split("; ")):
            if area and area != "None":
                areas["Competencies below the next level's requirement" if area.startswith("Below ") else area] += 1
    for area, n in areas.most_common(3):
        actions.append(f"Plan development for {count(n, 'person')} on: {area}.")
    return actions


def executive(org: Org, links: Links) -> dict:
    """The whole organisation: aggregates only, no pay per person."""
    data, people = org.data, org.people
    scored = people.dropna(subset=["performance_score"])
    figures: dict[str, dict] = {}
    if len(scored):
        figures["distribution"] = fg.band_distribution(scored["rating_band"], org.target, percent=True)
        figures["department_bands"] = fg.bands_by_group(scored, "department", org.target,
                                                        title="Rating bands by department this quarter (% of people)")
    active_perf = org.perf[org.perf["employee_id"].isin(people.index)].merge(
        people[["department"]], left_on="employee_id", right_index=True)
    if len(active_perf):
        by_department = active_perf.groupby(["department", "period_start", "quarter"], as_index=False)[
            "performance_score"].mean()
        overall = active_perf.groupby(["period_start", "quarter"], as_index=False)["performance_score"].mean()
        figures["department_trend"] = fg.group_trend(
            by_department, "department", "performance_score", overall=overall,
            title="Average performance score by department and quarter (0-100)", axis="Average score (0-100)")

    signals = people.groupby("department").agg(
        high_potential=("potential", lambda s: int(s.eq(HIGH_POTENTIAL).sum())),
        high_attrition=("attrition_risk", lambda s: int(s.eq(HIGH_ATTRITION_RISK).sum())),
    ).reset_index()
    if len(signals):
        figures["signals"] = fg.grouped_counts(
            signals, "department", {"high_potential": "High top-performer potential",
                                    "high_attrition": "High attrition risk"},
            title="Early signals by department (people)", colours=(fg.GOOD, fg.BAD))

    succession = data.succession.groupby("department", as_index=False)[["ready_now", "ready_in_6_months"]].sum()
    if len(succession):
        figures["succession"] = fg.grouped_counts(
            succession, "department", {"ready_now": "Ready now", "ready_in_6_months": "Ready in 6 months"},
            title="Succession pipeline: people ready for the next level (people)", stacked=True,
            colours=(fg.GOOD, fg.ACCENT))

    pools = data.merit_pools
    if len(pools):
        figures["merit"] = fg.budget_use(pools)

    models = Table(["Model", "Ranking quality (AUC)", "Brier score (base rate)", "Tested on", "Positives in test",
                    "Data up to", "Note"], empty="No early-signal model has been trained.", numeric=(1, 2, 3, 4))
    for row in data.signal_models.itertuples():
        models.rows.append([text(row.model).replace("_", " ").capitalize(), number(row.auc),
                            f"{number(row.brier, 3)} ({number(row.brier_base_rate, 3)})", count(row.n_test, "person"),
                            count(row.n_test_positive), text(row.cutoff), text(row.reason)])

    risk = Table(["Department", "People", f"{org.low_band} band", "High attrition risk", "Low-coverage scores",
                  "Regrettable leavers (4 quarters)"], numeric=(1, 2, 3, 4, 5))
    leavers = _regrettable_leavers(org)
    for department, rows in people.groupby("department"):
        risk.rows.append([text(department), count(len(rows)), count(rows["at_risk_band"].sum()),
                          count(rows["at_risk_attrition"].sum()), count(rows["is_low_coverage"].sum()),
                          count(leavers.get(department, 0))])

    health, overall_status = _process_health(org)
    fairness = data.calibration_fairness  # groups flagged in the calibrated (final) ratings of the cycle
    fairness = fairness[(fairness["cycle"] == org.cycle) & (fairness["ratings"] == "calibrated")
                        & fairness["adverse_impact"].fillna(False).astype(bool)]
    budget, spent = (pools["budget"].sum(), pools["spent"].sum()) if len(pools) else (0.0, 0.0)
    previous = None
    if len(org.quarters) >= 2:
        before = org.perf[(org.perf["period_start"] == org.quarters[-2]) & org.perf["employee_id"].isin(people.index)]
        previous = before["performance_score"].mean()
    mean_score = scored["performance_score"].mean() if len(scored) else None
    change = "" if missing(previous) or missing(mean_score) else f"{mean_score - previous:+.1f} vs previous quarter"
    kpis = [
        _kpi("People", count(len(people), "person"), "active employees"),
        _kpi("Average performance score", out_of_100(mean_score), change),
        _kpi(f"In the {org.low_band} band", pct(people["at_risk_band"].mean() if len(people) else None, 1),
             count(people["at_risk_band"].sum(), "person")),
        _kpi("High attrition risk", count(people["at_risk_attrition"].sum(), "person"), "early-signal model"),
        _kpi("Fairness flags", count(len(fairness), "group"), f"adverse impact in calibrated {org.cycle} ratings",
             "at-risk" if len(fairness) else "healthy"),
        _kpi("Merit budget used", pct(spent / budget if budget else None, 1),
             f"{money_k(spent, _currency(org, None))} of {money_k(budget, _currency(org, None))}"),
        _kpi("Process health", overall_status or "no data", org.cycle or "",
             "healthy" if overall_status == "Healthy" else "at-risk" if overall_status else "no-data"),
    ]
    return {"kind": "executive", "title": "Organisation performance", "root": "", "subtitle": "Executive view",
            "period": org.period_note(), "kpis": kpis, "figures": figures, "models": models, "risk": risk,
            "health": health, "overall_status": overall_status}


def _regrettable_leavers(org: Org) -> dict[str, int]:
    """Regrettable leavers per department in the four quarters up to the end of the latest one."""
    if org.quarter_end is None:
        return {}
    e = org.employees
    start = org.quarter_end - pd.DateOffset(months=12)
    left = e[e["termination_date"].notna() & (e["termination_date"] >= start)
             & (e["termination_date"] < org.quarter_end) & e["is_regrettable_termination"].fillna(False).astype(bool)]
    return left.groupby("department").size().to_dict()


STATUS_CSS = {"healthy": "healthy", "at risk": "at-risk", "no data": "no-data"}


def _process_health(org: Org) -> tuple[Table, str | None]:
    health = org.data.process_health
    health = health[health["cycle"] == org.cycle]
    table = Table(["Measure", "Value", "Target", "Status", "Trend", "What it rests on", "Recommendation"],
                  empty="Process health has not been measured for this cycle.", numeric=(1, 2))
    for row in health.itertuples():
        comparison = {">": "at least", "<": "at most"}.get(text(row.comparison), text(row.comparison))
        table.rows.append([text(row.name), _health_value(row.value, text(row.unit)),
                           f"{comparison} {_health_value(row.target, text(row.unit))}",
                           Cell(text(row.status), status=STATUS_CSS.get(text(row.status), "watch")),
                           text(row.trend), text(row.detail), text(row.recommendation)])
    overall = org.data.process_health_overall
    overall = overall[overall["cycle"] == org.cycle]
    return table, (text(overall["overall_status"].iloc[0]) if len(overall) else None)


def _health_value(value, unit: str) -> str:
    if missing(value):
        return "no data"
    if unit.startswith("share"):
        return f"{pct(value, 1)} ({unit})"
    return f"{float(value):,.2f} {unit}"


def _currency(org: Org, department: str | None) -> str:
    """The pay currency of a department (or of everyone); empty if several."""
    e = org.people if department is None else org.people[org.people["department"] == department]
    currencies = org.employees.loc[e.index, "pay_currency"].dropna().unique()
    return str(currencies[0]) if len(currencies) == 1 else ""


# --- HR pages (the only ones that read pay) ----------------------------------------------------------------


def hr_calibration(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    cycle_rows = org.calibrated[org.calibrated["cycle"] == org.cycle]
    figures: dict[str, dict] = {}
    if len(cycle_rows):
        order = list(org.target["band"]) if org.target is not None else list(fg.BAND_COLOURS)
        shares = pd.DataFrame({"band": order})
        for column, name in (("submitted_rating", "submitted"), ("suggested_rating", "suggested")):
            shares[name] = shares["band"].map(cycle_rows[column].value_counts(normalize=True)).fillna(0) * 100
        shares["target"] = shares["band"].map(data.target.set_index("band")["share"]).fillna(0) * 100
        figures["distribution"] = fg.grouped_counts(
            shares, "band", {"submitted": "Submitted by managers", "suggested": "Suggested after calibration",
                             "target": "Target"},
            title=f"Rating distribution {org.cycle}: submitted, suggested and target (% of rated people)",
            axis="% of rated people", colours=(fg.OTHER_COLOUR, fg.ACCENT, "#111827"))
    by_manager = _frame(data.calibration_by_manager, manager_id=True)
    by_manager = by_manager[by_manager["cycle"] == org.cycle].copy()
    by_manager["label"] = unique_labels(by_manager["manager_id"].map(org.name), by_manager["manager_id"])
    by_manager = by_manager.sort_values("inflation_before", ascending=False)
    if len(by_manager):
        furthest = by_manager.reindex(by_manager["inflation_before"].abs().sort_values(ascending=False).index)
        furthest = furthest.head(MOST_INFLATED).sort_values("inflation_before", ascending=False)
        figures["inflation"] = fg.signed_bars(
            furthest, "label", "inflation_before",
            title=f"Rating inflation, {len(furthest)} managers furthest from target (%)",
            axis="Average submitted rating vs target average (%)")

    summary = Table(["Cycle", "Rated", "Changes suggested", "Outliers", "Inflation before → after",
                     "Variance from target before → after", "Adverse-impact flags before → after"],
                    numeric=(1, 2, 3))
    for row in data.calibration_summary.sort_values("cycle", ascending=False).itertuples():
        summary.rows.append([text(row.cycle), count(row.rated), count(row.changes), count(row.outliers),
                             f"{signed_pct(row.inflation_before)} → {signed_pct(row.inflation_after)}",
                             f"{pct_points(row.variance_before)} → {pct_points(row.variance_after)}",
                             f"{count(row.adverse_impact_before)} → {count(row.adverse_impact_after)}"])

    managers = Table(["Manager", "Team", "Rated", "Inflation before", "Inflation after", "Leniency (bands)",
                      "Distribution test p-value"], numeric=(1, 2, 3, 4, 5, 6))
    for row in by_manager.itertuples():
        href = links.managers.get(row.manager_id)
        managers.rows.append([Cell(row.label, href=f"{root}{href}" if href else None), count(row.team_size),
                              count(row.rated_count), signed_pct(row.inflation_before), signed_pct(row.inflation_after),
                              number(row.leniency), number(row.chi2_pvalue, 3)])

    groups = Table(["Department", "Level group", "Rated", "Inflation before", "Inflation after",
                    "Exceptional / Strong / Meets / Improvement submitted", "after calibration"], numeric=(2, 3, 4))
    by_group = data.calibration_by_group
    for row in by_group[by_group["cycle"] == org.cycle].itertuples():
        groups.rows.append([text(row.department), text(row.level_group), count(row.rated_count),
                            signed_pct(row.inflation_before), signed_pct(row.inflation_after),
                            _shares(row, "submitted"), _shares(row, "suggested")])

    suggestions = Table(["Person", "Manager", "Group", "Score (0-100)", "Submitted", "Suggested"],
                        empty="No change suggested.", numeric=(3,))
    changed = cycle_rows[cycle_rows["is_changed"].fillna(False).astype(bool)].sort_values(
        ["calibration_group", "performance_score"], ascending=[True, False])
    for row in changed.itertuples():
        suggestions.rows.append([_person_cell(org, row.employee_id, links, root), org.name(row.manager_id),
                                 text(row.calibration_group), score(row.performance_score),
                                 text(row.submitted_rating), text(row.suggested_rating)])

    outliers = Table(["Person", "Manager", "Group", "Submitted", "The data says", "Evidence"],
                     empty="No outlier.")
    for row in org.outliers.sort_values("band_gap", key=lambda s: -s.abs()).itertuples():
        outliers.rows.append([_person_cell(org, row.employee_id, links, root), org.name(row.manager_id),
                              text(row.calibration_group), text(row.submitted_rating), text(row.data_driven_band),
                              text(row.evidence)])

    fairness = Table(["Ratings", "Attribute", "Group", "People", "Top-rated share", "Impact ratio",
                      "Fisher p-value", "Adverse impact"], numeric=(3, 4, 5, 6))
    fair = data.calibration_fairness
    for row in fair[fair["cycle"] == org.cycle].itertuples():
        flagged = bool(row.adverse_impact) if not missing(row.adverse_impact) else False
        fairness.rows.append([text(row.ratings), text(row.attribute), text(row.value), count(row.count),
                              pct(row.top_rate, 1), number(row.impact_ratio), number(row.fisher_pvalue, 3),
                              Cell("yes" if flagged else "no", status="at-risk" if flagged else "healthy")])

    latest = data.calibration_summary[data.calibration_summary["cycle"] == org.cycle]
    kpis = []
    if len(latest):
        s = latest.iloc[0]
        kpis = [_kpi("Rated", count(s["rated"], "person"), org.cycle or ""),
                _kpi("Changes suggested", count(s["changes"], "rating")),
                _kpi("Outliers to discuss", count(s["outliers"], "rating")),
                _kpi("Inflation", f"{signed_pct(s['inflation_before'])} → {signed_pct(s['inflation_after'])}",
                     "before → after calibration"),
                _kpi("Adverse-impact flags",
                     f"{count(s['adverse_impact_before'])} → {count(s['adverse_impact_after'])}",
                     "groups, before → after", "at-risk" if s["adverse_impact_after"] else "healthy")]
    return {"kind": "hr_calibration", "title": f"Calibration report {text(org.cycle)}", "root": root,
            "subtitle": "HR", "period": org.period_note(), "kpis": kpis, "figures": figures,
            "summary": summary, "managers": managers, "groups": groups, "suggestions": suggestions,
            "outliers": outliers, "fairness": fairness}


def _shares(row, kind: str) -> str:
    return " / ".join(pct(getattr(row, f"{kind}_share_{band}", None))
                      for band in ("exceptional", "strong", "meets", "improvement"))


def hr_merit(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    pools, plan = data.merit_pools, _frame(data.merit_plan, employee_id=True)
    figures: dict[str, dict] = {}
    if len(pools):
        figures["pools"] = fg.grouped_counts(pools, "department", {"budget": "Budget", "spent": "Spent"},
                                             title="Merit budget and spend by pool (currency units)",
                                             axis="Amount (pay currency)", colours=(fg.NEUTRAL, fg.ACCENT))
    if len(plan):
        order = [b for b in (org.target["band"] if org.target is not None else fg.BAND_COLOURS)
                 if b in set(plan["rating"])]
        by_rating = plan.assign(merit=plan["merit_pct"] * 100).pivot_table(
            index="rating", columns="department", values="merit", aggfunc="mean").reindex(order).reset_index()
        departments = [c for c in by_rating.columns if c != "rating"]
        figures["by_rating"] = fg.grouped_counts(
            by_rating, "rating", {d: str(d) for d in departments},
            title="Average merit increase by rating and pool (% of salary)", axis="Merit increase (% of salary)")
    pool_table = Table(["Pool", "People", "Payroll", "Budget", "Spent", "Used", "Lump sums", "Capped", "Note"],
                       numeric=(1, 2, 3, 4, 5, 6, 7))
    for row in pools.itertuples():
        currency = _currency(org, row.department)
        pool_table.rows.append([text(row.department), count(row.headcount), money(row.payroll, currency),
                                money(row.budget, currency), money(row.spent, currency), pct_points(row.used_pct, 2),
                                money(row.lump_sum_total, currency), count(row.capped_count), text(row.note)])
    sections = []
    for department, rows in plan.sort_values(["department", "merit_pct"], ascending=[True, False]).groupby(
            "department", sort=True):
        currency = _currency(org, department)
        table = Table(["Person", "Rating", "Pay position", "Salary", "Merit", "Increase", "Salary increase",
                       "Lump sum", "New salary", "Note"], numeric=(3, 4, 5, 6, 7, 8))
        for row in rows.itertuples():
            table.rows.append([_person_cell(org, row.employee_id, links, root), text(row.rating),
                               text(row.compa_band), money(row.salary, currency), pct(row.merit_pct, 2),
                               money(row.increase, currency), money(row.salary_increase, currency),
                               money(row.lump_sum, currency), money(row.new_salary, currency), text(row.note)])
        sections.append({"title": f"{department}: {count(len(rows), 'person')}", "table": table})
    budget, spent = pools["budget"].sum(), pools["spent"].sum()
    currency = _currency(org, None)
    cycle = text(pools["cycle"].iloc[0]) if len(pools) and "cycle" in pools else ""
    kpis = [_kpi("Budget", money(budget, currency), f"{count(len(pools), 'pool')}"),
            _kpi("Spent", money(spent, currency), pct(spent / budget if budget else None, 2) + " of budget"),
            _kpi("People in the plan", count(len(plan), "person")),
            _kpi("Capped increases", count(plan["capped"].fillna(False).astype(bool).sum() if len(plan) else 0,
                                           "person"))]
    return {"kind": "hr_merit", "title": f"Merit plan {cycle}".strip(), "root": root,
            "subtitle": "HR · confidential: contains pay", "period": org.period_note(), "kpis": kpis,
            "figures": figures, "pools": pool_table, "sections": sections}


def hr_promotion(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    readiness = _frame(data.readiness, employee_id=True)
    active = readiness[readiness["employee_id"].isin(org.people.index)]
    figures: dict[str, dict] = {}
    # Readiness levels best first: by their average composite score (levels without one go last).
    order = list(active.groupby("readiness")["composite_score"].mean().sort_values(ascending=False, na_position="last")
                 .index)
    if len(active):
        counts = active.pivot_table(index="department", columns="readiness", values="employee_id",
                                    aggfunc="count", fill_value=0).reindex(columns=order, fill_value=0).reset_index()
        figures["readiness"] = fg.grouped_counts(
            counts, "department", {r: str(r) for r in order}, title="Promotion readiness by department (people)",
            stacked=True, colours=(fg.GOOD, "#65a30d", fg.ACCENT, fg.NEUTRAL, "#475569", fg.OTHER_COLOUR))
    pipeline = Table(["Person", "Department", "Level", "Next level", "Readiness", "Readiness score (0-100)",
                      "Performance history", "Competencies", "Scope", "Business impact", "Development areas"],
                     numeric=(5, 6, 7, 8, 9), empty="Nobody has a readiness score.")
    ranked = active.dropna(subset=["composite_score"]).sort_values(["composite_score", "employee_id"],
                                                                    ascending=[False, True])
    for row in ranked.itertuples():
        pipeline.rows.append([_person_cell(org, row.employee_id, links, root), text(row.department), text(row.level),
                              text(row.next_level), text(row.readiness), score(row.composite_score),
                              score(row.performance_history_score), score(row.skill_gap_score), score(row.scope_score),
                              score(row.business_impact_score), text(row.development_areas).replace("None", "")])
    succession = Table(["Department", "Level", "People", "Ready now", "Ready in 6 months"], numeric=(2, 3, 4))
    for row in data.succession.itertuples():
        succession.rows.append([text(row.department), text(row.level), count(row.headcount), count(row.ready_now),
                                count(row.ready_in_6_months)])
    kpis = [_kpi(str(level), count(n, "person")) for level, n in active["readiness"].value_counts()
            .reindex(order).items()]
    return {"kind": "hr_promotion", "title": "Promotion pipeline", "root": root, "subtitle": "HR",
            "period": org.period_note(), "kpis": kpis, "figures": figures,
            "pipeline": pipeline, "succession": succession}


def hr_unmatched(org: Org, links: Links) -> dict:
    accounts = org.data.unmatched_accounts
    figures: dict[str, dict] = {}
    if len(accounts):
        counts = accounts.pivot_table(index="source", columns="unmatched_reason", values="account_id",
                                      aggfunc="count", fill_value=0).reset_index()
        reasons = [c for c in counts.columns if c != "source"]
        figures["by_source"] = fg.grouped_counts(counts, "source", {r: str(r) for r in reasons},
                                                 title="Unmatched accounts by source and reason (accounts)",
                                                 axis="Accounts", stacked=True)
    table = Table(["Source", "Account id", "Name", "Email", "Why it did not match"], empty="Every account matched.")
    for row in accounts.sort_values(["source", "account_name"]).itertuples():
        table.rows.append([text(row.source), text(row.account_id), text(row.account_name), text(row.account_email),
                           text(row.unmatched_reason)])
    kpis = [_kpi("Unmatched accounts", count(len(accounts), "account"), "activity not credited to anyone",
                 "at-risk" if len(accounts) else "healthy")]
    kpis += [_kpi(text(source), count(n, "account")) for source, n in accounts["source"].value_counts().items()]
    return {"kind": "hr_unmatched", "title": "Unmatched accounts", "root": "../",
            "subtitle": "HR · identity resolution", "period": org.period_note(), "kpis": kpis,
            "figures": figures, "accounts": table,
            "help": "Add a row to the identity_overrides seed to map an account to an employee."}


def index(org: Org, links: Links, hr_pages: list[tuple[str, str]], built_at: str) -> dict:
    people = org.people.sort_values(["department", "full_name", "employee_id"])
    directory = Table(["Person", "Job title", "Department"], empty="No active employees.")
    for eid, row in people.iterrows():
        directory.rows.append([_person_cell(org, eid, links, ""), text(row["job_title"]), text(row["department"])])
    managers = Table(["Manager", "Job title", "Department", "Reporting line"], numeric=(3,), empty="No managers.")
    for eid in people.index:
        href = links.managers.get(eid)
        if href:
            row = people.loc[eid]
            managers.rows.append([Cell(org.name(eid), href=href), text(row["job_title"]), text(row["department"]),
                                  count(len(org.line_members.get(eid, [])), "person")])
    return {"kind": "index", "title": "Performance dashboards", "root": "", "subtitle": f"Built {built_at}",
            "period": org.period_note(), "kpis": [], "figures": {},
            "hr_pages": hr_pages, "managers": managers, "people": directory}
