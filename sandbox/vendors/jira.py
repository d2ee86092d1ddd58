"""Jira Cloud REST v3: fields, enhanced JQL search (nextPageToken), user search."""

import re
from datetime import UTC, datetime

import numpy as np

from .common import BadRequest, Response, Rows, VendorApi, cursor, iso_millis, iso_z, maybe, page, position

SPRINT_FIELD = "customfield_10020"
ISSUE_TYPES = ("Story", "Bug", "Task")
SUBJECTS = (
    "Add audit logging",
    "Fix flaky test",
    "Improve error messages",
    "Refactor settings page",
    "Upgrade dependencies",
    "Speed up export",
    "Handle empty state",
    "Support SSO login",
)
FIELDS = [
    {"id": "summary", "name": "Summary", "custom": False, "schema": {"type": "string", "system": "summary"}},
    {"id": "status", "name": "Status", "custom": False, "schema": {"type": "status", "system": "status"}},
    {"id": "issuetype", "name": "Issue Type", "custom": False, "schema": {"type": "issuetype", "system": "issuetype"}},
    {"id": "project", "name": "Project", "custom": False, "schema": {"type": "project", "system": "project"}},
    {"id": "assignee", "name": "Assignee", "custom": False, "schema": {"type": "user", "system": "assignee"}},
    {"id": "created", "name": "Created", "custom": False, "schema": {"type": "datetime", "system": "created"}},
    {"id": "updated", "name": "Updated", "custom": False, "schema": {"type": "datetime", "system": "updated"}},
    {
        "id": "resolutiondate",
        "name": "Resolved",
        "custom": False,
        "schema": {"type": "datetime", "system": "resolutiondate"},
    },
    {
        "id": "resolution",
        "name": "Resolution",
        "custom": False,
        "schema": {"type": "resolution", "system": "resolution"},
    },
    {
        "id": "customfield_10015",
        "name": "Start date",
        "custom": True,
        "schema": {
            "type": "date",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
            "customId": 10015,
        },
    },
    {
        "id": SPRINT_FIELD,
        "name": "Sprint",
        "custom": True,
        "schema": {
            "type": "array",
            "items": "json",
            "custom": "com.pyxis.greenhopper.jira:gh-sprint",
            "customId": 10020,
        },
    },
]
NOT_REQUESTED_BY_STAR = {"customfield_10015"}


def story_point_field(field_id: str, name: str) -> dict:
    return {
        "id": field_id,
        "name": name,
        "custom": True,
        "schema": {
            "type": "number",
            "custom": "com.pyxis.greenhopper.jira:jsw-story-points",
            "customId": int(field_id.rsplit("_", 1)[1]),
        },
    }


_DATE = r'"?(\d{4}[-/]\d{2}[-/]\d{2}(?:\s+\d{2}:\d{2})?)"?'
_LOWER = re.compile(r"\bupdated\s*>=?\s*" + _DATE, re.I)
_UPPER = re.compile(r"\bupdated\s*<=?\s*" + _DATE, re.I)
_PROJECT = re.compile(r'\bproject\s*=\s*"?([A-Za-z][A-Za-z0-9_]*)"?', re.I)


def _jql_time(text: str, offset_minutes: int) -> int:
    """A JQL date as epoch seconds: Jira reads it in the site's (the user's) time zone."""
    text = text.replace("/", "-")
    fmt = "%Y-%m-%d %H:%M" if " " in text.strip() else "%Y-%m-%d"
    local = datetime.strptime(re.sub(r"\s+", " ", text.strip()), fmt).replace(tzinfo=UTC).timestamp()
    return int(local) - offset_minutes * 60


class JiraApi(VendorApi):
    source = "jira"
    auth_schemes = ("Basic",)
    routes = (
        ("GET", r"/rest/api/3/field", "fields"),
        ("GET", r"/rest/api/3/search/jql", "search"),
        ("POST", r"/rest/api/3/search/jql", "search"),
        ("GET", r"/rest/api/3/search", "removed_search"),
        ("GET", r"/rest/api/3/users/search", "users"),
    )

    def __init__(self, company):
        super().__init__(company)
        self.issues = company.tables["jira_issues"]
        self.issue_rows = Rows(self.issues)
        self.updated = self.issues["updated"].to_numpy()
        self.accounts = company.accounts["jira"]
        self.account_rows = Rows(self.accounts)
        self.assignee = company.account_of("jira", "Engineering", self.issues["who"].to_numpy())
        profile = company.profile
        self.offset = profile.jira_utc_offset_minutes
        self.story_fields = [story_point_field(f, name) for f, name in profile.story_point_fields]
        self.filled = profile.story_points_filled
        sprint = next(i for i, f in enumerate(FIELDS) if f["id"] == SPRINT_FIELD)
        self.field_list = FIELDS[:sprint] + self.story_fields + FIELDS[sprint:]
        self.all_fields = [f["id"] for f in self.field_list if f["id"] not in NOT_REQUESTED_BY_STAR]

    def error(self, status, message):
        return Response(status, {"errorMessages": [message], "errors": {}})

    def fields(self, request):
        return Response(200, self.field_list)

    def removed_search(self, request):
        return self.error(410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.")

    def search(self, request):
        params = dict(request.query)
        if request.method == "POST":
            body = request.json() or {}
            params.update({k: v for k, v in body.items() if k != "fields"})
            if "fields" in body:
                params["fields"] = ",".join(body["fields"])
        jql = (params.get("jql") or "").strip()
        lower, upper, project = _LOWER.search(jql), _UPPER.search(jql), _PROJECT.search(jql)
        if not (lower or upper or project):
            return self.error(
                400, "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
            )
        try:
            lo = np.searchsorted(self.updated, _jql_time(lower.group(1), self.offset)) if lower else 0
            hi = np.searchsorted(self.updated, _jql_time(upper.group(1), self.offset)) if upper else len(self.updated)
        except ValueError:
            raise BadRequest(f"Error in the JQL Query: invalid date in '{jql}'") from None
        rows = np.arange(lo, max(lo, hi))
        if project:
            key = project.group(1).upper()
            if key not in self.company.jira_projects:
                return self.error(400, f"The value '{key}' does not exist for the field 'project'.")
            rows = rows[self.issues["project"].to_numpy()[rows] == self.company.jira_projects.index(key)]
        if re.search(r"order\s+by\s+updated\s+desc", jql, re.I):
            rows = rows[::-1]
        size = min(max(int(params.get("maxResults") or 50), 1), 100)
        start = position("jql:" + jql, params.get("nextPageToken"))
        a, b, more = page(len(rows), start, size)
        wanted = [f.strip() for f in (params.get("fields") or "").split(",") if f.strip()]
        if "*all" in wanted or "*navigable" in wanted:
            wanted = self.all_fields
        issues = [self.render(request.root, int(i), wanted) for i in rows[a:b]]
        body = {"issues": issues, "isLast": not more}
        if more:
            body["nextPageToken"] = cursor("jql:" + jql, b)
        return Response(200, body, served={"jira_issues": [i["id"] for i in issues]})

    def render(self, root, i, wanted):
        row = self.issue_rows[i]
        issue_id = str(int(row["id"]))
        key = f"{self.company.jira_projects[int(row['project'])]}-{int(row['number'])}"
        issue = {
            "expand": "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations",
            "id": issue_id,
            "self": f"{root}/jira/rest/api/3/issue/{issue_id}",
            "key": key,
        }
        if wanted:
            values = self.field_values(root, row, i, key)
            issue["fields"] = {f: values[f] for f in wanted if f in values}
        return issue

    def field_values(self, root, row, i, key):
        project = int(row["project"])
        resolved = int(row["resolved"]) != -1
        sprints = [int(row["sprint"])] + ([int(row["sprint2"])] if int(row["sprint2"]) != -1 else [])
        status = (
            ("Done", "done", "Done")
            if resolved
            else (
                ("In Progress", "indeterminate", "In Progress")
                if len(sprints) > 1 or int(row["sprint"]) >= len(self.company.sprint_bounds) - 3
                else ("To Do", "new", "To Do")
            )
        )
        kind = ISSUE_TYPES[int(row["issue_type"])]
        return {
            "summary": f"{SUBJECTS[i % len(SUBJECTS)]} ({key})",
            "status": {"name": status[0], "statusCategory": {"key": status[1], "name": status[2]}},
            "issuetype": {"id": str(10001 + int(row["issue_type"])), "name": kind, "subtask": False},
            "project": {
                "id": str(10000 + project),
                "key": self.company.jira_projects[project],
                "name": f"{self.company.jira_projects[project].title()} Team",
            },
            "assignee": maybe(int(self.assignee[i]), lambda a: self.user(root, a)),
            "created": iso_millis(row["created"], self.offset),
            "updated": iso_millis(row["updated"], self.offset),
            "resolutiondate": iso_millis(row["resolved"], self.offset) if resolved else None,
            "resolution": {"id": "10000", "name": "Done"} if resolved else None,
            # the project's own story-point field holds the estimate; the others stay empty
            **{
                f["id"]: maybe(row["points"], float) if f["id"] == self.filled[project % len(self.filled)] else None
                for f in self.story_fields
            },
            SPRINT_FIELD: [self.sprint(project, s) for s in sprints],
        }

    def sprint(self, project, s):
        bounds = self.company.sprint_bounds
        end = iso_z(bounds[s + 1] - 1)[:-1] + ".999Z"
        return {
            "id": 1 + project * 1000 + s,
            "name": f"{self.company.jira_projects[project]} Sprint {s + 1}",
            "state": "closed",
            "boardId": project + 1,
            "goal": "",
            "startDate": iso_z(bounds[s])[:-1] + ".000Z",
            "endDate": end,
            "completeDate": end,
        }

    def user(self, root, a):
        acc = self.account_rows[a]
        user = {
            "self": f"{root}/jira/rest/api/3/user?accountId={acc['account_id']}",
            "accountId": acc["account_id"],
            "accountType": "atlassian",
        }
        if acc["email"] is not None:
            user["emailAddress"] = acc["email"]
        user.update({"displayName": acc["name"], "active": bool(acc["active"]), "timeZone": "Etc/UTC"})
        return user

    def users(self, request):
        start = request.int_arg("startAt", 0)
        lo, hi, _ = page(len(self.accounts), start, request.int_arg("maxResults", 50, 1000, 1))
        body = [self.user(request.root, a) for a in range(lo, hi)]
        return Response(200, body, served={"jira_users": [u["accountId"] for u in body]})
