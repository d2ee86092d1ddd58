"""SonarQube: the history of each project's ratings and coverage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import PageNumberPaginator
from pydantic import SecretStr, field_validator
from requests import Response

from .http import Connection, HttpPolicy
from .records import MERGED, Window, raw_table, utc_now
from .settings import ApiSettings, split_list

METRICS = "reliability_rating,security_rating,sqale_rating,coverage"
PAGE_SIZE = 1000


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "sonarqube"
    ENV: ClassVar[dict[str, str]] = {
        "base_url": "SONARQUBE_URL",
        "token": "SONARQUBE_TOKEN",
        "projects": "SONARQUBE_PROJECTS",
    }
    base_url: str
    token: SecretStr
    projects: list[str]

    @field_validator("projects", mode="before")
    @classmethod
    def _split(cls, value: str | list[str]) -> list[str]:
        return split_list(value)

    def auth(self) -> BearerTokenAuth:
        return BearerTokenAuth(self.token.get_secret_value())


class HistoryPaginator(PageNumberPaginator):
    """``paging.total`` counts points per metric, so pages run out at pageIndex * pageSize."""

    def __init__(self) -> None:
        super().__init__(base_page=1, page_param="p", total_path=None, stop_after_empty_page=True)

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        paging = response.json()["paging"]
        super().update_state(response, data)
        if paging["pageIndex"] * paging["pageSize"] >= paging["total"]:
            self._has_next_page = False


def _measures(conn: Connection, projects: list[str], window: Window) -> Iterator[Any]:
    """One row per project, metric and analysis date in the window; values are strings."""
    loaded_at = utc_now()
    last_second = window.end - timedelta(seconds=1)
    for project in projects:
        params = {
            "component": project,
            "metrics": METRICS,
            "from": window.start.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "to": last_second.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "ps": PAGE_SIZE,
        }
        pages = conn.pages(
            "api/measures/search_history", params=params, paginator=HistoryPaginator(), data_selector="measures"
        )
        for page in pages:
            rows = [
                (
                    (project, measure["metric"], point["date"]),
                    {"component": project, "metric": measure["metric"], **point},
                )
                for measure in page
                for point in measure["history"]
            ]
            yield raw_table(["component", "metric", "date"], rows, window, loaded_at)


@dlt.source(name="sonarqube", max_table_nesting=0)
def source(settings: Settings | None, window: Window | None, policy: HttpPolicy = HttpPolicy()):
    """Reliability, security and maintainability ratings and coverage over time, per project."""
    conn = settings.connection(policy) if settings else None
    projects = settings.projects if settings else []
    return [
        dlt.resource(
            _measures,
            name="sonarqube_measures",
            primary_key=["component", "metric", "date"],
            **MERGED,
        )(conn, projects, window)
    ]
