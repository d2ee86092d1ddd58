"""Zendesk: tickets with their metric sets (incremental cursor export), CSAT ratings, agents."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator
from pydantic import SecretStr
from requests import Request, Response

from .http import Connection, HttpPolicy, SourceError
from .records import MERGED, Window, parse_timestamp, raw_table, utc_now
from .settings import ApiSettings

EXPORT_PAGE_SIZE = 1000
PAGE_SIZE = 100


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "zendesk"
    ENV: ClassVar[dict[str, str]] = {
        "base_url": "ZENDESK_BASE_URL",
        "email": "ZENDESK_EMAIL",
        "api_token": "ZENDESK_API_TOKEN",
    }
    base_url: str
    email: str
    api_token: SecretStr

    def auth(self) -> HttpBasicAuth:
        return HttpBasicAuth(f"{self.email}/token", self.api_token.get_secret_value())


class ExportPaginator(JSONResponseCursorPaginator):
    """Follows ``after_cursor`` until ``end_of_stream`` (the last page still carries a cursor).

    Not ``after_url``: Zendesk's carries only the cursor, without the first request's parameters,
    so following it would drop ``include=metric_sets`` from the second page on. The request's own
    parameters are repeated on every page instead; ``start_time`` is for the first request only.
    """

    def __init__(self) -> None:
        super().__init__(cursor_path="after_cursor", cursor_param="cursor")

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        if response.json().get("end_of_stream"):
            self._has_next_page = False

    def update_request(self, request: Request) -> None:
        super().update_request(request)
        request.params.pop("start_time", None)


def check_metric_sets(response: Response) -> None:
    """Every ticket of the page, but deleted ones, has its sideloaded metric set: a page without them
    would load tickets with no reply or resolution times and nobody would notice."""
    body = response.json()
    tickets = [t for t in body.get("tickets") or [] if t.get("status") != "deleted"]
    if not tickets:
        return
    if body.get("metric_sets") is None:
        raise SourceError("the page came back without metric_sets (include=metric_sets not honoured)")
    have = {m.get("ticket_id") for m in body["metric_sets"]}
    lacking = [t["id"] for t in tickets if t["id"] not in have]
    if lacking:
        raise SourceError(f"{len(lacking)} ticket(s) without a metric set, e.g. {', '.join(map(str, lacking[:3]))}")


def _cursor_pages() -> JSONResponseCursorPaginator:
    return JSONResponseCursorPaginator(
        cursor_path="meta.after_cursor", cursor_param="page[after]", has_more_path="meta.has_more"
    )


def _tickets(conn: Connection, window: Window) -> Iterator[Any]:
    """Tickets updated in the window, each with its metric set sideloaded (payload.metric_set)."""
    params = {
        "start_time": int(window.start.timestamp()),
        "include": "metric_sets",
        "per_page": EXPORT_PAGE_SIZE,
    }
    loaded_at = utc_now()
    pages = conn.pages(
        "api/v2/incremental/tickets/cursor.json",
        params=params,
        paginator=ExportPaginator(),
        data_selector="tickets",
        check=check_metric_sets,
    )
    for page in pages:
        metrics = {m["ticket_id"]: m for m in page.response.json().get("metric_sets") or []}
        tickets = [(parse_timestamp(t["updated_at"]), t) for t in page]
        rows = [((t["id"],), {**t, "metric_set": metrics.get(t["id"])}) for at, t in tickets if window.contains(at)]
        yield raw_table(["id"], rows, window, loaded_at)
        # The export runs up to now in updated_at order: stop at the window's end.
        if tickets and tickets[-1][0] >= window.end:
            break


def _satisfaction_ratings(conn: Connection, window: Window) -> Iterator[Any]:
    """Satisfaction ratings created in the window (score good/bad; offered/unoffered are not answers)."""
    params = {
        "start_time": int(window.start.timestamp()),
        "end_time": int(window.end.timestamp()) - 1,
        "page[size]": PAGE_SIZE,
    }
    loaded_at = utc_now()
    pages = conn.pages(
        "api/v2/satisfaction_ratings", params=params, paginator=_cursor_pages(), data_selector="satisfaction_ratings"
    )
    for page in pages:
        yield raw_table(["id"], [((r["id"],), r) for r in page], window, loaded_at)


def _agents(conn: Connection, window: Window) -> Iterator[Any]:
    """Zendesk agents with their emails."""
    params = {"role": "agent", "page[size]": PAGE_SIZE}
    loaded_at = utc_now()
    for page in conn.pages("api/v2/users", params=params, paginator=_cursor_pages(), data_selector="users"):
        yield raw_table(["id"], [((u["id"],), u) for u in page], window, loaded_at)


@dlt.source(name="zendesk", max_table_nesting=0)
def source(settings: Settings | None, window: Window | None, policy: HttpPolicy = HttpPolicy()):
    """Support tickets with first-reply and resolution metrics, satisfaction ratings and agents."""
    conn = settings.connection(policy) if settings else None
    return [
        dlt.resource(_tickets, name="zendesk_tickets", primary_key="id", **MERGED)(conn, window),
        dlt.resource(_satisfaction_ratings, name="zendesk_satisfaction_ratings", primary_key="id", **MERGED)(
            conn, window
        ),
        dlt.resource(_agents, name="zendesk_agents", primary_key="id", **MERGED)(conn, window),
    ]
