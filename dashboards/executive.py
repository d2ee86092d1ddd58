"""The executive page: the whole organisation in aggregates, no pay per person."""

from __future__ import annotations

import pandas as pd

from . import figures as fg
from .cells import Cell, Links, Table, kpi
from .formatting import count, missing, number, out_of_100, pct, text
from .org import HIGH_ATTRITION_RISK, Org

HIGH_POTENTIAL = "high"  # analytics.top_performer_signals.potential value counted as high potential
FAIRNESS_STAGE = "final"  # analytics.calibration_fairness.ratings: the ratings that reach pay


def executive(org: Org, links: Links) -> dict:
    """The whole organisation: aggregates only, no pay per person."""
    data, people = org.data, org.people
    scored = people.dropna(subset=["performance_score"])
    figures: dict[str, dict] = {}
    cycle_ratings = org.calibrated[org.calibrated["cycle"] == org.cycle]
    final = data.final_ratings[data.final_ratings["cycle"] == org.cycle]
    if len(cycle_ratings) and org.target is not None:
        figures["distribution"] = fg.rating_stages(
            {"Submitted by managers": cycle_ratings["submitted_rating"], "Final": final["final_rating"]},
            org.target,
            title=f"Ratings {org.cycle}: submitted, final and target (% of rated people)",
            colours=(fg.OTHER_COLOUR, "#0f766e", "#111827"),
        )
    if len(scored):
        figures["department_bands"] = fg.bands_by_group(
            scored,
            "department",
            org.target,
            title="Performance-score bands by department this quarter (% of people)",
        )
    active_perf = org.perf[org.perf["employee_id"].isin(people.index)].merge(
        people[["department"]], left_on="employee_id", right_index=True
    )
    if len(active_perf):
        by_department = active_perf.groupby(["department", "period_start", "quarter"], as_index=False)[
            "performance_score"
        ].mean()
        overall = active_perf.groupby(["period_start", "quarter"], as_index=False)["performance_score"].mean()
        figures["department_trend"] = fg.group_trend(
            by_department,
            "department",
            "performance_score",
            overall=overall,
            title="Average performance score by department and quarter (0-100)",
            axis="Average score (0-100)",
        )

    signals = (
        people.groupby("department")
        .agg(
            high_potential=("potential", lambda s: int(s.eq(HIGH_POTENTIAL).sum())),
            high_attrition=("attrition_risk", lambda s: int(s.eq(HIGH_ATTRITION_RISK).sum())),
        )
        .reset_index()
    )
    if len(signals):
        figures["signals"] = fg.grouped_counts(
            signals,
            "department",
            {"high_potential": "High top-performer potential", "high_attrition": "High attrition risk"},
            title="Early signals by department (people)",
            colours=(fg.GOOD, fg.BAD),
        )

    succession = data.succession.groupby("department", as_index=False)[["ready_now", "ready_in_6_months"]].sum()
    if len(succession):
        figures["succession"] = fg.grouped_counts(
            succession,
            "department",
            {"ready_now": "Ready now", "ready_in_6_months": "Ready in 6 months"},
            title="Succession pipeline: people ready for the next level (people)",
            stacked=True,
            colours=(fg.GOOD, fg.ACCENT),
        )

    plan = data.merit_plan
    if len(plan):
        by_cell = plan.assign(merit=plan["merit_pct"] * 100).pivot_table(
            index="rating", columns="department", values="merit", aggfunc="mean"
        )
        order = [b for b in (org.target["band"] if org.target is not None else by_cell.index) if b in by_cell.index]
        by_cell = by_cell.reindex(order).reset_index()
        figures["merit"] = fg.grouped_counts(
            by_cell,
            "rating",
            {d: d for d in by_cell.columns if d != "rating"},
            title="Average merit increase by final rating and pool (%)",
            axis="Average increase (%)",
        )

    models = Table(
        [
            "Model",
            "Ranking quality (AUC)",
            "Brier score (base rate)",
            "Tested on",
            "Positives in test",
            "Data up to",
            "Note",
        ],
        empty="No early-signal model has been trained.",
        numeric=(1, 2, 3, 4),
    )
    for row in data.signal_models.itertuples():
        models.rows.append(
            [
                text(row.model).replace("_", " ").capitalize(),
                number(row.auc),
                f"{number(row.brier, 3)} ({number(row.brier_base_rate, 3)})",
                count(row.n_test, "person"),
                count(row.n_test_positive),
                text(row.cutoff),
                text(row.reason),
            ]
        )

    risk = Table(
        [
            "Department",
            "People",
            f"{org.low_band} band",
            "High attrition risk",
            "Low-coverage scores",
            "Regrettable leavers (4 quarters)",
        ],
        numeric=(1, 2, 3, 4, 5),
    )
    leavers = _regrettable_leavers(org)
    for department, rows in people.groupby("department"):
        risk.rows.append(
            [
                text(department),
                count(len(rows)),
                count(rows["at_risk_band"].sum()),
                count(rows["at_risk_attrition"].sum()),
                count(rows["is_low_coverage"].sum()),
                count(leavers.get(department, 0)),
            ]
        )

    health, overall_status = _process_health(org)
    fairness = data.calibration_fairness  # groups flagged in the final ratings of the cycle
    fairness = fairness[
        (fairness["cycle"] == org.cycle)
        & (fairness["ratings"] == FAIRNESS_STAGE)
        & fairness["adverse_impact"].fillna(False).astype(bool)
    ]
    flagged = ", ".join(f"{row.attribute} {row.value}" for row in fairness.itertuples())
    previous = None
    if len(org.quarters) >= 2:
        before = org.perf[(org.perf["period_start"] == org.quarters[-2]) & org.perf["employee_id"].isin(people.index)]
        previous = before["performance_score"].mean()
    mean_score = scored["performance_score"].mean() if len(scored) else None
    change = "" if missing(previous) or missing(mean_score) else f"{mean_score - previous:+.1f} vs previous quarter"
    kpis = [
        kpi("People", count(len(people), "person"), "active employees"),
        kpi("Average performance score", out_of_100(mean_score), change),
        kpi(
            f"In the {org.low_band} band",
            pct(people["at_risk_band"].mean() if len(people) else None, 1),
            count(people["at_risk_band"].sum(), "person"),
        ),
        _attrition_kpi(org),
        kpi(
            "Fairness flags",
            count(len(fairness), "group"),
            f"{flagged} (see the HR calibration report)"
            if len(fairness)
            else f"no adverse impact in the final {org.cycle} ratings",
            "at-risk" if len(fairness) else "healthy",
        ),
        _merit_kpi(data.merit_plan),
        _readiness_kpi(data.readiness),
        kpi(
            "Process health",
            overall_status or "no data",
            org.cycle or "",
            "healthy" if overall_status == "Healthy" else "at-risk" if overall_status else "no-data",
        ),
    ]
    return {
        "kind": "executive",
        "title": "Organisation performance",
        "root": "",
        "subtitle": "Executive view",
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "models": models,
        "risk": risk,
        "health": health,
        "overall_status": overall_status,
    }


def _readiness_kpi(readiness: pd.DataFrame) -> dict:
    """Ready-now people with how much of their readiness rests on data."""
    ready = readiness[readiness["readiness"] == "Ready now"] if "readiness" in readiness else readiness[:0]
    coverage = ready["coverage"].mean() if len(ready) and "coverage" in ready else None
    note = f"their data covers {pct(coverage)} of the readiness factors on average" if len(ready) else ""
    return kpi("Ready for promotion now", count(len(ready), "person"), note)


def _attrition_kpi(org: Org) -> dict:
    if "regrettable_attrition" not in org.trusted_models:
        return kpi("High attrition risk", "not shown", "the model does not beat the base rate yet", "no-data")
    return kpi("High attrition risk", count(org.people["at_risk_attrition"].sum(), "person"), "early-signal model")


def _merit_kpi(plan: pd.DataFrame) -> dict:
    """What merit pays per final rating: how far pay differentiates, not that the budget was spent."""
    if not len(plan):
        return kpi("Merit by rating", "no plan", "", "no-data")
    by_rating = plan.groupby("rating")["merit_pct"].mean()
    shown = [b for b in ("Exceptional", "Meets") if b in by_rating.index]
    value = " vs ".join(pct(by_rating[b], 1) for b in shown)
    return kpi("Merit by rating", value, " vs ".join(shown) + " (average increase, final ratings)")


def _regrettable_leavers(org: Org) -> dict[str, int]:
    """Regrettable leavers per department in the four quarters up to the end of the latest one."""
    if org.quarter_end is None:
        return {}
    e = org.employees
    start = org.quarter_end - pd.DateOffset(months=12)
    left = e[
        e["termination_date"].notna()
        & (e["termination_date"] >= start)
        & (e["termination_date"] < org.quarter_end)
        & e["is_regrettable_termination"].fillna(False).astype(bool)
    ]
    return left.groupby("department").size().to_dict()


STATUS_CSS = {"healthy": "healthy", "at risk": "at-risk", "no data": "no-data"}


def _process_health(org: Org) -> tuple[Table, str | None]:
    health = org.data.process_health
    health = health[health["cycle"] == org.cycle]
    table = Table(
        ["Measure", "Value", "Target", "Status", "Trend", "What it rests on", "Recommendation"],
        empty="Process health has not been measured for this cycle.",
        numeric=(1, 2),
    )
    for row in health.itertuples():
        comparison = {">": "at least", "<": "at most"}.get(text(row.comparison), text(row.comparison))
        table.rows.append(
            [
                text(row.name),
                _health_value(row.value, text(row.unit)),
                f"{comparison} {_health_value(row.target, text(row.unit))}",
                Cell(text(row.status), status=STATUS_CSS.get(text(row.status), "watch")),
                text(row.trend),
                text(row.detail),
                text(row.recommendation),
            ]
        )
    overall = org.data.process_health_overall
    overall = overall[overall["cycle"] == org.cycle]
    return table, (text(overall["overall_status"].iloc[0]) if len(overall) else None)


def _health_value(value, unit: str) -> str:
    if missing(value):
        return "no data"
    if unit.startswith("share"):
        return f"{pct(value, 1)} ({unit})"
    return f"{float(value):,.2f} {unit}"
