"""Jira Cloud: issues (with story points and sprints) and users."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import (
    JSONResponseCursorPaginator,
    OffsetPaginator,
    SinglePagePaginator,
)
from pydantic import SecretStr

from .http import Connection, HttpPolicy
from .records import MERGED, Window, parse_timestamp, raw_table, utc_now
from .settings import ApiSettings

STORY_POINT_FIELD_NAMES = ("story points", "story point estimate")
SPRINT_FIELD_SCHEMA = "com.pyxis.greenhopper.jira:gh-sprint"
ISSUE_FIELDS = "summary,status,issuetype,assignee,reporter,project,created,updated,resolutiondate"
PAGE_SIZE = 100


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "jira"
    ENV: ClassVar[dict[str, str]] = {
        "base_url": "JIRA_BASE_URL",
        "email": "JIRA_EMAIL",
        "api_token": "JIRA_API_TOKEN",
    }
    base_url: str
    email: str
    api_token: SecretStr

    def auth(self) -> HttpBasicAuth:
        return HttpBasicAuth(self.email, self.api_token.get_secret_value())


def custom_field_ids(fields: list[dict[str, Any]]) -> dict[str, str]:
    """The site-specific ids of the story-point and sprint fields (absent ones left out)."""
    ids: dict[str, str] = {}
    for field in fields:
        if field.get("name", "").lower() in STORY_POINT_FIELD_NAMES:
            ids.setdefault("story_points", field["id"])
        if (field.get("schema") or {}).get("custom") == SPRINT_FIELD_SCHEMA:
            ids.setdefault("sprint", field["id"])
    return ids


def _fields(conn: Connection) -> list[dict[str, Any]]:
    return [
        field
        for page in conn.pages("rest/api/3/field", paginator=SinglePagePaginator(), data_selector="$")
        for field in page
    ]


def _issues(conn: Connection, window: Window) -> Iterator[Any]:
    """Jira issues updated in the window; payload.custom_field_ids names the story-point and
    sprint fields of this site."""
    custom = custom_field_ids(_fields(conn))
    # JQL dates are read in the Jira user's time zone: ask a day wider, keep the exact window.
    since, until = (window.start - timedelta(days=1)).date(), (window.end + timedelta(days=1)).date()
    params = {
        "jql": f'updated >= "{since}" AND updated < "{until}" ORDER BY updated ASC',
        "fields": ",".join([ISSUE_FIELDS, *custom.values()]),
        "maxResults": PAGE_SIZE,
    }
    paginator = JSONResponseCursorPaginator(cursor_path="nextPageToken", cursor_param="nextPageToken")
    loaded_at = utc_now()
    for page in conn.pages("rest/api/3/search/jql", params=params, paginator=paginator, data_selector="issues"):
        in_window = [
            ((issue["id"],), {**issue, "custom_field_ids": custom})
            for issue in page
            if window.contains(parse_timestamp(issue["fields"]["updated"]))
        ]
        yield raw_table(["id"], in_window, window, loaded_at)


def _users(conn: Connection, window: Window) -> Iterator[Any]:
    """Jira user accounts (emailAddress is missing where users hide it)."""
    paginator = OffsetPaginator(limit=PAGE_SIZE, offset_param="startAt", limit_param="maxResults", total_path=None)
    loaded_at = utc_now()
    for page in conn.pages("rest/api/3/users/search", paginator=paginator, data_selector="$"):
        yield raw_table(["account_id"], [((u["accountId"],), u) for u in page], window, loaded_at)


@dlt.source(name="jira", max_table_nesting=0)
def source(settings: Settings | None, window: Window | None, policy: HttpPolicy = HttpPolicy()):
    """Issues updated in the window (story points, sprints, assignee, resolution) and users."""
    conn = settings.connection(policy) if settings else None
    return [
        dlt.resource(_issues, name="jira_issues", primary_key="id", **MERGED)(conn, window),
        dlt.resource(_users, name="jira_users", primary_key="account_id", **MERGED)(conn, window),
    ]
