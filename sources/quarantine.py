"""Rows that fail validation: the rule set (pure checks) and the collector a load fills.

A quarantined row is kept out of its raw table and written to ``raw.quarantine`` with the source,
the table, its key, the reason and the record as the source sent it; every load reports landed =
accepted + quarantined per table. A reason starts with its kind (``unknown employee: ...``), so
reasons can be counted by kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import orjson

from .hris_values import is_empty
from .records import utc_now

T = TypeVar("T")

UNKNOWN_EMPLOYEE = "unknown employee"
NEGATIVE_AMOUNT = "negative amount"
IMPOSSIBLE_DATES = "impossible dates"
CYCLE_NOT_STARTED = "review cycle not started"
CONFLICTING_DUPLICATE = "duplicate with conflicting values"
OUT_OF_SCALE = "rating outside the scale"
MANAGER_CYCLE = "manager cycle"
PAY_RANGE_INVERTED = "pay range min above max"
INVALID_VALUE = "invalid value"
UNKNOWN_COMPETENCY = "unknown competency"


@dataclass
class Quarantine:
    """What one load of ``source`` quarantined, with what the checks need to know: the run's today and
    the employee ids of the HRIS snapshot (None: ids are not checked)."""

    source: str
    today: date
    employees: frozenset[str] | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, table: str, key: str, reason: str, record: Mapping[str, Any]) -> None:
        self.rows.append(
            {
                "source": self.source,
                "table_name": table,
                "record_key": key,
                "reason": reason,
                "record": orjson.dumps(record, default=str, option=orjson.OPT_NON_STR_KEYS).decode(),
                "loaded_at": utc_now(),
            }
        )

    def unknown_ids(self, record: Mapping[str, Any], columns: Iterable[str]) -> str | None:
        return None if self.employees is None else unknown_ids(record, columns, self.employees)


def unknown_ids(record: Mapping[str, Any], columns: Iterable[str], known: Collection[str]) -> str | None:
    """The reason a record names a person the HRIS snapshot does not hold, if it does."""
    unknown = [f"{c} {record[c]}" for c in columns if not is_empty(record.get(c)) and str(record[c]) not in known]
    return f"{UNKNOWN_EMPLOYEE}: {', '.join(unknown)} not in the HRIS snapshot" if unknown else None


def split_duplicates(
    items: list[T], key: Callable[[T], Hashable], value: Callable[[T], Any]
) -> tuple[list[T], list[T]]:
    """(kept, conflicting): exact duplicates (same key, same value) collapse to their first item;
    every item of a key whose values disagree is conflicting, since none of them can be told right."""
    groups: dict[Hashable, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    kept: list[T] = []
    conflicting: list[T] = []
    for group in groups.values():
        distinct = {orjson.dumps(value(i), default=str, option=orjson.OPT_SORT_KEYS) for i in group}
        if len(distinct) == 1:
            kept.append(group[0])
        else:
            conflicting.extend(group)
    return kept, conflicting


def negative_amounts(record: Mapping[str, Any], fields: Iterable[str]) -> str | None:
    """Amounts (numbers, or money as ``{amount, currency}``) below zero."""
    negative = []
    for name in fields:
        value = record.get(name)
        amount = value.get("amount") if isinstance(value, Mapping) else value
        if isinstance(amount, int | float) and amount < 0:
            negative.append(f"{name} {amount:g}")
    return f"{NEGATIVE_AMOUNT}: {', '.join(negative)}" if negative else None


def inverted_range(low: Any, high: Any) -> str | None:
    lo, hi = (v.get("amount") if isinstance(v, Mapping) else v for v in (low, high))
    if isinstance(lo, int | float) and isinstance(hi, int | float) and lo > hi:
        return f"{PAY_RANGE_INVERTED}: min {lo:g} > max {hi:g}"
    return None


def employment_dates(hired: date | None, left: date | None, today: date) -> str | None:
    """A hire after today (the run's as-of) or an exit before the hire."""
    if hired and hired > today:
        return f"{IMPOSSIBLE_DATES}: hire date {hired} is after today ({today})"
    if hired and left and left < hired:
        return f"{IMPOSSIBLE_DATES}: termination date {left} is before the hire date {hired}"
    return None


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def cycle_not_started(cycle: str, today: date) -> str | None:
    """A review cycle (``YYYY-Qn``, the quarter it reviews) later than today's quarter."""
    return f"{CYCLE_NOT_STARTED}: {cycle} is after today's quarter {quarter(today)}" if cycle > quarter(today) else None


def manager_cycles(managers: Mapping[str, str | None]) -> dict[str, list[str]]:
    """Per employee on a reporting cycle (A manages B manages A), the cycle as a chain of ids."""
    on_cycle: dict[str, list[str]] = {}
    for start in managers:
        chain, current = [start], managers.get(start)
        while current is not None and current in managers and current not in chain:
            chain.append(current)
            current = managers.get(current)
        if current == start:
            on_cycle[start] = [*chain, start]
    return on_cycle
