"""The masking rule every raw load applies for erased people (orchestration/erasure/masking.py)."""

import json
import stat
from datetime import UTC, datetime

import pyarrow as pa

from orchestration.erasure import listing
from orchestration.erasure.masking import Masker
from sources.records import raw_table

NOW = datetime(2026, 11, 1, tzinfo=UTC)


def masker(tmp_path):
    erasures = listing.load(tmp_path / "erasure_list.json")
    placeholder = erasures.add("1021", {"lwalker", "Levi.Walker@corp.example", "Levi Walker", "PD3GRLF"}, NOW)
    listing.save(erasures, tmp_path / "erasure_list.json")
    return Masker(listing.load(tmp_path / "erasure_list.json")), placeholder


def test_the_list_is_owner_only_and_holds_no_identifier(tmp_path):
    masker(tmp_path)
    path = tmp_path / "erasure_list.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text().lower()
    assert not any(value in text for value in ("1021", "lwalker", "levi", "pd3grlf"))


def test_hris_record_becomes_a_stub_and_reports_point_at_it(tmp_path):
    rules, placeholder = masker(tmp_path)
    records = [
        {"id": "1021", "displayName": "Levi Walker", "workEmail": "levi.walker@corp.example", "department": "Engineering",
         "level": "M1", "hireDate": "2021-01-04", "supervisorEId": "1034", "status": "Active",
         "payRate": {"amount": 145300.0, "currency": "USD"}},
        {"id": "1050", "displayName": "Ana Diaz", "supervisorEId": "1021", "employeeNumber": "1050", "status": "Active"},
    ]  # fmt: skip
    page = raw_table(["id"], [((r["id"],), r) for r in records], None, NOW)
    rows = rules.table("bamboohr_employees", page).to_pylist()
    stub, report = (json.loads(r["payload"]) for r in rows)
    assert rows[0]["id"] == placeholder and stub["id"] == placeholder
    assert stub["supervisorEId"] == "1034" and stub["status"] == "Inactive" and stub["department"] == "Engineering"
    assert "145300" not in rows[0]["payload"] and "Levi" not in rows[0]["payload"]
    assert report["supervisorEId"] == placeholder and report["id"] == "1050"


def test_owned_activity_is_dropped_and_mentions_elsewhere_masked(tmp_path):
    rules, placeholder = masker(tmp_path)
    records = [
        {"number": 1021, "author": {"login": "LWalker"}, "reviews": {"nodes": []}},
        {"number": 7, "author": {"login": "adiaz"}, "reviews": {"nodes": [{"author": {"login": "lwalker"}}]}},
    ]
    page = raw_table(["id"], [((r["number"],), r) for r in records], None, NOW)
    rows = rules.table("github_pull_requests", page).to_pylist()
    assert len(rows) == 1
    kept = json.loads(rows[0]["payload"])
    assert kept["reviews"]["nodes"][0]["author"]["login"] == placeholder


def test_an_employee_id_is_masked_only_where_an_employee_id_belongs(tmp_path):
    rules, placeholder = masker(tmp_path)
    ratings = pa.table({"employee_id": ["1050", "1021"], "rater_id": ["1021", "1050"], "comment": ["1021", "ok"]})
    rows = rules.table("review_competency_ratings", ratings).to_pylist()
    assert rows == [{"employee_id": "1050", "rater_id": placeholder, "comment": "1021"}]
    ticket = raw_table(["id"], [(("1021",), {"id": 1021, "assignee_id": 5, "subject": "Levi Walker"})], None, NOW)
    payload = json.loads(rules.table("zendesk_tickets", ticket).to_pylist()[0]["payload"])
    assert payload == {"id": 1021, "assignee_id": 5, "subject": placeholder}


def test_no_erasures_leave_pages_as_they_are(tmp_path):
    assert not Masker(listing.load(tmp_path / "erasure_list.json"))


def test_the_load_hook_applies_the_rule_to_every_page_of_its_table(tmp_path, monkeypatch):
    import dlt

    from orchestration.erasure import honour_erasures

    monkeypatch.delenv("ERASURE_LIST_PATH", raising=False)
    _, placeholder = masker(tmp_path)
    rows = [{"employee_id": "1021", "rater_id": "1050"}, {"employee_id": "1050", "rater_id": "1021"}]

    @dlt.source(name="reviews")
    def reviews():
        return [dlt.resource([pa.Table.from_pylist(rows)], name="review_competency_ratings")]

    loaded = honour_erasures(reviews(), tmp_path)
    pages = list(loaded.resources["review_competency_ratings"])
    assert [r for page in pages for r in page.to_pylist()] == [{"employee_id": "1050", "rater_id": placeholder}]
