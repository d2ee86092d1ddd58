"""Who may open which page: the access map, built from the data the site is built from.

The map is JSON, written beside the published site (never inside what is served) and read by the
server (``dashboards.server``)::

    {"built_at": "...",
     "users": {"<work email, lower case>": {"employee_id": "E1" | null, "hr": false, "pages": ["people/E1.html"]}},
     "titles": {"people/E1.html": "<name>", "managers/E1.html": "<name>: reporting line"}}

- everyone active with a work email opens their own ``people/<id>.html``;
- a manager also opens the person page of everyone in their reporting line (any distance), their own
  ``managers/<id>.html`` and the manager pages of the managers inside their line (a part of their line);
- HR (``SERVE_HR_EMAILS``, or anyone active in a department of ``SERVE_HR_DEPARTMENTS``) opens every page;
- everyone signed in gets the static files the pages load (plotly.js); at the site root a non-HR user
  gets a list of their own pages instead of the index, which names everyone.

Paths are the ones ``build_site`` writes (``file_names`` on the same ``Org``), so they cannot drift.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from .data import SiteData
from .org import Org
from .site import PLOTLY_JS, file_names

INDEX = "index.html"
STATIC = frozenset({PLOTLY_JS})  # files every page loads: open to anyone signed in


def email_key(email: str) -> str:
    """Emails compare case-insensitively (and without stray spaces)."""
    return email.strip().lower()


class AccessSettings(BaseModel):
    """Who is HR: ``SERVE_HR_EMAILS`` and ``SERVE_HR_DEPARTMENTS`` (comma-separated; either or both)."""

    model_config = ConfigDict(frozen=True)

    hr_emails: frozenset[str] = frozenset()
    hr_departments: frozenset[str] = frozenset()

    @field_validator("hr_emails", mode="before")
    @classmethod
    def _emails(cls, value):
        return {email_key(e) for e in _items(value)}

    @field_validator("hr_departments", mode="before")
    @classmethod
    def _departments(cls, value):
        return {d.strip().lower() for d in _items(value)}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> AccessSettings:
        return cls(hr_emails=environ.get("SERVE_HR_EMAILS", ""), hr_departments=environ.get("SERVE_HR_DEPARTMENTS", ""))


def _items(value) -> list[str]:
    items = value.split(",") if isinstance(value, str) else list(value)
    return [item for item in (i.strip() for i in items) if item]


def access_map(data: SiteData, settings: AccessSettings) -> dict:
    """The access map (see the module docstring) of the site ``build_site(data, ...)`` writes.

    An email two active people share opens nothing (it cannot say who signed in); HR emails that belong
    to no active employee get the HR pages with no employee id.
    """
    org = Org(data)
    people = file_names(org.people.index, "people")
    managers = file_names(org.managers, "managers")
    emails = org.employees.loc[org.people.index, "work_email"].dropna().map(email_key)
    shared = set(emails[emails.duplicated(keep=False)])
    departments = org.people["department"].fillna("").str.lower()
    users: dict[str, dict] = {}
    for employee_id, email in emails.items():
        if not email or email in shared:
            continue
        line = org.line_members.get(employee_id, [])
        pages = [people[employee_id], *(people[e] for e in line)]
        pages += [managers[m] for m in [employee_id, *line] if m in managers]
        hr = email in settings.hr_emails or departments[employee_id] in settings.hr_departments
        users[email] = {"employee_id": employee_id, "hr": hr, "pages": [] if hr else pages}
    for email in sorted(settings.hr_emails - users.keys() - shared):
        users[email] = {"employee_id": None, "hr": True, "pages": []}
    titles = {path: org.name(e) for e, path in people.items()}
    titles |= {path: f"{org.name(e)}: reporting line" for e, path in managers.items()}
    return {"built_at": datetime.now(UTC).isoformat(timespec="seconds"), "users": users, "titles": titles}


def may_open(user: Mapping, path: str) -> bool:
    """Whether ``user`` (an entry of the map's ``users``) may open ``path`` (relative to the site root)."""
    return path in STATIC or path == INDEX or bool(user["hr"]) or path in user["pages"]


def write_access_map(access: dict, path: Path) -> None:
    """Write the map owner-only (0600) beside its place, then rename it over the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(access, file, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def own_pages(user: Mapping, titles: Mapping[str, str]) -> dict:
    """The start page of someone who is not HR: links to the pages they may open, and nobody else's."""
    mine, others = user["pages"][:1], user["pages"][1:]  # access_map lists one's own page first
    lines = [p for p in others if p.startswith("managers/")]
    reports = [p for p in others if p.startswith("people/")]
    sections = [
        ("My dashboard", mine),
        ("Reporting lines I manage", lines),
        ("People in my reporting line", sorted(reports, key=lambda p: titles.get(p, p))),
    ]
    return {
        "kind": "own-pages",
        "title": "My dashboards",
        "root": "",
        "subtitle": "",
        "period": "",
        "kpis": [],
        "figures": {},
        "sections": [(heading, [(p, titles.get(p, p)) for p in paths]) for heading, paths in sections if paths],
    }
