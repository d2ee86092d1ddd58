"""`make serve` over real HTTP on loopback: the site the Dagster asset publishes from the session's warehouse,
served by ``python -m dashboards.server``. Each role opens exactly its pages and gets the same 403 for the rest;
a header from an address that is not the proxy is refused; path tricks are refused; every view is logged
owner-only; a rebuilt access map applies without a restart.

The expected pages are derived here from the marts (who is active, who reports to whom), not from the
server's own access map, so a wrong rule in ``dashboards.access`` fails these tests."""

import html
import http.client
import json
import re
import stat
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import dagster as dg
import pytest

from dashboards.access import AccessSettings, access_map, write_access_map
from dashboards.location import access_map_path
from orchestration.assets.dashboards import dashboard_site, site_data
from tests.serving import dashboards_server

HR_GROUP = "Support"  # SERVE_HR_DEPARTMENTS in these tests: everyone active in Support is HR
HR_OUTSIDER = "people-ops@example.com"  # an HR email that is no employee's
UNKNOWN = "nobody@example.com"
FORBIDDEN = b"Forbidden.\n"
TALLY: Counter = Counter()  # (role, "allowed" | "refused") -> requests that got what they should


@dataclass(frozen=True)
class Org:
    """Who is active, their emails and departments, and each one's reporting line, straight from the marts."""

    emails: dict[str, str]
    names: dict[str, str]
    departments: dict[str, str]
    managers_of: dict[str, str | None]
    lines: dict[str, set[str]]

    @property
    def managers(self) -> set[str]:
        return {m for m, line in self.lines.items() if line}

    def pages_of(self, employee_id: str) -> set[str]:
        line = self.lines.get(employee_id, set())
        people = {f"people/{e}.html" for e in {employee_id, *line}}
        return people | {f"managers/{m}.html" for m in {employee_id, *line} & self.managers}


@pytest.fixture(scope="module")
def org(analysed) -> Org:
    warehouse, _ = analysed
    employees = warehouse.read("select * from marts.dim_employees where is_active")
    lines = warehouse.read(
        "select manager_id, employee_id from marts.dim_reporting_lines where manager_id <> employee_id"
    )
    active = set(employees["employee_id"])
    lines = lines[lines["manager_id"].isin(active) & lines["employee_id"].isin(active)]
    return Org(
        emails=dict(zip(employees["employee_id"], employees["work_email"])),
        names=dict(zip(employees["employee_id"], employees["full_name"])),
        departments=dict(zip(employees["employee_id"], employees["department"])),
        managers_of=dict(zip(employees["employee_id"], employees["manager_id"])),
        lines={m: set(g["employee_id"]) for m, g in lines.groupby("manager_id")},
    )


@pytest.fixture(scope="module")
def roles(org) -> dict[str, str]:
    """role -> employee id, none of them in the HR group."""
    outside_hr = sorted(e for e, d in org.departments.items() if d != HR_GROUP)
    ics = [e for e in outside_hr if not org.lines.get(e) and org.managers_of[e]]
    line_managers = [e for e in outside_hr if org.lines.get(e) and not org.lines[e] & org.managers]
    seniors = sorted((e for e in outside_hr if org.lines.get(e, set()) & org.managers), key=lambda e: len(org.lines[e]))
    hr_by_list = next(e for e in ics if org.departments[e] != org.departments[ics[0]])
    hr_by_group = next(e for e, d in sorted(org.departments.items()) if d == HR_GROUP)
    return {
        "individual contributor": ics[0],
        "manager": line_managers[0],
        "manager of managers": seniors[0],
        "HR by list": hr_by_list,
        "HR by group": hr_by_group,
    }


@dataclass(frozen=True)
class Served:
    url: str
    site: Path
    log: Path


@pytest.fixture(scope="module")
def served(analysed, org, roles, tmp_path_factory):
    warehouse, result = analysed
    assert result.success
    folder = tmp_path_factory.mktemp("serve")
    env = {
        "WAREHOUSE_PATH": warehouse.path,
        "DASHBOARDS_DIR": str(folder / "dashboards"),
        # by list, in another case than the HRIS's, and someone who is no employee; and by department
        "SERVE_HR_EMAILS": f"{org.emails[roles['HR by list']].upper()}, {HR_OUTSIDER}",
        "SERVE_HR_DEPARTMENTS": HR_GROUP.lower(),
        "SERVE_TRUSTED_PROXIES": "127.0.0.1",
        "SERVE_ACCESS_LOG": str(folder / "logs" / "access.log"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        assert dg.materialize(
            [dashboard_site], resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
        ).success
    with dashboards_server(env, folder / "server.out") as url:
        yield Served(url, folder / "dashboards", folder / "logs" / "access.log")
    print(f"\nrequests per role that got what they should: {dict(TALLY)}; total {sum(TALLY.values())}")


def get(served: Served, path: str, email: str | None = None, source: str = "127.0.0.1") -> tuple[int, bytes]:
    address = urlparse(served.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10, source_address=(source, 0))
    try:
        connection.request("GET", path, headers={"X-Forwarded-Email": email} if email else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and not p.name.startswith("."))


def check(served, role, path, email, want: int, **options) -> bytes:
    status, body = get(served, "/" + path, email, **options)
    assert status == want, (role, path, status)
    if want >= 400:
        assert status != 403 or body == FORBIDDEN, (role, path, body)  # one refusal for every reason
    TALLY[(role, "allowed" if want == 200 else "refused")] += 1
    return body


@pytest.mark.parametrize("role", ["individual contributor", "manager", "manager of managers"])
def test_a_person_opens_their_own_pages_and_nothing_else(served, org, roles, role):
    employee_id = roles[role]
    allowed = org.pages_of(employee_id)
    if role != "individual contributor":
        assert len(allowed) > 2 and any(p.startswith("managers/") for p in allowed)
    if role == "manager of managers":
        assert len({p for p in allowed if p.startswith("managers/")}) >= 2
    email = org.emails[employee_id].title()  # the proxy may pass another case than the HRIS holds
    for path in site_files(served.site):
        check(served, role, path, email, 200 if path in allowed | {"plotly.min.js", "index.html"} else 403)
    for path in ["people/NO-SUCH-ID.html", "managers/NO-SUCH-ID.html", "hr/no-such-page.html"]:
        check(served, role, path, email, 403)  # the same answer as for a page that exists
    for path in ["", "index.html"]:  # the start page lists their pages only, never the directory of everyone
        body = check(served, role, path, email, 200).decode()
        assert set(re.findall(r'href="([^"]+)"', body)) - {"index.html"} == allowed
        text = html.unescape(body)
        named = {e for e, name in org.names.items() if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)}
        assert {f"people/{e}.html" for e in named} <= allowed
        assert org.names[employee_id] in text


@pytest.mark.parametrize("role", ["HR by list", "HR by group", "HR outside the HRIS"])
def test_hr_opens_every_page(served, org, roles, role):
    email = HR_OUTSIDER if role == "HR outside the HRIS" else org.emails[roles[role]]
    files = site_files(served.site)
    assert {"executive.html", "index.html", "hr/merit.html", "hr/calibration.html"} <= set(files)
    for path in files:
        check(served, role, path, email, 200)
    index = check(served, role, "", email, 200)
    assert index == (served.site / "index.html").read_bytes()  # HR's start page is the site's index
    check(served, role, "people/NO-SUCH-ID.html", email, 404)


def test_unknown_email_and_missing_header_open_nothing(served, org, roles):
    own = f"people/{roles['individual contributor']}.html"
    for path in ["", own, "hr/merit.html", "executive.html", "plotly.min.js", "people/NO-SUCH-ID.html"]:
        check(served, "unknown email", path, UNKNOWN, 403)
        check(served, "no header", path, None, 401)
        assert get(served, "/" + path, " ")[0] == 401  # a blank header is no sign-in either


def test_a_forged_header_from_an_untrusted_address_is_refused(served, org, roles):
    """Only 127.0.0.1 is the proxy here: a client on 127.0.0.2 setting the header itself gets nothing."""
    hr = org.emails[roles["HR by list"]]
    for path in ["", "hr/merit.html", "executive.html", f"people/{roles['HR by list']}.html", "plotly.min.js"]:
        check(served, "forged header", path, hr, 403, source="127.0.0.2")
        check(served, "HR by list", path, hr, 200)


def test_path_tricks_are_refused(served, org, roles):
    ic = roles["individual contributor"]
    other = next(e for e in sorted(org.emails) if e != ic and f"people/{e}.html" not in org.pages_of(ic))
    tricks = [
        "people/../hr/merit.html",
        f"people/../people/{other}.html",
        "../dashboards.access.json",
        "%2e%2e/dashboards.access.json",
        "%2e%2e%2fdashboards.access.json",
        "people/%2e%2e/hr/merit.html",
        f"people%2F{other}.html",
        f"people%2f{ic}.html",
        "hr%2Fmerit.html",
        f"people/{other}%2ehtml",
        "/etc/passwd",
        f"/{served.site}/hr/merit.html",
        f"people//{other}.html",
        "./hr/merit.html",
        ".dashboards-site",
        f"people\\..\\people\\{other}.html",
        f"people/{ic}.html/../../hr/merit.html",
    ]
    emails = {"individual contributor": org.emails[ic], "HR by list": org.emails[roles["HR by list"]]}
    for role, email in emails.items():
        for trick in tricks:
            status, body = get(served, "/" + trick, email)
            assert status in (400, 403), (role, trick, status)  # 400: refused by the HTTP parser already
            assert b"<html" not in body and b"users" not in body, (role, trick)
            TALLY[(f"path trick as {role}", "refused")] += 1


def test_a_symlink_out_of_the_site_is_refused(served, org, roles):
    link = served.site / "hr" / "outside.html"
    link.symlink_to(access_map_path(served.site))
    try:
        check(served, "HR by list", "hr/outside.html", org.emails[roles["HR by list"]], 403)
    finally:
        link.unlink()


def test_every_view_is_logged_owner_only(served, org, roles):
    ic, hr = roles["individual contributor"], roles["HR by list"]
    before = served.log.read_text().splitlines() if served.log.exists() else []
    requests = [
        (f"/people/{ic}.html", org.emails[ic].upper(), "127.0.0.1", 200, ic),
        ("/hr/merit.html", org.emails[ic], "127.0.0.1", 403, ic),
        ("/executive.html", UNKNOWN, "127.0.0.1", 403, None),
        ("/hr/merit.html", None, "127.0.0.1", 401, None),
        ("/hr/merit.html", org.emails[hr], "127.0.0.2", 403, None),
    ]
    started = datetime.now().astimezone() - timedelta(seconds=1)  # the log keeps milliseconds
    for path, email, source, status, _ in requests:
        assert get(served, path, email, source=source)[0] == status
    lines = [json.loads(line) for line in served.log.read_text().splitlines()[len(before) :]]
    assert [(r["path"], r["email"], r["client"], r["status"], r["employee_id"]) for r in lines] == [
        (path, email.lower() if email else None, source, status, employee)
        for path, email, source, status, employee in requests
    ]
    assert all(started <= datetime.fromisoformat(r["at"]) <= datetime.now().astimezone() for r in lines)
    assert stat.S_IMODE(served.log.stat().st_mode) == 0o600
    TALLY[("access log", "allowed")] += 1
    TALLY[("access log", "refused")] += 4


def test_the_access_map_is_owner_only_beside_the_site_and_a_rebuild_applies_without_restart(
    served, analysed, org, roles
):
    path = access_map_path(served.site)
    assert path.parent == served.site.parent and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not any(p.suffix == ".json" for p in served.site.rglob("*"))  # nothing of the map is served
    ic = roles["individual contributor"]
    email = org.emails[ic]
    check(served, "individual contributor", "hr/merit.html", email, 403)
    warehouse, _ = analysed
    with warehouse.connect() as con:
        data = site_data(con)
    original = path.read_bytes()
    write_access_map(access_map(data, AccessSettings(hr_emails=email)), path)  # they joined HR
    try:
        check(served, "individual contributor made HR", "hr/merit.html", email, 200)
        check(served, "HR by list, no longer HR", "hr/merit.html", org.emails[roles["HR by list"]], 403)
    finally:
        path.write_bytes(original)  # a rewrite in place is seen too
    check(served, "individual contributor", "hr/merit.html", email, 403)


def test_the_server_never_holds_the_warehouse_open(served, analysed, org, roles):
    """DuckDB allows one writer and no readers beside it: the run can take the warehouse while pages are served."""
    warehouse, _ = analysed
    ic = roles["individual contributor"]
    with warehouse.connect(read_only=False) as con:
        assert con.execute("select count(*) from marts.dim_employees").fetchone()[0] > 0
        check(served, "individual contributor", f"people/{ic}.html", org.emails[ic], 200)
