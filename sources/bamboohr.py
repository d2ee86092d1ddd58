"""BambooHR: the employee snapshot (active and inactive) from a custom report."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, ClassVar, Literal

import dlt
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator
from pydantic import SecretStr, field_validator

from .hris_values import REGRETTABLE_WORDS, FlagWords, is_empty, parse_flag, parse_money
from .http import Connection, HttpPolicy, SourceError
from .quarantine import (
    CONFLICTING_DUPLICATE,
    MANAGER_CYCLE,
    Quarantine,
    employment_dates,
    inverted_range,
    manager_cycles,
    negative_amounts,
    split_duplicates,
    unknown_ids,
)
from .records import PAYLOAD_COLUMNS, Window, raw_table, utc_now
from .settings import ApiSettings
from .snapshots import SnapshotGuard

log = logging.getLogger(__name__)
TABLE = "bamboohr_employees"
MONEY_FIELDS = ("payRate", "payRangeMin", "payRangeMidpoint", "payRangeMax")

STANDARD_FIELDS = [
    "id", "employeeNumber", "firstName", "lastName", "displayName", "workEmail", "department",
    "jobTitle", "location", "hireDate", "terminationDate", "status", "supervisorEId", "gender",
    "payRate", "payType",
]  # fmt: skip
# Levels, pay ranges and regrettable exits are company-specific custom fields: the report asks
# for the configured field names and lands them under these stable names.
DEFAULT_CUSTOM_FIELDS = {
    "level": "customLevel",
    "payRangeMin": "customPayRangeMin",
    "payRangeMidpoint": "customPayRangeMidpoint",
    "payRangeMax": "customPayRangeMax",
    "regrettableTermination": "customRegrettableTermination",
}


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "bamboohr"
    HEADERS: ClassVar[tuple[tuple[str, str], ...]] = (("Accept", "application/json"),)
    ENV: ClassVar[dict[str, str]] = {
        "base_url": "BAMBOOHR_BASE_URL",
        "api_key": "BAMBOOHR_API_KEY",
        "custom_fields": "BAMBOOHR_CUSTOM_FIELDS",
        "regrettable_words": "BAMBOOHR_REGRETTABLE_WORDS",
        "max_unreadable_share": "BAMBOOHR_MAX_UNREADABLE_SHARE",
        "on_unreadable": "BAMBOOHR_ON_UNREADABLE",
    }
    base_url: str
    api_key: SecretStr
    custom_fields: dict[str, str] = DEFAULT_CUSTOM_FIELDS
    # Beyond yes/no, true/false and 1/0: how the exit flag says regrettable|not (commas: alternatives).
    regrettable_words: FlagWords = REGRETTABLE_WORDS
    # A mapped field empty or unreadable for more of the people it applies to fails the load (or warns).
    max_unreadable_share: float = 0.05
    on_unreadable: Literal["fail", "warn"] = "fail"

    @field_validator("regrettable_words", mode="before")
    @classmethod
    def _words(cls, value: str | FlagWords) -> FlagWords:
        return FlagWords.parse(value) if isinstance(value, str) else value

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _parse(cls, value: str | dict[str, str]) -> dict[str, str]:
        """``level=customJobLevel,payRangeMidpoint=customMid`` overrides the defaults."""
        if isinstance(value, dict):
            return value
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        unknown = [name for name, _ in pairs if name.strip() not in DEFAULT_CUSTOM_FIELDS]
        if unknown or any(len(pair) != 2 for pair in pairs):
            raise ValueError(f"expected name=field pairs with names from {list(DEFAULT_CUSTOM_FIELDS)}")
        return {**DEFAULT_CUSTOM_FIELDS, **{k.strip(): v.strip() for k, v in pairs}}

    def auth(self) -> HttpBasicAuth:
        return HttpBasicAuth(self.api_key.get_secret_value(), "x")


def _is_leaver(employee: dict[str, Any]) -> bool:
    return not is_empty(employee.get("terminationDate"))


def _money(value: object) -> dict[str, Any] | None:
    money = parse_money(value)
    return None if money is None else {"amount": money[0], "currency": money[1]}


def _readers(settings: Settings) -> dict[str, tuple[Callable[[object], Any], Callable[[dict], bool]]]:
    """Per stable field name: how its value is read, and which employees it applies to."""
    everyone = lambda employee: True  # noqa: E731
    return {
        "payRate": (_money, everyone),
        "level": (lambda value: None if is_empty(value) else str(value).strip(), everyone),
        "payRangeMin": (_money, everyone),
        "payRangeMidpoint": (_money, everyone),
        "payRangeMax": (_money, everyone),
        "regrettableTermination": (lambda value: parse_flag(value, settings.regrettable_words), _is_leaver),
    }


def read_values(employees: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    """Each employee with every mapped value read: money as ``{amount, currency}``, the exit flag as
    true/false, the level as text (``asSent`` keeps the values as BambooHR sent them). A field empty or unreadable for more than
    ``max_unreadable_share`` of the people it applies to fails the load, naming the field, the share
    and three example values, or is only logged when ``on_unreadable`` is warn."""
    company_names = {**settings.custom_fields, "payRate": "payRate"}
    read_rows = [dict(e, asSent={company_names[n]: e.get(n) for n in _readers(settings) if n in e}) for e in employees]
    problems = []
    for name, (read, applies) in _readers(settings).items():
        applicable, unreadable = 0, []
        for row in read_rows:
            raw = row.get(name)
            try:
                row[name] = read(raw)
            except ValueError:
                row[name] = None
            if applies(row):
                applicable += 1
                if row[name] is None:
                    unreadable.append(raw)
        share = len(unreadable) / applicable if applicable else 0.0
        if share > settings.max_unreadable_share:
            examples = ", ".join(repr("" if v is None else v) for v in unreadable[:3])
            problems.append(f"{name} ({company_names[name]}): {share:.0%} of {applicable} employees empty or "
                            f"unreadable, e.g. {examples}")  # fmt: skip
    if problems and settings.on_unreadable == "fail":
        raise SourceError(
            "bamboohr: fields the pipeline reads are missing or in a format it cannot read (set the right field "
            "with BAMBOOHR_CUSTOM_FIELDS, or BAMBOOHR_ON_UNREADABLE=warn to load anyway): " + "; ".join(problems)
        )
    for problem in problems:
        log.warning(f"bamboohr: {problem}; loaded as missing")
    return read_rows


def _date(value: object) -> date | None:
    try:
        return None if is_empty(value) else date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def accepted_employees(employees: list[dict[str, Any]], quarantine: Quarantine) -> list[dict[str, Any]]:
    """The employees that pass every check of an HRIS row; the others go to ``quarantine``."""
    kept, conflicting = split_duplicates(employees, lambda e: str(e["id"]), lambda e: e)
    for employee in conflicting:
        quarantine.add(TABLE, str(employee["id"]), f"{CONFLICTING_DUPLICATE}: id repeated with other values", employee)
    ids = {str(e["id"]) for e in employees}
    cycles = manager_cycles({str(e["id"]): None if is_empty(m := e.get("supervisorEId")) else str(m) for e in kept})
    accepted = []
    for employee in kept:
        key = str(employee["id"])
        reason = (
            negative_amounts(employee, MONEY_FIELDS)
            or inverted_range(employee.get("payRangeMin"), employee.get("payRangeMax"))
            or employment_dates(
                _date(employee.get("hireDate")), _date(employee.get("terminationDate")), quarantine.today
            )
            or (f"{MANAGER_CYCLE}: {' -> '.join(cycles[key])}" if key in cycles else None)
            or unknown_ids(employee, ["supervisorEId"], ids)
        )
        if reason:
            quarantine.add(TABLE, key, reason, employee)
        else:
            accepted.append(employee)
    return accepted


def _employees(
    conn: Connection, settings: Settings, quarantine: Quarantine, guard: SnapshotGuard | None
) -> Iterator[Any]:
    """Every employee, active and inactive, with level, pay range and manager (supervisorEId)."""
    custom_fields = settings.custom_fields
    body = {"title": "perfpipe", "fields": STANDARD_FIELDS + list(custom_fields.values())}
    renamed = {field: name for name, field in custom_fields.items()}
    loaded_at = utc_now()
    pages = conn.pages(
        "v1/reports/custom",
        method="POST",
        params={"format": "JSON", "onlyCurrent": "false"},
        json=body,
        paginator=SinglePagePaginator(),
        data_selector="employees",
    )
    # The whole report is one page: it is read and checked in full before anything is written.
    employees = [{renamed.get(k, k): v for k, v in e.items()} for page in pages for e in page]
    accepted = accepted_employees(read_values(employees, settings), quarantine)
    if guard:
        guard.check(TABLE, f"BambooHR report '{body['title']}' ({TABLE})", len(accepted))
    yield raw_table(["id"], [((e["id"],), e) for e in accepted], None, loaded_at)


@dlt.source(name="bamboohr", max_table_nesting=0)
def source(
    settings: Settings | None,
    window: Window | None = None,
    policy: HttpPolicy = HttpPolicy(),
    quarantine: Quarantine | None = None,
    guard: SnapshotGuard | None = None,
):
    """The HRIS snapshot: replaced whole on every load that passes the snapshot guard; rows failing a
    check go to ``quarantine``."""
    conn = settings.connection(policy) if settings else None
    quarantine = quarantine or Quarantine(Settings.SOURCE, date.today())
    return [
        dlt.resource(
            _employees,
            name=TABLE,
            primary_key="id",
            write_disposition="replace",
            columns=PAYLOAD_COLUMNS,
        )(conn, settings, quarantine, guard)
    ]
