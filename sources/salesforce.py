"""Salesforce: opportunities (SOQL, ``nextRecordsUrl`` batches) and their owners."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONLinkPaginator
from pydantic import SecretStr

from .http import Connection, HttpPolicy
from .quarantine import Quarantine, negative_amounts
from .records import MERGED, Window, raw_table, utc_now
from .settings import ApiSettings

OPPORTUNITY_FIELDS = (
    "Id, Name, AccountId, Amount, StageName, IsWon, IsClosed, CloseDate, OwnerId, CreatedDate, LastModifiedDate, Type"
)


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "salesforce"
    URL_FIELD: ClassVar[str] = "instance_url"
    ENV: ClassVar[dict[str, str]] = {
        "instance_url": "SALESFORCE_INSTANCE_URL",
        "access_token": "SALESFORCE_ACCESS_TOKEN",
        "api_version": "SALESFORCE_API_VERSION",
    }
    instance_url: str
    access_token: SecretStr
    api_version: str = "v62.0"

    def auth(self) -> BearerTokenAuth:
        return BearerTokenAuth(self.access_token.get_secret_value())


def soql_datetime(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _query(conn: Connection, api_version: str, soql: str) -> Iterator[list[dict[str, Any]]]:
    yield from conn.pages(
        f"services/data/{api_version}/query",
        params={"q": soql},
        paginator=JSONLinkPaginator(next_url_path="nextRecordsUrl"),
        data_selector="records",
    )


def _opportunities(conn: Connection, api_version: str, window: Window, quarantine: Quarantine) -> Iterator[Any]:
    """Opportunities modified in the window (Amount may be null; Type "Renewal" for renewals); one with
    a negative Amount goes to ``quarantine``."""
    soql = (
        f"SELECT {OPPORTUNITY_FIELDS} FROM Opportunity "
        f"WHERE LastModifiedDate >= {soql_datetime(window.start)} "
        f"AND LastModifiedDate < {soql_datetime(window.end)} ORDER BY LastModifiedDate"
    )
    loaded_at = utc_now()
    for page in _query(conn, api_version, soql):
        accepted = []
        for record in page:
            if reason := negative_amounts(record, ["Amount"]):
                quarantine.add("salesforce_opportunities", record["Id"], reason, record)
            else:
                accepted.append(record)
        yield raw_table(["id"], [((r["Id"],), r) for r in accepted], window, loaded_at)


def _users(conn: Connection, api_version: str, window: Window) -> Iterator[Any]:
    """Salesforce users: the owners of opportunities, with their emails."""
    loaded_at = utc_now()
    for page in _query(conn, api_version, "SELECT Id, Name, Email FROM User"):
        yield raw_table(["id"], [((r["Id"],), r) for r in page], window, loaded_at)


@dlt.source(name="salesforce", max_table_nesting=0)
def source(
    settings: Settings | None,
    window: Window | None,
    policy: HttpPolicy = HttpPolicy(),
    quarantine: Quarantine | None = None,
):
    """Opportunities modified in the window and the users who own them."""
    conn = settings.connection(policy) if settings else None
    quarantine = quarantine or Quarantine(Settings.SOURCE, date.today())
    version = settings.api_version if settings else ""
    return [
        dlt.resource(_opportunities, name="salesforce_opportunities", primary_key="id", **MERGED)(
            conn, version, window, quarantine
        ),
        dlt.resource(_users, name="salesforce_users", primary_key="id", **MERGED)(conn, version, window),
    ]
