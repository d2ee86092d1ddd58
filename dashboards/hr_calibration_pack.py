"""Calibration meeting packs: one printable HR page per calibration group of the latest cycle, with
what the meeting needs to decide: the distribution against the target, the boundary cases, the
outliers and their evidence, the managers furthest from the target and the decisions still missing."""

from __future__ import annotations

import re

import pandas as pd

from .cells import Cell, Links, Table, kpi, person_cell
from .formatting import count, score, signed_pct, text
from .org import Org, plain_frame

FOLDER = "hr"
MANAGERS_SHOWN = 5  # managers furthest from the target listed in a pack


def pack_paths(groups: list[str]) -> dict[str, str]:
    """Calibration group -> its pack's path, a readable slug made unique."""
    paths: dict[str, str] = {}
    for group in sorted(groups):
        slug = re.sub(r"[^a-z0-9]+", "-", group.lower()).strip("-") or "group"
        name, n = slug, 2
        while f"{FOLDER}/calibration-pack-{name}.html" in paths.values():
            name, n = f"{slug}-{n}", n + 1
        paths[group] = f"{FOLDER}/calibration-pack-{name}.html"
    return paths


def calibration_groups(org: Org) -> list[str]:
    rows = org.calibrated[org.calibrated["cycle"] == org.cycle]
    return sorted(rows["calibration_group"].dropna().unique()) if "calibration_group" in rows else []


def _boundary_cases(rows: pd.DataFrame) -> pd.DataFrame:
    """Ranked people next to a band edge: the one just above or below has another suggested band."""
    ranked = rows[rows["score_position"].notna()].sort_values("score_position")
    band = ranked["suggested_rank"]
    edge_above = band.ne(band.shift(1)) & band.shift(1).notna()
    edge_below = band.ne(band.shift(-1)) & band.shift(-1).notna()
    return ranked.assign(edge=(edge_above.map({True: "just below a higher band", False: ""}) + " " + edge_below.map(
        {True: "just above a lower band", False: ""})).str.strip())[edge_above | edge_below]  # fmt: skip


def calibration_pack(org: Org, links: Links, group: str) -> dict:
    root = "../"
    data = org.data
    rows = org.calibrated[(org.calibrated["cycle"] == org.cycle) & (org.calibrated["calibration_group"] == group)]
    final = plain_frame(data.final_ratings, employee_id=True)
    final = final[final["cycle"] == org.cycle].set_index("employee_id")
    rows = rows.assign(
        final_rating=rows["employee_id"].map(final["final_rating"]),
        rating_source=rows["employee_id"].map(final["rating_source"]),
    )
    size = len(rows)
    forced = not rows["group_too_small"].fillna(False).astype(bool).any()

    distribution = Table(["Band", "Target", "Submitted", "Suggested", "Final"], numeric=(1, 2, 3, 4))
    rated = rows[rows["submitted_rating"].notna()]
    for band in org.target.itertuples() if org.target is not None else []:
        distribution.rows.append(
            [
                text(band.band),
                f"{band.share * len(rated):.1f}",
                count((rated["submitted_rating"] == band.band).sum()),
                count((rows["suggested_rating"] == band.band).sum()),
                count((rows["final_rating"] == band.band).sum()),
            ]
        )

    boundary = Table(
        ["Person", "Manager", "Score (0-100)", "Position", "Submitted", "Suggested", "Where"],
        empty="No one sits at a band edge.",
        numeric=(2, 3),
    )
    for row in _boundary_cases(rows).itertuples():
        boundary.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                org.name(row.manager_id),
                score(row.calibration_score),
                f"{row.score_position:.0f} of {row.group_ranked_count:.0f}",
                text(row.submitted_rating),
                text(row.suggested_rating),
                text(row.edge),
            ]
        )

    outliers = Table(["Person", "Manager", "Submitted", "The data says", "Evidence"], empty="No outlier.")
    for row in org.outliers[org.outliers["calibration_group"] == group].itertuples():
        outliers.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                org.name(row.manager_id),
                text(row.submitted_rating),
                text(row.data_driven_band),
                text(row.evidence),
            ]
        )

    by_manager = plain_frame(data.calibration_by_manager, manager_id=True)
    by_manager = by_manager[(by_manager["cycle"] == org.cycle) & by_manager["manager_id"].isin(rows["manager_id"])]
    furthest = by_manager.reindex(by_manager["inflation_before"].abs().sort_values(ascending=False).index)
    managers = Table(["Manager", "Team", "Rated", "Inflation (submitted)"], empty="No manager.", numeric=(1, 2, 3))
    for row in furthest.head(MANAGERS_SHOWN).itertuples():
        href = links.managers.get(row.manager_id)
        managers.rows.append(
            [
                Cell(org.name(row.manager_id), href=f"{root}{href}" if href else None),
                count(row.team_size),
                count(row.rated_count),
                signed_pct(row.inflation_before),
            ]
        )

    missing = rows[rows["submitted_rating"].notna() & (rows["rating_source"] != "decision")]
    pending = Table(
        ["Person", "Manager", "Submitted", "Suggested", "Decision"],
        empty="Every rated person of the group has a recorded decision.",
    )
    for row in missing.sort_values("employee_id").itertuples():
        pending.rows.append(
            [
                person_cell(org, row.employee_id, links, root),
                org.name(row.manager_id),
                text(row.submitted_rating),
                text(row.suggested_rating),
                "",  # written in at the meeting
            ]
        )
    kpis = [
        kpi("People", count(size, "person"), "in the group"),
        kpi("Rated", count(len(rated), "person")),
        kpi(
            "Forced into the target",
            "yes" if forced else "no",
            "" if forced else "too few people: submitted ratings kept",
            None if forced else "watch",
        ),
        kpi("Decisions missing", count(len(missing), "person"), "", "watch" if len(missing) else "healthy"),
    ]
    return {
        "kind": "hr_calibration_pack",
        "title": f"Calibration meeting pack: {text(group)}, {text(org.cycle)}",
        "root": root,
        "subtitle": "HR",
        "period": org.period_note(),
        "kpis": kpis,
        "figures": {},
        "distribution": distribution,
        "boundary": boundary,
        "outliers": outliers,
        "managers": managers,
        "pending": pending,
    }
