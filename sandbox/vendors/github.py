"""GitHub: GraphQL pull requests (with reviews) and org members; REST pulls and reviews."""

import time
from urllib.parse import urlencode

import numpy as np

from .common import Response, Rows, VendorApi, cursor, iso_z, maybe, page, position

REVIEW_STATES = ("APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED")
TITLES = (
    "Fix race in job runner",
    "Add pagination to export",
    "Bump dependencies",
    "Refactor auth flow",
    "Improve logging",
    "Cache tenant settings",
    "Remove dead feature flag",
    "Speed up CI",
)
DOCS = "https://docs.github.com/rest"
BOT = "dependabot[bot]"


def _fraction(*keys: int) -> float:
    """A fixed pseudo-random number in [0, 1) for these keys: the same on every request."""
    value = 0
    for key in keys:
        value = (value * 1_000_003 + int(key) * 2654435761) % 2**32
    return value / 2**32


def _mixed_case(email: str) -> str:
    """Directories often keep the case people typed: ``Olivia.Smith@Sandbox-Corp.example``."""
    local, _, domain = email.partition("@")
    return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.title()


class GitHubApi(VendorApi):
    source = "github"
    auth_schemes = ("Bearer", "token")
    routes = (
        ("POST", r"/graphql", "graphql"),
        ("GET", r"/repos/([^/]+)/([^/]+)/pulls", "rest_pulls"),
        ("GET", r"/repos/([^/]+)/([^/]+)/pulls/(\d+)/reviews", "rest_reviews"),
    )

    def __init__(self, company):
        super().__init__(company)
        self.prs = company.tables["pull_requests"]
        self.pr_rows = Rows(self.prs)
        self.reviews = company.tables["reviews"]
        self.reviews_rows = Rows(self.reviews)
        repo = self.prs["repo"].to_numpy()
        self.repo_start = np.searchsorted(repo, np.arange(len(company.github_repos) + 1))
        self.review_start = np.searchsorted(self.reviews["pr"].to_numpy(), np.arange(len(self.prs) + 1))
        self.members = company.accounts["github"]
        self.members_rows = Rows(self.members)
        self.author = company.account_of("github", "Engineering", self.prs["who"].to_numpy())
        self.reviewer = company.account_of("github", "Engineering", self.reviews["who"].to_numpy())
        self.logins = self.members["account_id"].to_numpy()
        self.profile = company.profile
        self.work_email = company.people["work_email"].to_numpy()[self.members["person"].to_numpy()]
        self.github_ids = 5_000_000 + self.members.index.to_numpy()

    def error(self, status, message):
        return Response(status, {"message": message, "documentation_url": DOCS, "status": str(status)})

    def unauthorized(self):
        return self.error(401, "Bad credentials")

    def rate_limited(self):
        return Response(
            403,
            self.error(403, "API rate limit exceeded").body,
            {
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-used": "5000",
                "x-ratelimit-reset": str(int(time.time()) + 1),
            },
        )

    def _repo(self, owner, name):
        full = f"{owner}/{name}"
        return self.company.github_repos.index(full) if full in self.company.github_repos else None

    # GraphQL -----------------------------------------------------------------
    def graphql(self, request):
        payload = request.json() or {}
        query, variables = payload.get("query") or "", payload.get("variables") or {}
        first = variables.get("first") or 100
        if not isinstance(first, int) or not 1 <= first <= 100:
            return Response(
                200,
                {
                    "errors": [
                        {
                            "message": f"Requesting {first} records on the connection "
                            "exceeds the `first` limit of 100 records."
                        }
                    ]
                },
            )
        if "pullRequests" in query:
            return self.graphql_pulls(variables, first)
        if "membersWithRole" in query:
            return self.graphql_members(variables, first)
        if "samlIdentityProvider" in query:
            return self.graphql_identities(variables, first)
        return Response(200, {"errors": [{"message": "Unsupported query"}]})

    def graphql_pulls(self, variables, first):
        owner, name = variables.get("owner"), variables.get("name")
        r = self._repo(owner, name)
        if r is None:
            return Response(
                200,
                {
                    "data": {"repository": None},
                    "errors": [
                        {
                            "type": "NOT_FOUND",
                            "path": ["repository"],
                            "message": f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                        }
                    ],
                },
            )
        tag = f"pr:{r}"
        total = self.repo_start[r + 1] - self.repo_start[r]
        lo, hi, more = page(total, position(tag, variables.get("after")), first)
        nodes = [self.pr_node(self.repo_start[r] + i) for i in range(lo, hi)]
        body = {
            "data": {
                "repository": {
                    "pullRequests": {
                        "totalCount": int(total),
                        "pageInfo": {"hasNextPage": more, "endCursor": cursor(tag, hi) if hi > lo else None},
                        "nodes": nodes,
                    }
                }
            }
        }
        return Response(200, body, served={"github_pull_requests": [f"{owner}/{name}#{n['number']}" for n in nodes]})

    def _login(self, account):
        return maybe(int(account), lambda a: {"login": self.logins[a]})

    def _author(self, i):
        """The PR's author: a member; in the bots profile also dependabot or a deleted account (null)."""
        if self.profile.github_bots:
            draw = _fraction(i, 7)
            if draw < 0.04:
                return {"login": BOT}
            if draw < 0.06:
                return None
        return self._login(self.author[i])

    def _commit_email(self, a: int, *keys: int) -> tuple[str, bool]:
        """The email member ``a`` committed with, and whether GitHub links it to their account."""
        kinds, shares = zip(*self.profile.github_commit_emails)
        kind = kinds[min(int(np.searchsorted(np.cumsum(shares), _fraction(a, *keys), side="right")), len(kinds) - 1)]
        if kind == "noreply":
            return f"{self.github_ids[a]}+{self.logins[a]}@users.noreply.github.com", True
        if kind == "personal":
            local = self.work_email[a].partition("@")[0]
            return f"{local}@{'gmail' if a % 2 else 'outlook'}.example", _fraction(a, 3) < 0.5
        work = self.work_email[a]
        return (_mixed_case(work) if self.profile.github_sso else work), True

    def _commit(self, a: int, *keys: int) -> dict:
        email, linked = self._commit_email(a, *keys)
        name = self.members_rows[a]["name"]
        return {
            "commit": {"author": {"email": email, "name": name, "user": {"login": self.logins[a]} if linked else None}}
        }

    def _commits(self, i, reviews):
        """Each commit carries its own author: the PR's, and a reviewer's fixup on some PRs."""
        author = int(self.author[i])
        nodes = [self._commit(author, i, k) for k in range(1 + i % 3)] if author != -1 else []
        reviewers = [int(self.reviewer[k]) for k in reviews if int(self.reviewer[k]) not in (-1, author)]
        if reviewers and _fraction(i, 11) < self.profile.github_fixup_share:
            nodes.append(self._commit(reviewers[0], i, 99))
        return {"nodes": nodes}

    def pr_node(self, i):
        pr = self.pr_rows[i]
        closed = int(pr["closed"])
        state = "MERGED" if pr["merged"] else ("CLOSED" if closed != -1 else "OPEN")
        reviews = range(self.review_start[i], min(self.review_start[i + 1], self.review_start[i] + 100))
        author = self._author(i)
        return {
            "number": int(pr["number"]),
            "title": TITLES[i % len(TITLES)],
            "createdAt": iso_z(pr["created"]),
            "updatedAt": iso_z(pr["updated"]),
            "mergedAt": iso_z(closed) if pr["merged"] else None,
            "closedAt": maybe(closed, iso_z),
            "state": state,
            "author": author,
            "commits": self._commits(i, reviews) if author and author["login"] != BOT else {"nodes": []},
            "reviews": {
                "nodes": [
                    {
                        "author": self._login(self.reviewer[k]),
                        "state": REVIEW_STATES[int(self.reviews_rows[k]["state"])],
                        "submittedAt": iso_z(self.reviews_rows[k]["submitted"]),
                    }
                    for k in reviews
                ]
            },
        }

    def graphql_members(self, variables, first):
        login = variables.get("login")
        if login != self.company.github_org:
            return Response(
                200,
                {
                    "data": {"organization": None},
                    "errors": [
                        {
                            "type": "NOT_FOUND",
                            "path": ["organization"],
                            "message": f"Could not resolve to an Organization with the login of '{login}'.",
                        }
                    ],
                },
            )
        lo, hi, more = page(len(self.members), position("members", variables.get("after")), first)
        nodes = [
            {
                "login": self.logins[a],
                "name": self.members_rows[a]["name"],
                # most people keep their email off their profile
                "email": (self.members_rows[a]["email"] or "")
                if _fraction(a, 5) < self.profile.github_public_email_share
                else "",
            }
            for a in range(lo, hi)
        ]
        body = {
            "data": {
                "organization": {
                    "membersWithRole": {
                        "totalCount": len(self.members),
                        "pageInfo": {"hasNextPage": more, "endCursor": cursor("members", hi) if hi > lo else None},
                        "nodes": nodes,
                    }
                }
            }
        }
        return Response(200, body, served={"github_members": [n["login"] for n in nodes]})

    def graphql_identities(self, variables, first):
        """The org's SAML identities (with SCIM) when SSO is on; ``samlIdentityProvider`` is null when not."""
        login = variables.get("login")
        if login != self.company.github_org:
            return Response(
                200,
                {
                    "data": {"organization": None},
                    "errors": [{"type": "NOT_FOUND", "message": f"no organization {login}"}],
                },
            )
        if not self.profile.github_sso:
            return Response(200, {"data": {"organization": {"samlIdentityProvider": None}}})
        lo, hi, more = page(len(self.members), position("identities", variables.get("after")), first)
        nodes = [
            {
                "guid": f"sso-{self.github_ids[a]}",
                "samlIdentity": {
                    "nameId": _mixed_case(self.work_email[a]),
                    "username": _mixed_case(self.work_email[a]),
                },
                "scimIdentity": {"username": self.work_email[a]},
                "user": {"login": self.logins[a]},
            }
            for a in range(lo, hi)
        ]
        provider = {
            "externalIdentities": {
                "pageInfo": {"hasNextPage": more, "endCursor": cursor("identities", hi) if hi > lo else None},
                "nodes": nodes,
            }
        }
        body = {"data": {"organization": {"samlIdentityProvider": provider}}}
        return Response(200, body, served={"github_sso_identities": [(login, n["user"]["login"]) for n in nodes]})

    # REST --------------------------------------------------------------------
    def _rest_page(self, request, total, path):
        """Page bounds and the Link header for `per_page`/`page` paging."""
        per_page = request.int_arg("per_page", 30, 100, 1)
        number = request.int_arg("page", 1, minimum=1)
        lo, hi, more = page(total, (number - 1) * per_page, per_page)
        links = {}
        if more:
            last = max(1, -(-total // per_page))
            for rel, p in (("next", number + 1), ("last", last)):
                links[rel] = f"{request.root}/github{path}?{urlencode({**request.query, 'page': p})}"
        header = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
        return lo, hi, ({"Link": header} if header else {})

    def rest_pulls(self, request, owner, name):
        r = self._repo(owner, name)
        if r is None:
            return self.error(404, "Not Found")
        rows = np.arange(self.repo_start[r], self.repo_start[r + 1])
        state = request.query.get("state", "open")
        closed = self.prs["closed"].to_numpy()[rows] != -1
        if state in ("open", "closed"):
            rows = rows[closed == (state == "closed")]
        if request.query.get("direction") == "asc":
            rows = rows[::-1]
        lo, hi, headers = self._rest_page(request, len(rows), request.path)
        body = [self.rest_pr(request.root, owner, name, int(i)) for i in rows[lo:hi]]
        return Response(
            200, body, headers, served={"github_pull_requests": [f"{owner}/{name}#{p['number']}" for p in body]}
        )

    def rest_pr(self, root, owner, name, i):
        pr = self.pr_rows[i]
        closed, number = int(pr["closed"]), int(pr["number"])
        author = self.author[i]
        return {
            "id": 1_000_000 + i,
            "number": number,
            "state": "closed" if closed != -1 else "open",
            "title": TITLES[i % len(TITLES)],
            "url": f"{root}/github/repos/{owner}/{name}/pulls/{number}",
            "user": {"login": self.logins[author], "type": "User"} if author != -1 else None,
            "created_at": iso_z(pr["created"]),
            "updated_at": iso_z(pr["updated"]),
            "closed_at": maybe(closed, iso_z),
            "merged_at": iso_z(closed) if pr["merged"] else None,
        }

    def rest_reviews(self, request, owner, name, number):
        r = self._repo(owner, name)
        rows = np.arange(self.repo_start[r], self.repo_start[r + 1]) if r is not None else np.arange(0)
        hit = rows[self.prs["number"].to_numpy()[rows] == int(number)]
        if not len(hit):
            return self.error(404, "Not Found")
        i = int(hit[0])
        reviews = np.arange(self.review_start[i], self.review_start[i + 1])
        lo, hi, headers = self._rest_page(request, len(reviews), request.path)
        body = [
            {
                "id": int(self.reviews_rows[k]["id"]),
                "user": self._login(self.reviewer[k]),
                "state": REVIEW_STATES[int(self.reviews_rows[k]["state"])],
                "submitted_at": iso_z(self.reviews_rows[k]["submitted"]),
            }
            for k in reviews[lo:hi]
        ]
        return Response(200, body, headers)
