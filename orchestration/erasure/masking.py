"""The one rule for raw rows of an erased person, used by every load and by the erasure itself.

A row the person owns (their HRIS record, their review rows, their accounts, the issues, pull
requests, deals and tickets that are theirs) is dropped; the HRIS record becomes a stub keyed by
the placeholder, so the people who reported to them keep their reporting line. Anywhere else
(inside another person's record, as a reviewer, rater, approver or manager) each identifier is
replaced by the placeholder, in the key columns and inside the JSON ``payload``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from . import listing

HRIS = "bamboohr_employees"
# Fields that hold an employee id (the HRIS's own id and the review exports' person columns): only
# there is an employee id masked, since a short number elsewhere is a pull request or ticket number.
EMPLOYEE_FIELDS = {
    "employee_id",
    "manager_id",
    "rater_id",
    "reviewer_id",
    "decided_by",
    "supervisorEId",
    "employeeNumber",
}
REVIEW_TABLES = (
    "review_manager_ratings",
    "review_competency_ratings",
    "review_completions",
    "review_appeals",
    "review_survey_responses",
    "review_calibration_decisions",
)
# Where the owner of a row is: a column, or a path into the payload.
OWNERS: dict[str, tuple[str, ...]] = {
    HRIS: ("id",),
    **dict.fromkeys(REVIEW_TABLES, ("employee_id",)),
    "jira_users": ("account_id",),
    "jira_issues": ("payload", "fields", "assignee", "accountId"),
    "github_members": ("login",),
    "github_sso_identities": ("login",),
    "github_pull_requests": ("payload", "author", "login"),
    "salesforce_users": ("id",),
    "salesforce_opportunities": ("payload", "OwnerId"),
    "zendesk_agents": ("id",),
    "zendesk_tickets": ("payload", "assignee_id"),
    "zendesk_satisfaction_ratings": ("payload", "assignee_id"),
    "pagerduty_users": ("id",),
}
# What the stub of an erased manager keeps from their HRIS record: the place in the hierarchy.
STUB_FIELDS = ("department", "level", "hireDate", "supervisorEId")


@dataclass
class Counts:
    dropped: int = 0
    masked: int = 0


class Masker:
    """Applies an erasure list to raw rows; every value is compared by its salted hash."""

    def __init__(self, erasures: listing.ErasureList):
        self.erasures = erasures
        self.employees = erasures.employees()
        self.accounts = erasures.accounts()

    def __bool__(self) -> bool:
        return bool(self.employees)

    def value(self, field: str, value: Any, employee_field: bool = False) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            return value
        digest = self.erasures.digest(value)
        if (employee_field or field in EMPLOYEE_FIELDS) and digest in self.employees:
            return self.employees[digest]
        return self.accounts.get(digest, value)

    def _walk(self, node: Any, field: str, hris: bool) -> Any:
        if isinstance(node, dict):
            return {k: self._walk(v, k, hris) for k, v in node.items()}
        if isinstance(node, list):
            return [self._walk(v, field, hris) for v in node]
        return self.value(field, node, employee_field=hris and field == "id")

    def owner(self, table: str, row: dict) -> str | None:
        """The placeholder of the erased person who owns ``row``, if one does."""
        path = OWNERS.get(table)
        if not path:
            return None
        node: Any = row.get(path[0])
        if len(path) > 1:
            node = orjson.loads(node) if node else None
            for step in path[1:]:
                node = node.get(step) if isinstance(node, dict) else None
        if node is None or isinstance(node, (dict, list)):
            return None
        digest = self.erasures.digest(node)
        return self.employees.get(digest) or self.accounts.get(digest)

    def row(self, table: str, row: dict, counts: Counts) -> dict | None:
        placeholder = self.owner(table, row)
        if placeholder is not None and table != HRIS:
            counts.dropped += 1
            return None
        hris = table == HRIS
        masked = {}
        for column, value in row.items():
            if column == "payload" and value:
                record = orjson.loads(value)
                if placeholder is not None:  # the erased person's HRIS record: only the stub stays
                    record = {k: record.get(k) for k in STUB_FIELDS} | {
                        "id": placeholder,
                        "employeeNumber": placeholder,
                        "displayName": placeholder,
                        "status": "Inactive",
                    }
                masked[column] = orjson.dumps(self._walk(record, "", hris)).decode()
            else:
                masked[column] = self.value(column, value, employee_field=hris and column == "id")
        if masked != row:
            counts.masked += 1
        return masked

    def table(self, name: str, table: pa.Table, counts: Counts | None = None) -> pa.Table:
        """``table`` (a page of raw table ``name``) with the erased people's rows dropped or masked."""
        counts = counts if counts is not None else Counts()
        rows = [self.row(name, row, counts) for row in table.to_pylist()]
        return pa.Table.from_pylist([r for r in rows if r is not None], schema=table.schema)


def honour_erasures(source: Any, data_dir: Path) -> Any:
    """The dlt source with the erasure list (``listing.list_path``) applied to every page of every resource before it is
    written: the erased never reach the warehouse again. Unchanged when nobody was erased."""
    masker = Masker(listing.load(listing.list_path(data_dir)))
    if masker:
        for name, resource in source.resources.items():
            resource.add_map(_page_rule(masker, name))
    return source


def honour_erasures_in_quarantine(rows: list[dict], data_dir: Path) -> list[dict]:
    """Quarantined rows (``sources.quarantine``) under the same rule as the table each was bound for:
    an erased person's own records dropped, their identifiers in others' records and keys replaced."""
    masker = Masker(listing.load(listing.list_path(data_dir)))
    if not masker:
        return rows
    kept = []
    for row in rows:
        table, record = row["table_name"], orjson.loads(row["record"])
        if masker.owner(table, record) is not None:
            continue
        key = "|".join(str(masker.value("", part, employee_field=True)) for part in str(row["record_key"]).split("|"))
        record = orjson.dumps(masker._walk(record, "", table == HRIS)).decode()
        kept.append(row | {"record_key": key, "record": record})
    return kept


def _page_rule(masker: Masker, table: str):
    # One argument only: dlt hands a second parameter the item's metadata.
    def apply(page: Any) -> Any:
        return masker.table(table, page) if isinstance(page, pa.Table) else page

    return apply


def raw_tables(names: Iterable[str]) -> list[str]:
    """The raw tables the masking rule reads (dlt's own ``_dlt_*`` tables hold no records)."""
    return [n for n in names if not n.startswith("_dlt")]
