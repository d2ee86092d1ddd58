"""Bad input a real company sends sooner or later, made on purpose: review exports in another encoding
or with no rows, HRIS snapshots that shrank or hold impossible rows, employment dates that disagree with
the activity systems, negative opportunity amounts.

Each helper that plants bad rows returns how many rows of each quarantine reason it planted, so a
test can compare what it tried with what the load quarantined.
"""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from .company import Company


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]], encoding: str = "utf-8") -> None:
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def reencode(path: Path, encoding: str, row: int = 3, column: str = "comment", text: str = "Très clair") -> None:
    """Rewrite an export in ``encoding`` with ``text`` (not ASCII) in ``column`` of data row ``row``."""
    header, rows = _rows(path)
    rows[row - 1][column] = text
    _write(path, header, rows, encoding)


def header_only(path: Path) -> None:
    """The export as the tool writes it when a filter matched nothing: the header and no rows."""
    header, _ = _rows(path)
    _write(path, header, [])


def plant_bad_review_rows(directory: Path, known_ids: set[str]) -> Counter:
    """Append bad rows to manager_ratings.csv and competency_ratings.csv; the kinds planted, by reason."""
    planted: Counter = Counter()
    path = directory / "manager_ratings.csv"
    header, rows = _rows(path)
    first = rows[0]
    bad = [
        ({**first, "employee_id": "9999001"}, "unknown employee"),
        (
            {**first, "manager_id": "9999002", "employee_id": rows[1]["employee_id"], "cycle": "2019-Q1"},
            "unknown employee",
        ),
        ({**first, "cycle": "2031-Q4"}, "review cycle not started"),
        ({**rows[2], "rating": "Great", "cycle": "2020-Q1"}, "rating outside the scale"),
        ({**rows[3], "submitted_at": "2026-10-01T10:00:00", "cycle": "2020-Q2"}, "invalid value"),
    ]
    # The same key with another rating: neither row can be told right, both are quarantined.
    other = next(r for r in ("Strong", "Meets") if r != rows[4]["rating"])
    bad += [
        (rows[4], "duplicate with conflicting values"),
        ({**rows[4], "rating": other}, "duplicate with conflicting values"),
    ]
    rows = [r for r in rows if r is not rows[4]]
    planted.update(kind for _, kind in bad)
    _write(path, header, [*rows, *(r for r, _ in bad), rows[5]])  # rows[5] again: an exact duplicate collapses

    path = directory / "competency_ratings.csv"
    header, rows = _rows(path)
    _write(path, header, [*rows, {**rows[0], "level": "6", "cycle": "2020-Q3"}, {**rows[1], "rater_id": "9999003"}])
    planted.update(["rating outside the scale", "unknown employee"])
    assert not {"9999001", "9999002", "9999003"} & known_ids
    return planted


def _leaves(people: pd.DataFrame) -> list[int]:
    """Positions of active people who manage nobody: changing them breaks no one else's reporting line."""
    managers = set(people["manager_id"].dropna())
    return [
        i
        for i, (eid, status) in enumerate(zip(people["employee_id"], people["status"]))
        if eid not in managers and status == "Active"
    ]


def with_bad_hris_rows(company: Company) -> tuple[Company, Counter]:
    """The company with impossible HRIS rows (on people who manage nobody) and the reasons planted."""
    people = company.people.copy()
    spots = iter(_leaves(people))
    column = people.columns.get_loc
    planted: Counter = Counter()

    def edit(values: dict, kind: str, count: int = 1) -> int:
        i = next(spots)
        for name, value in values.items():
            people.iat[i, column(name)] = value(people.iloc[i]) if callable(value) else value
        planted[kind] += count
        return i

    edit({"salary": -52000.0}, "negative amount")
    edit({"pay_range_min": lambda p: p.pay_range_max + 1000}, "pay range min above max")
    edit(
        {"termination_date": lambda p: p.hire_date - timedelta(days=30), "status": "Inactive", "regrettable": False},
        "impossible dates",
    )
    edit({"hire_date": company.as_of + timedelta(days=400)}, "impossible dates")
    a, b = next(spots), next(spots)  # a manages b manages a
    people.iat[a, column("manager_id")], people.iat[b, column("manager_id")] = (
        people.iat[b, column("employee_id")],
        people.iat[a, column("employee_id")],
    )
    planted["manager cycle"] += 2
    twin = next(spots)
    duplicate = people.iloc[[twin]].assign(salary=people.iat[twin, column("salary")] + 1)
    people = pd.concat([people, duplicate, people.iloc[[next(spots)]]], ignore_index=True)  # the last: exact twin
    planted["duplicate with conflicting values"] += 2
    return dataclasses.replace(company, hris_rows=people), planted


def with_employment_moved(company: Company, hired: date, left: date) -> tuple[Company, dict[str, dict]]:
    """The company as an HRIS would show it with the hire date of an engineer typed late (``hired``) and the
    exit of a support agent recorded early (``left``), both active people who manage nobody: their activity
    before that hire or after that exit is not theirs to count. Returns the company and, per person moved,
    the HRIS fields changed."""
    people = company.people.copy()
    leaves = _leaves(people)
    moved = {}
    for department, change in (
        ("Engineering", {"hire_date": hired}),
        ("Support", {"termination_date": left, "status": "Inactive", "regrettable": False}),
    ):
        i = next(i for i in leaves if people.iat[i, people.columns.get_loc("department")] == department)
        for name, value in change.items():
            people.iat[i, people.columns.get_loc(name)] = value
        moved[people.iat[i, people.columns.get_loc("employee_id")]] = change
    return dataclasses.replace(company, hris_rows=people), moved


def shrunk(company: Company, keep: float) -> Company:
    """The company as an HRIS report would show it if it lost all but a ``keep`` share of its people
    (a filter set by mistake)."""
    return dataclasses.replace(company, hris_rows=company.people.iloc[: round(len(company.people) * keep)].copy())


def with_negative_amounts(company: Company, count: int) -> tuple[Company, list[str]]:
    """The company with ``count`` opportunities of each month given a negative amount; their ids."""
    opportunities = company.tables["opportunities"].copy()
    months = pd.to_datetime(opportunities["modified"], unit="s").dt.to_period("M")
    chosen = opportunities.groupby(months).head(count).index
    opportunities.loc[chosen, "amount"] = -opportunities.loc[chosen, "amount"].abs() - 1
    changed = dataclasses.replace(company, tables={**company.tables, "opportunities": opportunities})
    return changed, list(opportunities.loc[chosen, "sf_id"])
