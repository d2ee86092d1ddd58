"""The index page: the directory of people and managers and the links to every other page."""

from __future__ import annotations

from .cells import Cell, Links, Table, person_cell
from .formatting import count, text
from .org import Org


def index(org: Org, links: Links, hr_pages: list[tuple[str, str]], built_at: str) -> dict:
    people = org.people.sort_values(["department", "full_name", "employee_id"])
    directory = Table(["Person", "Job title", "Department"], empty="No active employees.")
    for eid, row in people.iterrows():
        directory.rows.append([person_cell(org, eid, links, ""), text(row["job_title"]), text(row["department"])])
    managers = Table(["Manager", "Job title", "Department", "Reporting line"], numeric=(3,), empty="No managers.")
    for eid in people.index:
        href = links.managers.get(eid)
        if href:
            row = people.loc[eid]
            managers.rows.append(
                [
                    Cell(org.name(eid), href=href),
                    text(row["job_title"]),
                    text(row["department"]),
                    count(len(org.line_members.get(eid, [])), "person"),
                ]
            )
    return {
        "kind": "index",
        "title": "Performance dashboards",
        "root": "",
        "subtitle": f"Built {built_at}",
        "period": org.period_note(),
        "kpis": [],
        "figures": {},
        "hr_pages": hr_pages,
        "managers": managers,
        "people": directory,
    }
