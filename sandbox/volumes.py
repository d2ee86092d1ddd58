"""Volume switches: one month of one system's activity made abnormal, the loads the pipeline's
anomaly checks must flag (a month whose revenue is ten times the others, tickets down to a tenth).

Each returns a copy of the company; serve the copy (``SandboxServer(scaled, ...)``) in place of the
original. Months are 'YYYY-MM' in UTC, the month a record's update falls in (what a monthly load
selects by).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .company import Company

# Activity table -> the column (epoch seconds) a vendor API selects its records by (tables no other
# table refers to by position, so their rows can be dropped).
UPDATED = {
    "opportunities": "modified",
    "tickets": "updated",
    "incidents": "created",
    "jira_issues": "updated",
}


def _in_month(table: pd.DataFrame, column: str, month: str) -> np.ndarray:
    start = pd.Timestamp(f"{month}-01", tz="UTC")
    bounds = [int(start.timestamp()), int((start + pd.offsets.MonthBegin(1)).timestamp())]
    seconds = table[column].to_numpy()
    return (seconds >= bounds[0]) & (seconds < bounds[1])


def _with_tables(company: Company, **tables: pd.DataFrame) -> Company:
    return dataclasses.replace(company, tables={**company.tables, **tables})


def scale_revenue(company: Company, month: str, factor: float) -> Company:
    """The company with the amounts of the Salesforce opportunities updated in ``month`` times ``factor``."""
    opportunities = company.tables["opportunities"].copy()
    rows = _in_month(opportunities, UPDATED["opportunities"], month)
    opportunities.loc[rows, "amount"] = (opportunities.loc[rows, "amount"] * factor).round(2)
    return _with_tables(company, opportunities=opportunities)


def thin_month(company: Company, table: str, month: str, keep: float) -> Company:
    """The company with only the first ``keep`` share (0-1) of ``table``'s records updated in ``month``
    (one of ``UPDATED``); the satisfaction ratings of dropped tickets go with them."""
    if table not in UPDATED:
        raise ValueError(f"unknown activity table {table!r}; expected one of {sorted(UPDATED)}")
    if not 0 <= keep <= 1:
        raise ValueError(f"keep must be a share within 0-1, got {keep}")
    frame = company.tables[table]
    rows = np.flatnonzero(_in_month(frame, UPDATED[table], month))
    dropped = rows[int(round(keep * rows.size)) :]
    kept = frame.drop(index=frame.index[dropped]).reset_index(drop=True)
    changed = {table: kept}
    if table == "tickets":
        ratings = company.tables["satisfaction_ratings"]
        changed["satisfaction_ratings"] = ratings[ratings["ticket"].isin(kept["id"])].reset_index(drop=True)
    return _with_tables(company, **changed)
