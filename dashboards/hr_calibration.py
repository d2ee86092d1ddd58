"""The HR calibration page: inflation per manager, distribution against the target, suggestions, outliers and
fairness. HR pages are the only page builders that read pay."""

from __future__ import annotations

import pandas as pd

from . import figures as fg
from .cells import Cell, Links, Table, kpi, person_cell
from .formatting import count, missing, number, pct, pct_points, score, signed_pct, text, unique_labels
from .org import Org, plain_frame

MOST_INFLATED = 20  # managers shown in the HR inflation chart (all are in the table below it)


def hr_calibration(org: Org, links: Links) -> dict:
    data, root = org.data, "../"
    cycle_rows = org.calibrated[org.calibrated["cycle"] == org.cycle]
    final = plain_frame(data.final_ratings, employee_id=True)
    final = final[final["cycle"] == org.cycle]
    figures: dict[str, dict] = {}
    if len(cycle_rows) and org.target is not None:
        figures["distribution"] = fg.rating_stages(
            {
                "Submitted by managers": cycle_rows["submitted_rating"],
                "Suggested by the calibration": cycle_rows["suggested_rating"],
                "Final (meeting's decision, else submitted)": final["final_rating"],
            },
            org.target,
            title=f"Rating distribution {org.cycle}: submitted, suggested, final and target (% of rated people)",
            colours=(fg.OTHER_COLOUR, fg.ACCENT, "#0f766e", "#111827"),
        )
    by_manager = plain_frame(data.calibration_by_manager, manager_id=True)
    by_manager = by_manager[by_manager["cycle"] == org.cycle].copy()
    by_manager["label"] = unique_labels(by_manager["manager_id"].map(org.name), by_manager["manager_id"])
    by_manager = by_manager.sort_values("inflation_before", ascending=False)
    if len(by_manager):
        furthest = by_manager.reindex(by_manager["inflation_before"].abs().sort_values(ascending=False).index)
        furthest = furthest.head(MOST_INFLATED).sort_values("inflation_before", ascending=False)
        figures["inflation"] = fg.signed_bars(
            furthest,
            "label",
            "inflation_before",
            title=f"Rating inflation, {len(furthest)} managers furthest from target (%)",
            axis="Average submitted rating vs target average (%)",
        )

    states = dict(zip(data.cycles["cycle"], data.cycles["cycle_state"])) if "cycle_state" in data.cycles else {}
    summary = Table(
        [
            "Cycle",
            "State",
            "Rated",
            "Changes suggested",
            "Outliers",
            "Inflation before → after",
            "Variance from target before → after",
            "Adverse-impact flags before → after",
        ],
        numeric=(2, 3, 4),
    )
    for row in data.calibration_summary.sort_values("cycle", ascending=False).itertuples():
        summary.rows.append(
            [
                text(row.cycle),
                text(states.get(row.cycle)),
                count(row.rated),
                count(row.changes),
                count(row.outliers),
                f"{signed_pct(row.inflation_before)} → {signed_pct(row.inflation_after)}",
                f"{pct_points(row.variance_before)} → {pct_points(row.variance_after)}",
                f"{count(row.adverse_impact_before)} → {count(row.adverse_impact_after)}",
            ]
        )

    managers = Table(
        [
            "Manager",
            "Team",
            "Rated",
            "Inflation before",
            "Inflation after",
            "Leniency (bands)",
            "Distance from target beyond chance",
            "Distribution test p-value (exact, corrected)",
        ],
        numeric=(1, 2, 3, 4, 5, 6, 7),
    )
    for row in by_manager.itertuples():
        href = links.managers.get(row.manager_id)
        managers.rows.append(
            [
                Cell(row.label, href=f"{root}{href}" if href else None),
                count(row.team_size),
                count(row.rated_count),
                signed_pct(row.inflation_before),
                signed_pct(row.inflation_after),
                number(row.leniency),
                pct_points(_excess(row)),
                number(row.pvalue_corrected, 3),
            ]
        )

    groups = Table(
        [
            "Calibration group",
            "People",
            "Rated",
            "Inflation before",
            "Inflation after",
            "Exceptional / Strong / Meets / Improvement submitted",
            "after calibration",
            "Note",
        ],
        numeric=(1, 2, 3, 4),
    )
    by_group = data.calibration_by_group
    for row in by_group[by_group["cycle"] == org.cycle].itertuples():
        groups.rows.append(
            [
                text(row.calibration_group),
                count(row.team_size),
                count(row.rated_count),
                signed_pct(row.inflation_before),
                signed_pct(row.inflation_after),
                _shares(row, "submitted"),
                _shares(row, "suggested"),
                text(_group_note(row)),
            ]
        )

    suggestions = Table(
        ["Person", "Manager", "Group", "Score (0-100)", "Evidence weight", "Submitted", "Suggested"],
        empty="No change suggested.",
        numeric=(3, 4),
    )
    changed = cycle_rows[cycle_rows["is_changed"].fillna(False).astype(bool)].sort_values(
        ["calibration_group", "performance_score"], ascending=[True, False]
    )
    for row in changed.itertuples():
        suggestions.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                org.name(row.manager_id),
                text(row.calibration_group),
                score(row.performance_score),
                number(getattr(row, "evidence_weight", None)),
                text(row.submitted_rating),
                text(row.suggested_rating),
            ]
        )
    thin = cycle_rows[cycle_rows["evidence_note"].notna()] if "evidence_note" in cycle_rows else cycle_rows[:0]

    outliers = Table(["Person", "Manager", "Group", "Submitted", "The data says", "Evidence"], empty="No outlier.")
    for row in org.outliers.sort_values("band_gap", key=lambda s: -s.abs()).itertuples():
        outliers.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                org.name(row.manager_id),
                text(row.calibration_group),
                text(row.submitted_rating),
                text(row.data_driven_band),
                text(row.evidence),
            ]
        )

    fairness = Table(
        [
            "Ratings",
            "Attribute",
            "Group",
            "People",
            "Top-rated share",
            "Impact ratio",
            "p-value within department and level (corrected)",
            "Judgement",
        ],
        numeric=(3, 4, 5, 6),
    )
    fair = data.calibration_fairness
    for row in fair[fair["cycle"] == org.cycle].itertuples():
        flagged = bool(row.adverse_impact) if not missing(row.adverse_impact) else False
        fairness.rows.append(
            [
                text(row.ratings),
                text(row.attribute),
                text(row.value),
                count(row.count),
                pct(row.top_rate, 1),
                number(row.impact_ratio),
                number(getattr(row, "pvalue_corrected", None), 3),
                Cell(text(getattr(row, "judgement", None)), status="at-risk" if flagged else None),
            ]
        )

    packs = Table(["Calibration group", "People", "Decisions missing"], empty="No calibration group.", numeric=(1, 2))
    for group, path in links.packs.items():
        members = cycle_rows[cycle_rows["calibration_group"] == group]
        decided = final[final["rating_source"] == "decision"]["employee_id"]
        waiting = members["submitted_rating"].notna() & ~members["employee_id"].isin(decided)
        packs.rows.append([Cell(group, href=f"{root}{path}"), count(len(members)), count(waiting.sum())])

    audit = plain_frame(data.rating_audit, employee_id=True)
    audit = audit[audit["cycle"] == org.cycle].sort_values(["employee_id", "proposed_at"])
    history = Table(["Person", "Stage", "From", "To", "By", "When", "Why"], empty="No change recorded.")
    for row in audit.itertuples():
        history.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                text(row.stage),
                text(row.from_rating, "none"),
                text(row.to_rating),
                text(org.names.get(row.proposed_by, row.proposed_by)),
                text(
                    pd.Timestamp(row.proposed_at).strftime("%Y-%m-%d %H:%M") if not missing(row.proposed_at) else None
                ),
                text(row.reason),
            ]
        )

    latest = data.calibration_summary[data.calibration_summary["cycle"] == org.cycle]
    kpis = []
    if len(latest):
        s = latest.iloc[0]
        kpis = [
            kpi("Rated", count(s["rated"], "person"), org.cycle or ""),
            kpi("Changes suggested", count(s["changes"], "rating"), "suggestions only: the meeting decides"),
            kpi(
                "Final from the meeting's decisions",
                count((final["rating_source"] == "decision").sum(), "rating"),
                f"cycle {text(states.get(org.cycle), 'open')}",
            ),
            kpi("Outliers to discuss", count(s["outliers"], "rating")),
            kpi(
                "Evidence too thin",
                count(len(thin), "person"),
                f"ranked by the manager's rating; scores agree {number(s.get('evidence_agreement'))} with ratings",
                "watch" if len(thin) else "healthy",
            ),
            kpi(
                "Inflation",
                f"{signed_pct(s['inflation_before'])} → {signed_pct(s['inflation_after'])}",
                "before → after calibration",
            ),
            kpi(
                "Adverse-impact flags",
                f"{count(s['adverse_impact_before'])} → {count(s['adverse_impact_after'])}",
                "groups, before → after",
                "at-risk" if s["adverse_impact_after"] else "healthy",
            ),
        ]
    unrated = Table(
        ["Person", "Manager", "Why there is no rating"], empty="Everyone employed at the cycle's end is rated."
    )
    reasons = cycle_rows[cycle_rows["unrated_reason"].notna()] if "unrated_reason" in cycle_rows else cycle_rows[:0]
    for row in reasons.sort_values("employee_id").itertuples():
        unrated.rows.append([person_cell(org, row.employee_id, links, root), org.name(row.manager_id),
                             text(row.unrated_reason)])  # fmt: skip
    return {
        "kind": "hr_calibration",
        "title": f"Calibration report {text(org.cycle)}",
        "root": root,
        "subtitle": "HR",
        "period": org.period_note(),
        "kpis": kpis,
        "figures": figures,
        "summary": summary,
        "managers": managers,
        "groups": groups,
        "suggestions": suggestions,
        "outliers": outliers,
        "fairness": fairness,
        "unrated": unrated,
        "packs": packs,
        "history": history,
    }


def _excess(row) -> float | None:
    if missing(row.target_distance) or missing(row.chance_distance):
        return None
    return (row.target_distance - row.chance_distance) * 100


def _group_note(row) -> str:
    if not row.is_forced:
        return "Too few people for the target to mean anything: not forced, submitted ratings kept."
    if row.ties_off_target:
        return f"{row.ties_off_target:.0f} people with equal evidence share a band, so counts differ from the target."
    return ""


def _shares(row, kind: str) -> str:
    return " / ".join(
        pct(getattr(row, f"{kind}_share_{band}", None)) for band in ("exceptional", "strong", "meets", "improvement")
    )
