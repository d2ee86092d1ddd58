"""BambooHR: the employee snapshot (active and inactive) from a custom report."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator
from pydantic import SecretStr, field_validator

from .http import Connection, HttpPolicy
from .records import PAYLOAD_COLUMNS, Window, raw_table, utc_now
from .settings import ApiSettings

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
    }
    base_url: str
    api_key: SecretStr
    custom_fields: dict[str, str] = DEFAULT_CUSTOM_FIELDS

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


def _employees(conn: Connection, custom_fields: dict[str, str]) -> Iterator[Any]:
    """Every employee, active and inactive, with level, pay range and manager (supervisorEId)."""
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
    for page in pages:
        rows = [((e["id"],), {renamed.get(k, k): v for k, v in e.items()}) for e in page]
        yield raw_table(["id"], rows, None, loaded_at)


@dlt.source(name="bamboohr", max_table_nesting=0)
def source(settings: Settings | None, window: Window | None = None, policy: HttpPolicy = HttpPolicy()):
    """The HRIS snapshot: replaced whole on every load."""
    conn = settings.connection(policy) if settings else None
    fields = settings.custom_fields if settings else DEFAULT_CUSTOM_FIELDS
    return [
        dlt.resource(
            _employees,
            name="bamboohr_employees",
            primary_key="id",
            write_disposition="replace",
            columns=PAYLOAD_COLUMNS,
        )(conn, fields)
    ]
