"""What the sandbox holds for a window, read from the simulated company itself.

Some APIs page past a window's edge (newest-first pull requests, the ticket export that runs
to now, Jira queried a day wider for time zones): connectors keep only the records inside
the window, so for those tables the expected keys come from the company's own data.
"""

import csv
from pathlib import Path

from sources.records import Window
from sources.reviews import EXPORTS

WINDOWED = ("jira_issues", "github_pull_requests", "zendesk_tickets")


def in_window_keys(company, table: str, window: Window) -> set[str]:
    start, end = window.start.timestamp(), window.end.timestamp()
    if table == "jira_issues":
        rows = company.tables["jira_issues"]
        rows = rows[(rows["updated"] >= start) & (rows["updated"] < end)]
        return {str(i) for i in rows["id"]}
    if table == "github_pull_requests":
        rows = company.tables["pull_requests"]
        rows = rows[(rows["updated"] >= start) & (rows["updated"] < end)]
        return {f"{company.github_repos[r]}#{n}" for r, n in zip(rows["repo"], rows["number"])}
    if table == "zendesk_tickets":
        rows = company.tables["tickets"]
        rows = rows[(rows["updated"] >= start) & (rows["updated"] < end)]
        return {str(i) for i in rows["id"]}
    raise KeyError(table)


def expected_keys(company, server, table: str, windows: list[Window]) -> set[str]:
    """Keys a correct load of these windows holds: what was served, cut to the windows."""
    served = {"|".join(map(str, k)) if isinstance(k, tuple) else str(k) for k in server.served_keys(table)}
    if table not in WINDOWED:
        return served
    inside = set().union(*(in_window_keys(company, table, w) for w in windows))
    assert inside <= served, f"{table}: in-window records were never served"
    return inside


def export_rows(server, table: str) -> int:
    """Data rows in the review export file behind a review table."""
    with (Path(server.reviews_dir) / EXPORTS[table].FILE).open(newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))
