"""The manager page: the rows of one manager's whole reporting line, nobody outside it, and a to-do list."""

from __future__ import annotations

from collections import Counter

import numpy as np

from . import figures as fg
from .cells import Cell, Links, Table, kpi, person_cell
from .formatting import count, name_list, out_of_100, pct, score, signed_pct, text, unique_labels
from .org import Org

TOP_BOTTOM = 5  # top and bottom performers shown on a manager page
INFLATION_WATCH = 10.0  # a manager's rating inflation (%) beyond which their own KPI is marked


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
            [b for b, ok in zip(team["rating_band"].tolist(), has_score) if ok], org.target
        )
        labels = unique_labels(team["full_name"], team["employee_id"])
        figures["top_bottom"] = fg.top_bottom({"full_name": labels, "performance_score": scores}, TOP_BOTTOM)
    trend = org.team_trend.get(manager_id)
    if trend:
        figures["trend"] = fg.category_trend(trend, title="Reporting line average scores by quarter (0-100)")

    columns = [
        "job_title",
        "rating_band",
        "attrition_risk",
        "attrition_drivers",
        "at_risk_band",
        "at_risk_attrition",
        "at_risk",
        "rating_missing",
        "manager_id",
        "is_low_coverage",
        "coverage",
        "development_areas",
    ]
    rows = [
        dict(zip(columns, values), employee_id=e, full_name=n, score=sc)
        for e, n, sc, *values in zip(ids, names, scores, *(team[c].tolist() for c in columns))
    ]

    at_risk = sorted(
        (r for r in rows if r["at_risk"]),
        key=lambda r: (np.isnan(r["score"]), 0 if np.isnan(r["score"]) else r["score"], r["full_name"]),
    )
    risk_table = Table(
        ["Person", "Job title", "Score (0-100)", "Band", "Attrition risk", "Why"],
        empty="Nobody in your reporting line is at risk this quarter.",
        numeric=(2,),
    )
    for r in at_risk:
        reasons = []
        if r["at_risk_band"]:
            reasons.append(f"{org.low_band} band this quarter")
        if r["at_risk_attrition"]:
            reasons.append("high attrition risk" + (f": {r['attrition_drivers']}" if r["attrition_drivers"] else ""))
        risk_table.rows.append(
            [
                person_cell(org, r["employee_id"], links, root),
                text(r["job_title"]),
                score(r["score"]),
                text(r["rating_band"]),
                text(r["attrition_risk"], "n/a"),
                "; ".join(reasons),
            ]
        )

    missing_ratings = sorted((r for r in rows if r["rating_missing"]), key=lambda r: r["full_name"])
    missing_table = Table(["Person", "Rating owed by"], empty=f"Every {org.cycle} rating is in.")
    for r in missing_ratings:
        missing_table.rows.append(
            [person_cell(org, r["employee_id"], links, root), person_cell(org, r["manager_id"], links, root)]
        )

    outliers = org.outliers_by_manager.get(manager_id)
    outliers = (
        []
        if outliers is None
        else sorted(
            zip(
                outliers["employee_id"],
                outliers["submitted_rating"],
                outliers["data_driven_band"],
                outliers["evidence"],
                outliers["band_gap"],
            ),
            key=lambda o: (-abs(o[4] or 0), org.name(o[0])),
        )
    )
    outlier_table = Table(
        ["Person", "Submitted rating", "The data says", "Evidence"], empty="No submitted rating is far from the data."
    )
    for employee_id, submitted, data_band, evidence, _ in outliers:
        outlier_table.rows.append(
            [person_cell(org, employee_id, links, root), text(submitted), text(data_band), text(evidence)]
        )

    final = org.data.final_ratings
    final = dict(
        zip(
            final.loc[final["cycle"] == org.cycle, "employee_id"].astype(str),
            final.loc[final["cycle"] == org.cycle, "final_rating"],
        )
    )
    roster = Table(
        ["Person", "Manager", "Score (0-100)", "Band", "Data coverage", f"Final rating {text(org.cycle)}", "Data"],
        numeric=(2, 4),
    )
    for r in sorted(rows, key=lambda r: r["full_name"]):
        gaps = org.data_gaps(r["employee_id"])
        roster.rows.append(
            [
                person_cell(org, r["employee_id"], links, root),
                Cell(org.name(r["manager_id"]), href=f"{root}{links.managers[r['manager_id']]}")
                if r["manager_id"] in links.managers
                else text(org.name(r["manager_id"])),
                score(r["score"]),
                text(r["rating_band"]),
                pct(r["coverage"]),
                text(final.get(r["employee_id"]), "none"),
                Cell("incomplete: " + "; ".join(gaps), status="watch") if gaps else "",
            ]
        )
    by_manager = org.data.calibration_by_manager
    mine = by_manager[(by_manager["cycle"] == org.cycle) & (by_manager["manager_id"].astype(str) == manager_id)]
    actions = _manager_actions(org, manager_id, rows, missing_ratings, outliers, at_risk)
    scored = int(has_score.sum())
    direct = sum(1 for r in rows if r["manager_id"] == manager_id)
    kpis = [
        kpi("Reporting line", count(len(rows), "person"), count(direct, "direct report")),
        kpi(
            "Average score",
            out_of_100(scores[has_score].mean() if scored else None),
            f"{count(scored, 'person')} scored in {org.quarter}",
        ),
        kpi(
            "People at risk",
            count(len(at_risk), "person"),
            f"{org.low_band} band or high attrition risk",
            "at-risk" if at_risk else "healthy",
        ),
        kpi(
            "Ratings missing",
            count(len(missing_ratings), "rating"),
            f"for {org.cycle}",
            "at-risk" if missing_ratings else "healthy",
        ),
        kpi(
            "Your rating inflation",
            signed_pct(mine["inflation_before"].iloc[0]) if len(mine) else "n/a",
            f"your {text(org.cycle)} ratings against the target average",
            "watch" if len(mine) and abs(mine["inflation_before"].iloc[0]) > INFLATION_WATCH else None,
        ),
        kpi(
            "Outliers to discuss",
            count(len(outliers), "rating"),
            "submitted rating far from the data",
            "watch" if outliers else "healthy",
        ),
    ]
    return {
        "kind": "manager",
        "title": f"{text(me['full_name'])}: reporting line",
        "root": root,
        "subtitle": " · ".join(filter(None, [text(me["job_title"]), text(me["department"])])),
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "actions": actions,
        "at_risk": risk_table,
        "missing_ratings": missing_table,
        "outliers": outlier_table,
        "roster": roster,
        "cycle": org.cycle,
    }


def _manager_actions(
    org: Org, manager_id: str, rows: list[dict], missing_ratings: list[dict], outliers: list[tuple], at_risk: list[dict]
) -> list[str]:
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
        described = [
            f"{org.name(e)} (rated {text(submitted)}, data says {text(data_band)})"
            for e, submitted, data_band, _, _ in outliers
        ]
        actions.append(
            f"Discuss {count(len(outliers), 'rating')} far from the data at calibration: {name_list(described)}."
        )
    # An improvement plan waits for complete data: a low score from missing activity is not low performance.
    low = sorted(r["full_name"] for r in at_risk if r["at_risk_band"] and not org.data_gaps(r["employee_id"]))
    held = sorted(r["full_name"] for r in at_risk if r["at_risk_band"] and org.data_gaps(r["employee_id"]))
    if low:
        actions.append(f"Agree an improvement plan with {name_list(low)} ({org.low_band} band this quarter).")
    if held:
        actions.append(
            f"Before any improvement plan, have HR complete the data of {name_list(held)} "
            f"({org.low_band} band on incomplete data)."
        )
    leaving = sorted(r["full_name"] for r in at_risk if r["at_risk_attrition"])
    if leaving:
        actions.append(f"Have a retention conversation with {name_list(leaving)} (high attrition risk).")
    low_coverage = sorted(r["full_name"] for r in rows if r["is_low_coverage"])
    if low_coverage:
        actions.append(
            f"Check the data behind the scores of {name_list(low_coverage)} (too little data to trust the score)."
        )
    areas = Counter()
    for value in (r["development_areas"] for r in rows):
        for area in set(text(value).split("; ")):
            if area and area != "None":
                areas["Competencies below the next level's requirement" if area.startswith("Below ") else area] += 1
    for area, n in areas.most_common(3):
        actions.append(f"Plan development for {count(n, 'person')} on: {area}.")
    return actions
