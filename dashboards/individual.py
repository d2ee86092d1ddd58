"""The individual page: one person's rows plus anonymous aggregates of their peers (see ``dashboards.privacy``)."""

from __future__ import annotations

import numpy as np

from . import figures as fg
from .cells import Links, Table, kpi
from .formatting import out_of_100, pct, score, text
from .org import Org
from .privacy import enough_peers

WEAKEST = 2  # lowest-scoring metrics named among the development areas
FACTORS = (
    ("performance_history_score", "Performance history"),
    ("skill_gap_score", "Competencies vs next level"),
    ("scope_score", "Scope (projects led, mentees)"),
    ("business_impact_score", "Business impact"),
)


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
    if enough_peers(len(peers), org.min_peer_group):
        figures["peers"] = fg.peer_benchmark(peers, person["performance_score"], group_label)
    else:
        peer_note = (
            f"Fewer than {org.min_peer_group} peers at {group_label} have a score this quarter, "
            "so no benchmark is shown (it could identify them)."
        )

    next_level = text(readiness["next_level"]) if readiness else ""
    if competencies:
        figures["competencies"] = fg.competency_radar(competencies, next_level or None)

    areas = [] if not readiness else [a for a in text(readiness["development_areas"]).split("; ") if a and a != "None"]
    weakest = sorted(
        (
            (s, n)
            for n, s in zip(metrics["metric_name"], metrics["metric_score"])
            if isinstance(s, (int, float)) and not np.isnan(s)
        )
        if metrics
        else []
    )[:WEAKEST]
    if weakest:
        areas.append("Weakest metrics this quarter: " + ", ".join(f"{text(n)} ({score(s)})" for s, n in weakest))
    factors = [] if not readiness else [[label, score(readiness.get(column))] for column, label in FACTORS]

    feedback = Table(["Cycle", "From", "Competency", "Comment"], empty="No 360 comments yet.")
    for cycle, rater_type, competency, comment in org.comments_by_person.get(employee_id, []):
        feedback.rows.append([text(cycle), text(rater_type).capitalize(), text(competency), text(comment)])

    low_coverage = person["is_low_coverage"]
    gaps = org.data_gaps(employee_id)
    kpis = [
        kpi(
            "Performance score",
            out_of_100(person["performance_score"]),
            text(person["rating_band"]) + (": incomplete data, see below" if gaps else ""),
            "watch" if gaps else "at-risk" if person["at_risk_band"] else None,
        ),
        kpi(
            "Data coverage",
            pct(person["coverage"]),
            "too little data: read with care" if low_coverage else "share of weight with data",
        ),
        kpi(
            "Promotion readiness",
            text(person["readiness"], "not assessed"),
            f"towards {next_level}" if next_level else "",
        ),
    ]
    return {
        "kind": "individual",
        "title": text(person["full_name"]),
        "root": "../",
        "subtitle": " · ".join(
            filter(None, [text(person["job_title"]), text(person["department"]), text(person["level"])])
        ),
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "peer_note": peer_note,
        "development_areas": areas,
        "data_gaps": gaps,
        "readiness": text(person["readiness"], "not assessed"),
        "readiness_score": score(readiness["composite_score"]) if readiness else "no score",
        "next_level": next_level,
        "factors": factors,
        "feedback": feedback,
    }
