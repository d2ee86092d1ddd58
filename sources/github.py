"""GitHub: pull requests with their reviews (GraphQL, 100 per request) and org members."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, ClassVar

import dlt
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator, SinglePagePaginator
from pydantic import SecretStr, field_validator
from requests import Response

from .http import Connection, HttpPolicy, SourceError
from .records import MERGED, Window, parse_timestamp, raw_table, utc_now
from .settings import ApiSettings, split_list

log = logging.getLogger(__name__)

PULL_REQUESTS = """
query($owner: String!, $name: String!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
      pageInfo { hasNextPage endCursor }
      nodes {
        number title createdAt updatedAt mergedAt closedAt state author { login }
        reviews(first: 100) { nodes { author { login } state submittedAt } }
        commits(first: 100) { nodes { commit { author { email name user { login } } } } }
      }
    }
  }
}"""

MEMBERS = """
query($login: String!, $first: Int!, $after: String) {
  organization(login: $login) {
    membersWithRole(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { login name email }
    }
  }
}"""

# Where SAML SSO is on, the org's identities tie each login to the IdP's (work) email. Null when
# the org has no SAML; reading it needs an org owner's token.
SSO_IDENTITIES = """
query($login: String!, $first: Int!, $after: String) {
  organization(login: $login) {
    samlIdentityProvider {
      externalIdentities(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { samlIdentity { nameId username } scimIdentity { username } user { login } }
      }
    }
  }
}"""

PAGE_SIZE = 100


class Settings(ApiSettings):
    SOURCE: ClassVar[str] = "github"
    URL_FIELD: ClassVar[str] = "api_url"
    HEADERS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("Accept", "application/vnd.github+json"),
        ("X-GitHub-Api-Version", "2022-11-28"),
    )
    ENV: ClassVar[dict[str, str]] = {
        "api_url": "GITHUB_API_URL",
        "token": "GITHUB_TOKEN",
        "repos": "GITHUB_REPOS",
    }
    api_url: str = "https://api.github.com"
    token: SecretStr
    repos: list[str]

    @field_validator("repos", mode="before")
    @classmethod
    def _owner_and_name(cls, value: str | list[str]) -> list[str]:
        repos = split_list(value)
        bad = [repo for repo in repos if repo.count("/") != 1]
        if bad or not repos:
            raise ValueError(f"repositories must be owner/name, got {bad or 'none'}")
        return repos

    @property
    def orgs(self) -> list[str]:
        return sorted({repo.split("/")[0] for repo in self.repos})

    def auth(self) -> BearerTokenAuth:
        return BearerTokenAuth(self.token.get_secret_value())


def _graphql_errors(response: Response) -> None:
    errors = response.json().get("errors")
    if errors:
        raise SourceError("; ".join(f"{e.get('type', 'ERROR')}: {e.get('message')}" for e in errors))


def _graphql_pages(conn: Connection, query: str, variables: dict[str, Any], path: str) -> Iterator[Any]:
    paginator = JSONResponseCursorPaginator(
        cursor_path=f"data.{path}.pageInfo.endCursor",
        cursor_body_path="variables.after",
        has_more_path=f"data.{path}.pageInfo.hasNextPage",
    )
    yield from conn.pages(
        "graphql",
        method="POST",
        json={"query": query, "variables": {**variables, "first": PAGE_SIZE, "after": None}},
        paginator=paginator,
        data_selector=f"data.{path}.nodes",
        check=_graphql_errors,
    )


def _pull_requests(conn: Connection, repos: list[str], window: Window) -> Iterator[Any]:
    """Pull requests updated in the window, each with its reviews (payload.reviews.nodes)."""
    loaded_at = utc_now()
    for repo in repos:
        owner, name = repo.split("/")
        pages = _graphql_pages(conn, PULL_REQUESTS, {"owner": owner, "name": name}, "repository.pullRequests")
        for page in pages:
            updated = [(parse_timestamp(pr["updatedAt"]), pr) for pr in page]
            rows = [
                ((f"{repo}#{pr['number']}",), {**pr, "repository": repo}) for at, pr in updated if window.contains(at)
            ]
            yield raw_table(["id"], rows, window, loaded_at)
            # Newest first: once a page reaches back past the window, older pages are not needed.
            if updated and updated[-1][0] < window.start:
                break


def _sso_identities(conn: Connection, orgs: list[str], window: Window) -> Iterator[Any]:
    """The organisations' SAML/SCIM identities linked to a login (none where SSO is off)."""
    loaded_at = utc_now()
    path = "organization.samlIdentityProvider.externalIdentities"
    for org in orgs:
        if not _has_saml(conn, org):
            log.info(f"github: {org} has no SAML SSO; its accounts match by profile and commit emails")
            yield raw_table(["organization", "login"], [], window, loaded_at)  # a load of none, not no load
            continue
        for page in _graphql_pages(conn, SSO_IDENTITIES, {"login": org}, path):
            linked = [n for n in page if (n.get("user") or {}).get("login")]
            rows = [((org, n["user"]["login"]), {**n, "organization": org}) for n in linked]
            yield raw_table(["organization", "login"], rows, window, loaded_at)


def _has_saml(conn: Connection, org: str) -> bool:
    """Whether the org has SAML SSO (its ``samlIdentityProvider`` is null when not)."""
    variables = {"login": org, "first": 1, "after": None}
    pages = conn.pages(
        "graphql",
        method="POST",
        json={"query": SSO_IDENTITIES, "variables": variables},
        paginator=SinglePagePaginator(),
        data_selector="data.organization",
        check=_graphql_errors,
    )
    return any(organization.get("samlIdentityProvider") is not None for page in pages for organization in page)


def _members(conn: Connection, orgs: list[str], window: Window) -> Iterator[Any]:
    """Members of the organisations owning the repositories (login, name, public email)."""
    loaded_at = utc_now()
    for org in orgs:
        for page in _graphql_pages(conn, MEMBERS, {"login": org}, "organization.membersWithRole"):
            yield raw_table(["login"], [((m["login"],), {**m, "organization": org}) for m in page], window, loaded_at)


@dlt.source(name="github", max_table_nesting=0)
def source(settings: Settings | None, window: Window | None, policy: HttpPolicy = HttpPolicy()):
    """Pull requests with nested reviews, fetched in bulk through GraphQL, and org members."""
    conn = settings.connection(policy) if settings else None
    repos, orgs = (settings.repos, settings.orgs) if settings else ([], [])
    return [
        dlt.resource(_pull_requests, name="github_pull_requests", primary_key="id", **MERGED)(conn, repos, window),
        dlt.resource(_members, name="github_members", primary_key="login", **MERGED)(conn, orgs, window),
        dlt.resource(_sso_identities, name="github_sso_identities", primary_key=["organization", "login"], **MERGED)(
            conn, orgs, window
        ),
    ]
