"""Fast unit tests of the sandbox: the generated company, each vendor API, faults and CSV exports."""

import csv
import hashlib
import re
from datetime import date

import numpy as np
import pytest
import requests

from sandbox import SandboxServer, generate_company
from sandbox.org import build_people
from sandbox.timeline import Window

AS_OF = date(2026, 11, 1)
BASIC = {"Authorization": "Basic dXNlcjp0b2tlbg=="}
BEARER = {"Authorization": "Bearer t"}
PD = {"Authorization": "Token token=t"}
JQL = 'updated >= "2026-01-01" AND updated < "2026-02-01" ORDER BY updated ASC'


@pytest.fixture(scope="module")
def company():
    return generate_company(seed=7, employees=60, as_of=AS_OF)


@pytest.fixture(scope="module")
def server(company):
    with SandboxServer(company, port=0) as running:
        yield running


@pytest.fixture(autouse=True)
def no_faults(server):
    yield
    server.faults.clear()


def _digest(company, tmp_path):
    company.write_review_exports(tmp_path)
    frames = [company.employees.to_csv()] + [t.to_csv() for t in company.tables.values()]
    frames += [p.read_text() for p in sorted(tmp_path.glob("*.csv"))]
    return hashlib.sha256("".join(frames).encode()).hexdigest()


def test_generation_is_deterministic(company, tmp_path):
    again = generate_company(seed=7, employees=60, as_of=AS_OF)
    assert _digest(company, tmp_path / "a") == _digest(again, tmp_path / "b")
    other = generate_company(seed=8, employees=60, as_of=AS_OF)
    assert _digest(other, tmp_path / "c") != _digest(company, tmp_path / "a")


def test_org_shape():
    people = build_people(np.random.default_rng(3), 300, Window.before(AS_OF))
    ids = dict(zip(people.index, people["employee_id"]))
    assert people["employee_id"].is_unique and len(people) == 300
    roots = people[people["manager_id"].isna()]
    assert len(roots) == 1 and roots.iloc[0]["level"] == "VP" and roots.iloc[0]["department"] == "Executive"
    # a tree: every chain of managers ends at the CEO without cycles
    boss = dict(zip(people["employee_id"], people["manager_id"]))
    for start in ids.values():
        seen, node = set(), start
        while boss[node] is not None:
            assert node not in seen
            seen.add(node)
            node = boss[node]
    assert set(people["level"]) == {"IC1", "IC2", "IC3", "IC4", "IC5", "M1", "M2", "M3", "Director", "VP"}
    line = people[people["level"].isin(["M1", "M2", "M3"])]
    spans = people["manager_id"].value_counts().reindex(line["employee_id"]).fillna(0)
    assert spans.between(4, 9).mean() > 0.9
    terminated = people[people["status"] == "Inactive"]
    assert 0.05 < len(terminated) / len(people) < 0.15
    assert terminated["regrettable"].sum() > 0 and (~terminated["regrettable"]).sum() > 0
    assert set(people["gender"]) == {"Female", "Male", "Non-binary"}
    assert (people["work_email"].str.endswith("@sandbox-corp.example")).all()


def test_company_attributes(company):
    start, end = company.window
    assert end == AS_OF and start == date(2025, 11, 1)
    assert company.github_repos and all(r.startswith(company.github_org + "/") for r in company.github_repos)
    assert len(company.sonar_projects) == len(company.github_repos) and company.jira_projects
    assert company.employees["employee_id"].is_unique
    emails = set(company.employees["work_email"])
    mismatched = sum(e is not None and e not in emails for a in company.accounts.values() for e in a["email"])
    assert mismatched > 0
    assert company.accounts["jira"]["email"].isna().any()


def _get(server, source, path, headers, **params):
    response = requests.get(server.base_url(source) + path, params=params, headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    return response


def test_jira_search_pages_with_tokens(server, company):
    fields = _get(server, "jira", "/rest/api/3/field", BASIC).json()
    assert any(f["schema"].get("custom") == "com.pyxis.greenhopper.jira:gh-sprint" for f in fields)
    seen, token = [], None
    while True:
        params = {"jql": JQL, "maxResults": 50, "fields": "assignee,updated,customfield_10016,customfield_10020"}
        body = _get(
            server, "jira", "/rest/api/3/search/jql", BASIC, **params, **({"nextPageToken": token} if token else {})
        ).json()
        assert "total" not in body
        seen += body["issues"]
        token = body.get("nextPageToken")
        if body["isLast"]:
            assert token is None
            break
    updated = [i["fields"]["updated"] for i in seen]
    assert updated == sorted(updated) and all("2026-01" in u for u in updated)
    assert len(seen) > 50 and server.served_keys("jira_issues") >= {i["id"] for i in seen}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", updated[0])
    bad = requests.get(server.base_url("jira") + "/rest/api/3/search/jql", params={"jql": ""}, headers=BASIC)
    assert bad.status_code == 400 and bad.json()["errorMessages"]
    old = requests.get(server.base_url("jira") + "/rest/api/3/search", params={"jql": JQL}, headers=BASIC)
    assert old.status_code == 410
    users = _get(server, "jira", "/rest/api/3/users/search", BASIC, startAt=0, maxResults=5).json()
    assert len(users) == 5 and all(len(u["accountId"]) == 24 for u in users)


def test_github_graphql_and_rest(server, company):
    owner, name = company.github_repos[0].split("/")
    query = (
        "query($owner:String!,$name:String!,$first:Int!,$after:String){repository(owner:$owner,name:$name)"
        "{pullRequests(first:$first,after:$after){pageInfo{hasNextPage endCursor} nodes{number updatedAt}}}}"
    )
    after, pages = None, 0
    for _ in range(2):
        body = requests.post(
            server.base_url("github") + "/graphql",
            headers=BEARER,
            timeout=10,
            json={"query": query, "variables": {"owner": owner, "name": name, "first": 10, "after": after}},
        ).json()
        connection = body["data"]["repository"]["pullRequests"]
        assert len(connection["nodes"]) == 10 and connection["pageInfo"]["hasNextPage"]
        after, pages = connection["pageInfo"]["endCursor"], pages + 1
    missing = requests.post(
        server.base_url("github") + "/graphql",
        headers=BEARER,
        json={"query": query, "variables": {"owner": owner, "name": "nope", "first": 10, "after": None}},
    )
    assert missing.status_code == 200 and missing.json()["errors"][0]["type"] == "NOT_FOUND"
    members = requests.post(
        server.base_url("github") + "/graphql",
        headers=BEARER,
        json={"query": "membersWithRole", "variables": {"login": company.github_org, "first": 5, "after": None}},
    ).json()
    assert len(members["data"]["organization"]["membersWithRole"]["nodes"]) == 5
    rest = _get(
        server,
        "github",
        f"/repos/{owner}/{name}/pulls",
        BEARER,
        state="all",
        sort="updated",
        direction="desc",
        per_page=5,
    )
    assert len(rest.json()) == 5 and 'rel="next"' in rest.headers["Link"]
    reviews = _get(server, "github", f"/repos/{owner}/{name}/pulls/{rest.json()[0]['number']}/reviews", BEARER)
    assert isinstance(reviews.json(), list)
    assert len(server.served_keys("github_pull_requests")) == 20  # the REST page repeats the first 5


def test_sonarqube_history_paging(server, company):
    body = _get(
        server,
        "sonarqube",
        "/api/measures/search_history",
        BEARER,
        component=company.sonar_projects[0],
        metrics="coverage,sqale_rating",
        p=2,
        ps=10,
    ).json()
    assert body["paging"] == {"pageIndex": 2, "pageSize": 10, "total": 52}
    assert [m["metric"] for m in body["measures"]] == ["coverage", "sqale_rating"]
    assert all(isinstance(p.get("value", ""), str) for m in body["measures"] for p in m["history"])


def test_salesforce_query_and_more(server, company, monkeypatch):
    monkeypatch.setattr(server.apis["salesforce"], "batch_size", 500)
    soql = (
        "SELECT Id, Amount, StageName, IsWon, OwnerId, Type FROM Opportunity WHERE LastModifiedDate >= "
        "2025-11-01T00:00:00Z AND LastModifiedDate < 2026-11-01T00:00:00Z ORDER BY LastModifiedDate"
    )
    body = _get(server, "salesforce", "/services/data/v62.0/query", BEARER, q=soql).json()
    assert body["totalSize"] == len(company.tables["opportunities"]) > 500 and not body["done"]
    assert set(body["records"][0]) == {"attributes", "Id", "Amount", "StageName", "IsWon", "OwnerId", "Type"}
    more = requests.get(server.url + body["nextRecordsUrl"], headers=BEARER, timeout=10).json()
    assert more["records"][0]["Id"] != body["records"][0]["Id"]
    bad = requests.get(
        server.base_url("salesforce") + "/services/data/v62.0/query", headers=BEARER, params={"q": "SELEKT nothing"}
    )
    assert bad.status_code == 400 and bad.json()[0]["errorCode"] == "MALFORMED_QUERY"


def test_zendesk_cursor_export_and_ratings(server):
    first = _get(
        server,
        "zendesk",
        "/api/v2/incremental/tickets/cursor.json",
        BASIC,
        start_time=0,
        per_page=100,
        include="metric_sets",
    ).json()
    assert len(first["tickets"]) == len(first["metric_sets"]) == 100 and not first["end_of_stream"]
    assert first["after_url"].startswith(server.url)
    second = requests.get(first["after_url"], headers=BASIC, timeout=10).json()
    keys = [(t["updated_at"], t["id"]) for t in first["tickets"] + second["tickets"]]
    assert keys == sorted(keys)
    ratings = _get(
        server,
        "zendesk",
        "/api/v2/satisfaction_ratings",
        BASIC,
        start_time=0,
        end_time=2_000_000_000,
        **{"page[size]": 50},
    ).json()
    assert ratings["meta"]["has_more"] and ratings["links"]["next"].startswith(server.url)
    agents = _get(server, "zendesk", "/api/v2/users", BASIC, role="agent", **{"page[size]": 3}).json()
    assert len(agents["users"]) == 3 and agents["meta"]["has_more"]


def test_pagerduty_offset_paging(server):
    params = {"since": "2026-01-01T00:00:00Z", "until": "2026-06-01T00:00:00Z", "limit": 5}
    body = _get(server, "pagerduty", "/incidents", PD, **params).json()
    assert body["more"] and body["total"] is None and len(body["incidents"]) == 5
    resolved = [i for i in body["incidents"] if i["status"] == "resolved"]
    assert all(i["assignments"] == [] and i["last_status_change_by"]["type"] == "user_reference" for i in resolved)
    too_long = requests.get(
        server.base_url("pagerduty") + "/incidents",
        headers=PD,
        params={"since": "2025-11-01T00:00:00Z", "until": "2026-10-01T00:00:00Z"},
    )
    assert too_long.status_code == 400
    assert _get(server, "pagerduty", "/users", PD, limit=3).json()["more"]


def test_bamboohr_report(server, company):
    body = requests.post(
        server.base_url("bamboohr") + "/v1/reports/custom?format=JSON",
        headers=BASIC,
        json={"fields": ["workEmail", "status", "terminationDate", "payRate", "bogus"]},
    ).json()
    assert [f["id"] for f in body["fields"]] == ["id", "workEmail", "status", "terminationDate", "payRate"]
    assert len(body["employees"]) == len(company.employees)
    assert {e["status"] for e in body["employees"]} == {"Active", "Inactive"}
    assert any(e["terminationDate"] == "0000-00-00" for e in body["employees"])
    assert all(e["payRate"].endswith(" USD") for e in body["employees"])


@pytest.mark.parametrize(
    "source,path,method",
    [
        ("jira", "/rest/api/3/field", "GET"),
        ("github", "/graphql", "POST"),
        ("sonarqube", "/api/projects/search", "GET"),
        ("salesforce", "/services/data/v62.0/query", "GET"),
        ("zendesk", "/api/v2/users", "GET"),
        ("pagerduty", "/users", "GET"),
        ("bamboohr", "/v1/reports/custom?format=JSON", "POST"),
    ],
)
def test_requests_without_auth_are_rejected(server, source, path, method):
    assert requests.request(method, server.base_url(source) + path, timeout=10).status_code == 401


def test_rate_limit_and_server_error_faults(server):
    server.faults.add("jira", "rate_limit", times=1, after=1)
    url = server.base_url("jira") + "/rest/api/3/field"
    assert requests.get(url, headers=BASIC).status_code == 200
    limited = requests.get(url, headers=BASIC)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "1"
    server.faults.add("github", "rate_limit")
    gh = requests.post(server.base_url("github") + "/graphql", headers=BEARER, json={"query": "membersWithRole"})
    assert gh.status_code == 403 and gh.headers["x-ratelimit-remaining"] == "0" and "Retry-After" not in gh.headers
    server.faults.add("pagerduty", "rate_limit")
    assert requests.get(server.base_url("pagerduty") + "/users", headers=PD).headers["ratelimit-reset"] == "1"
    requests.post(server.url + "/_sandbox/faults", json={"source": "zendesk", "kind": "server_error", "times": 2})
    url = server.base_url("zendesk") + "/api/v2/users"
    assert [requests.get(url, headers=BASIC).status_code for _ in range(3)] == [503, 503, 200]
    assert requests.get(server.url + "/_sandbox/stats").json()["request_counts"]["zendesk"] >= 3


def test_slow_malformed_and_short_page_faults(server):
    url = server.base_url("pagerduty") + "/users"
    server.faults.add("pagerduty", "slow", seconds=1.5)
    with pytest.raises(requests.exceptions.Timeout):
        requests.get(url, headers=PD, timeout=0.5)
    server.faults.add("pagerduty", "malformed")
    with pytest.raises(requests.exceptions.JSONDecodeError):
        requests.get(url, headers=PD, timeout=5).json()
    server.faults.add("pagerduty", "short_page")
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(url, headers=PD, timeout=5)
    assert requests.get(url, headers=PD, timeout=5).status_code == 200


def test_review_exports_match_the_documented_format(company, tmp_path):
    company.write_review_exports(tmp_path)
    expected = {
        "manager_ratings.csv": ["cycle", "employee_id", "manager_id", "rating", "submitted_at"],
        "competency_ratings.csv": ["cycle", "employee_id", "rater_id", "rater_type", "competency", "level", "comment"],
        "review_completions.csv": [
            "cycle",
            "employee_id",
            "reviewer_id",
            "started_at",
            "finished_at",
            "active_minutes",
        ],
        "appeals.csv": ["cycle", "appeal_id", "employee_id", "filed_at", "status", "reason"],
        "process_survey.csv": ["cycle", "response_id", "employee_id", "score", "submitted_at"],
    }
    ids = set(company.employees["employee_id"])
    rows = {}
    for name, columns in expected.items():
        with open(tmp_path / name, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == columns
            rows[name] = list(reader)
        assert rows[name], name
        assert all(r["employee_id"] in ids for r in rows[name])
        assert {r["cycle"] for r in rows[name]} <= {"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"}
    assert {r["rating"] for r in rows["manager_ratings.csv"]} <= {"Exceptional", "Strong", "Meets", "Improvement"}
    competencies = {
        "technical_expertise",
        "execution",
        "collaboration",
        "communication",
        "leadership",
        "customer_focus",
    }
    for r in rows["competency_ratings.csv"]:
        assert r["rater_type"] in {"self", "peer", "manager"} and r["competency"] in competencies
        assert 1 <= int(r["level"]) <= 5
    for r in rows["review_completions.csv"]:
        assert r["started_at"].endswith("Z") and (not r["finished_at"] or r["finished_at"] >= r["started_at"])
        assert bool(r["finished_at"]) == bool(r["active_minutes"]) and (
            not r["active_minutes"] or int(r["active_minutes"]) > 0
        )
    assert {r["status"] for r in rows["appeals.csv"]} <= {"open", "upheld", "overturned", "withdrawn"}
    assert all(0 <= int(r["score"]) <= 10 for r in rows["process_survey.csv"])
    stamps = [r["submitted_at"] for r in rows["manager_ratings.csv"]]
    assert min(stamps) >= "2025-11-01" and max(stamps) < "2026-11-01"


def test_served_timestamps_stay_inside_the_window(company):
    start, end = (int(np.datetime64(d, "s").astype(np.int64)) for d in company.window)
    for name, columns in {
        "jira_issues": ["created", "updated"],
        "pull_requests": ["created", "updated"],
        "opportunities": ["created", "modified"],
        "tickets": ["created", "updated"],
        "incidents": ["created", "changed"],
    }.items():
        table = company.tables[name]
        for column in columns:
            assert table[column].between(start, end - 1).all(), (name, column)
        assert (table[columns[1]] >= table[columns[0]]).all(), name
