"""Jira Cloud: issues (with story points and sprints) and users."""

from __future__ import annotations

import logging
from collections import Counter
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

from .http import Connection, HttpPolicy, SourceError
from .records import MERGED, Window, parse_timestamp, raw_table, utc_now
from .settings import ApiSettings

# Company-managed projects use "Story Points", team-managed ones "Story point estimate"; a site
# may have both, and either may be the one its issues fill.
STORY_POINT_FIELD_NAMES = ("story points", "story point estimate")
STORY_POINT_FIELD_SCHEMA = "com.pyxis.greenhopper.jira:jsw-story-points"
SPRINT_FIELD_SCHEMA = "com.pyxis.greenhopper.jira:gh-sprint"
log = logging.getLogger(__name__)
ISSUE_FIELDS = "summary,status,issuetype,assignee,reporter,project,created,updated,resolutiondate"
PAGE_SIZE = 100


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "jira"
    ENV: ClassVar[dict[str, str]] = {
        "base_url": "JIRA_BASE_URL",
        "email": "JIRA_EMAIL",
        "api_token": "JIRA_API_TOKEN",
        "story_points_field": "JIRA_STORY_POINTS_FIELD",
    }
    base_url: str
    email: str
    api_token: SecretStr
    story_points_field: str | None = None  # a field id or name; default: every story-point field

    def auth(self) -> HttpBasicAuth:
        return HttpBasicAuth(self.email, self.api_token.get_secret_value())


def _is_story_points(field: dict[str, Any]) -> bool:
    schema = (field.get("schema") or {}).get("custom")
    return (field.get("name") or "").strip().lower() in STORY_POINT_FIELD_NAMES or schema == STORY_POINT_FIELD_SCHEMA


def custom_field_ids(fields: list[dict[str, Any]], story_points_field: str | None = None) -> dict[str, Any]:
    """The site-specific field ids: ``story_points``, every candidate story-point field in the order
    /field lists them (staging picks, per project, the one its issues fill), or only the configured
    one; ``sprint``, the sprint field (left out when absent)."""
    candidates = [f for f in fields if _is_story_points(f)]
    if story_points_field:
        wanted = story_points_field.strip().lower()
        candidates = [f for f in fields if wanted in (f["id"].lower(), (f.get("name") or "").strip().lower())][:1]
        if not candidates:
            listed = ", ".join(f"{f['id']} ({f.get('name')})" for f in fields if _is_story_points(f)) or "none"
            raise SourceError(
                f"jira: JIRA_STORY_POINTS_FIELD {story_points_field!r} is not a field of this site "
                f"(its story-point fields: {listed})"
            )
    ids: dict[str, Any] = {"story_points": [f["id"] for f in candidates]}
    sprint = [f["id"] for f in fields if (f.get("schema") or {}).get("custom") == SPRINT_FIELD_SCHEMA]
    if sprint:
        ids["sprint"] = sprint[0]
    return ids


def log_story_point_fill(window: Window, totals: Counter, filled: Counter, names: dict[str, str]) -> None:
    """Which story-point field each project's issues fill, and how full it is, for this window."""
    if not names:
        log.warning("jira: the site has no story-point field; story points will be missing")
    for project, total in sorted(totals.items()):
        shares = ", ".join(
            f"{field} ({names[field]}) {filled[project, field] / total:.0%}"
            for field in sorted(names, key=lambda f: -filled[project, f])
        )
        log.info(f"jira: {project}, {total} issues updated {window.start:%Y-%m}: story points filled: {shares}")


def _fields(conn: Connection) -> list[dict[str, Any]]:
    return [
        field
        for page in conn.pages("rest/api/3/field", paginator=SinglePagePaginator(), data_selector="$")
        for field in page
    ]


def _issues(conn: Connection, window: Window, story_points_field: str | None) -> Iterator[Any]:
    """Jira issues updated in the window; payload.custom_field_ids names the story-point and
    sprint fields of this site."""
    fields = _fields(conn)
    custom = custom_field_ids(fields, story_points_field)
    names = {f["id"]: f.get("name") for f in fields if f["id"] in custom["story_points"]}
    totals, filled = Counter(), Counter()
    # JQL dates are read in the Jira user's time zone: ask a day wider, keep the exact window.
    since, until = (window.start - timedelta(days=1)).date(), (window.end + timedelta(days=1)).date()
    params = {
        "jql": f'updated >= "{since}" AND updated < "{until}" ORDER BY updated ASC',
        "fields": ",".join(
            [ISSUE_FIELDS, *custom["story_points"], *([custom["sprint"]] if "sprint" in custom else [])]
        ),
        "maxResults": PAGE_SIZE,
    }
    paginator = JSONResponseCursorPaginator(cursor_path="nextPageToken", cursor_param="nextPageToken")
    loaded_at = utc_now()
    for page in conn.pages("rest/api/3/search/jql", params=params, paginator=paginator, data_selector="issues"):
        in_window = [issue for issue in page if window.contains(parse_timestamp(issue["fields"]["updated"]))]
        for issue in in_window:
            project = ((issue["fields"].get("project") or {}).get("key")) or "(no project)"
            totals[project] += 1
            filled.update((project, f) for f in names if issue["fields"].get(f) is not None)
        yield raw_table(["id"], [((i["id"],), {**i, "custom_field_ids": custom}) for i in in_window], window, loaded_at)
    log_story_point_fill(window, totals, filled, names)


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
        dlt.resource(_issues, name="jira_issues", primary_key="id", **MERGED)(
            conn, window, settings.story_points_field if settings else None
        ),
        dlt.resource(_users, name="jira_users", primary_key="account_id", **MERGED)(conn, window),
    ]
