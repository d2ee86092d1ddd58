"""PagerDuty: incidents (offset paging, at most six months per query) and users."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import APIKeyAuth
from dlt.sources.helpers.rest_client.paginators import OffsetPaginator
from pydantic import SecretStr

from .http import Connection, HttpPolicy
from .records import MERGED, Window, raw_table, utc_now
from .settings import ApiSettings

PAGE_SIZE = 100


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "pagerduty"
    ENV: ClassVar[dict[str, str]] = {"api_url": "PAGERDUTY_API_URL", "api_token": "PAGERDUTY_API_TOKEN"}
    URL_FIELD: ClassVar[str] = "api_url"
    HEADERS: ClassVar[tuple[tuple[str, str], ...]] = (("Accept", "application/vnd.pagerduty+json;version=2"),)
    api_url: str = "https://api.pagerduty.com"
    api_token: SecretStr

    def auth(self) -> APIKeyAuth:
        return APIKeyAuth(name="Authorization", api_key=f"Token token={self.api_token.get_secret_value()}")


def _offset_pages() -> OffsetPaginator:
    return OffsetPaginator(limit=PAGE_SIZE, total_path=None, has_more_path="more")


def _incidents(conn: Connection, window: Window) -> Iterator[Any]:
    """Incidents created in the window; resolved ones name their responder in acknowledgements."""
    loaded_at = utc_now()
    for month in window.months():  # a query may span at most six months
        params = {"since": month.start.isoformat(), "until": month.end.isoformat(), "time_zone": "UTC"}
        for page in conn.pages("incidents", params=params, paginator=_offset_pages(), data_selector="incidents"):
            yield raw_table(["id"], [((i["id"],), i) for i in page], window, loaded_at)


def _users(conn: Connection, window: Window) -> Iterator[Any]:
    """PagerDuty users with their emails."""
    loaded_at = utc_now()
    for page in conn.pages("users", paginator=_offset_pages(), data_selector="users"):
        yield raw_table(["id"], [((u["id"],), u) for u in page], window, loaded_at)


@dlt.source(name="pagerduty", max_table_nesting=0)
def source(settings: Settings | None, window: Window | None, policy: HttpPolicy = HttpPolicy()):
    """Production incidents with their responders, and the users who respond."""
    conn = settings.connection(policy) if settings else None
    return [
        dlt.resource(_incidents, name="pagerduty_incidents", primary_key="id", **MERGED)(conn, window),
        dlt.resource(_users, name="pagerduty_users", primary_key="id", **MERGED)(conn, window),
    ]
