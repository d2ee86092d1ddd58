"""The review-tool exports: documented format accepted, unreadable files rejected naming the file, bad
rows quarantined with their row, column and reason while the others load."""

import csv
from datetime import date

import duckdb
import pytest

from orchestration.dbt_project import framework_competencies
from orchestration.resources import Warehouse
from sandbox.bad_input import reencode
from sources import reviews
from sources.quarantine import Quarantine


def load(directory, warehouse, **settings):
    """Load the exports; the quarantine of the load."""
    quarantine = Quarantine("reviews", date(2026, 11, 1))
    options = reviews.Settings(directory=directory, **settings)
    warehouse.dlt_pipeline("raw_reviews").run(reviews.source(options, quarantine=quarantine))
    return quarantine


def rewrite(path, edit):
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    header, rows = edit(header, rows)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def counts(warehouse):
    with duckdb.connect(warehouse.path, read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in reviews.EXPORTS}


@pytest.fixture
def exports(company, tmp_path):
    directory = tmp_path / "exports"
    company.write_review_exports(directory)
    return directory


@pytest.fixture
def warehouse(tmp_path):
    return Warehouse(path=str(tmp_path / "warehouse.duckdb"))


def test_valid_exports_load_typed(exports, warehouse):
    load(exports, warehouse)
    for table, model in reviews.EXPORTS.items():
        with (exports / model.FILE).open() as handle:
            assert counts(warehouse)[table] == sum(1 for _ in csv.DictReader(handle))
    with duckdb.connect(warehouse.path, read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = 'review_competency_ratings'"
            ).fetchall()
        )
        assert types["level"] == "BIGINT"
        assert types["_loaded_at"].startswith("TIMESTAMP")
        ratings = {r for (r,) in con.execute("select distinct rating from raw.review_manager_ratings").fetchall()}
    assert ratings <= {"Exceptional", "Strong", "Meets", "Improvement"}


def set_value(row_number, column, value):
    def edit(header, rows):
        rows[row_number - 1][column] = value
        return header, rows

    return edit


@pytest.mark.parametrize(
    ("file", "edit", "reason"),
    [
        ("manager_ratings.csv", set_value(3, "rating", "Great"), "rating outside the scale: column rating: Input should be 'Exceptional'"),
        ("competency_ratings.csv", set_value(7, "level", "6"), "rating outside the scale: column level: Input should be less than or equal to 5"),
        ("process_survey.csv", set_value(2, "score", "ten"), "invalid value: column score: Input should be a valid integer"),
        ("appeals.csv", set_value(1, "status", "pending"), "invalid value: column status"),
        ("review_completions.csv", set_value(4, "started_at", "2026-10-01T10:00:00"), "invalid value: column started_at: Input should have timezone info"),
        ("review_completions.csv", set_value(2, "active_minutes", "-10"), "invalid value: column active_minutes: Input should be greater than or equal to 0"),
        ("manager_ratings.csv", set_value(5, "cycle", "2026Q3"), "invalid value: column cycle: String should match pattern"),
        ("manager_ratings.csv", set_value(5, "cycle", "2031-Q4"), "review cycle not started: 2031-Q4 is after today's quarter 2026-Q4"),
        ("calibration_decisions.csv", set_value(3, "final_rating", "Outstanding"), "rating outside the scale: column final_rating"),
    ],
    ids=["unknown-rating", "level-out-of-range", "score-not-integer", "unknown-status", "naive-timestamp",
         "negative-minutes", "bad-cycle", "cycle-not-started", "unknown-final-rating"],
)  # fmt: skip
def test_a_bad_row_is_quarantined_with_its_reason_and_the_others_load(exports, warehouse, file, edit, reason):
    load(exports, warehouse)
    before = counts(warehouse)
    table = next(t for t, m in reviews.EXPORTS.items() if file == m.FILE)

    rewrite(exports / file, edit)
    quarantine = load(exports, warehouse)

    [row] = quarantine.rows
    assert (row["table_name"], row["reason"][: len(reason)]) == (table, reason)
    assert counts(warehouse) == {**before, table: before[table] - 1}


@pytest.mark.parametrize(
    ("file", "edit", "message"),
    [
        (
            "manager_ratings.csv",
            lambda h, r: ([c for c in h if c != "manager_id"], r),
            r"manager_ratings\.csv: header row: missing column\(s\) manager_id",
        ),
        (
            "calibration_decisions.csv",
            set_value(2, "closed_at", "2026-01-05T00:00:00Z"),
            r"calibration_decisions\.csv: row 2, column closed_at: .* differs from row 1's .* a cycle is closed on one date",
        ),
    ],
    ids=["missing-column", "two-closing-dates"],
)
def test_a_bad_file_is_rejected_whole_naming_it(exports, warehouse, file, edit, message):
    load(exports, warehouse)
    before = counts(warehouse)

    rewrite(exports / file, edit)
    with pytest.raises(Exception, match=message):
        load(exports, warehouse)

    assert counts(warehouse) == before  # the previous export is still whole


def test_duplicates_collapse_when_equal_and_are_quarantined_when_they_conflict(exports, warehouse):
    load(exports, warehouse)
    before = counts(warehouse)["review_manager_ratings"]
    rewrite(exports / "manager_ratings.csv", lambda h, r: (h, [*r, r[0]]))
    assert not load(exports, warehouse).rows and counts(warehouse)["review_manager_ratings"] == before

    def conflicting(header, rows):
        rating = "Improvement" if rows[0]["rating"] != "Improvement" else "Strong"
        return header, [*rows[:-1], {**rows[0], "rating": rating}]  # the exact twin gives way to a conflicting one

    rewrite(exports / "manager_ratings.csv", conflicting)
    rows = load(exports, warehouse).rows
    assert [r["reason"] for r in rows] == [
        "duplicate with conflicting values: cycle, employee_id repeated with other values"
    ] * 2
    assert counts(warehouse)["review_manager_ratings"] == before - 1


def test_an_empty_file_or_one_in_another_encoding_is_rejected_naming_file_line_and_byte(exports, warehouse):
    load(exports, warehouse)
    before = counts(warehouse)
    (exports / "appeals.csv").write_text("")
    with pytest.raises(Exception, match=r"appeals\.csv: no header row \(the file is empty\)"):
        load(exports, warehouse)
    (exports / "appeals.csv").unlink()
    reencode(exports / "competency_ratings.csv", "latin-1", row=2)
    with pytest.raises(Exception, match=r"competency_ratings\.csv: not utf-8 text: line 3, byte offset \d+ \(0xe8\)"):
        load(exports, warehouse)
    assert counts(warehouse) == before


def test_the_declared_encoding_is_read_and_a_utf8_byte_order_mark_accepted(exports, warehouse):
    reencode(exports / "manager_ratings.csv", "utf-8-sig", row=1, column="rating", text="Strong")
    assert not load(exports, warehouse).rows  # the byte-order mark is not part of the first column's name
    reencode(exports / "competency_ratings.csv", "latin-1", row=2, text="Très clair")
    with pytest.raises(Exception, match="not utf-8 text"):
        load(exports, warehouse)
    for path in exports.glob("*.csv"):
        if path.name != "competency_ratings.csv":
            path.write_bytes(path.read_bytes().decode("utf-8-sig").encode("latin-1"))
    load(exports, warehouse, encoding="latin-1")
    with duckdb.connect(warehouse.path, read_only=True) as con:
        comments = {c for (c,) in con.execute("select comment from raw.review_competency_ratings").fetchall()}
    assert "Très clair" in comments
    with pytest.raises(ValueError, match="unknown encoding 'latin-9x'"):
        reviews.Settings(directory=exports, encoding="latin-9x")


def test_missing_file_is_named(exports, warehouse):
    (exports / "appeals.csv").unlink()
    with pytest.raises(Exception, match=r"appeals\.csv: file not found"):
        load(exports, warehouse)


def test_calibration_decisions_are_optional(exports, warehouse):
    (exports / "calibration_decisions.csv").unlink()
    load(exports, warehouse)
    assert counts(warehouse)["review_calibration_decisions"] == 0
    assert counts(warehouse)["review_manager_ratings"] > 0


def test_extra_columns_are_ignored_and_empty_optional_values_are_null(exports, warehouse):
    def edit(header, rows):
        for row in rows:
            row["comment"], row["extra"] = "", "ignored"
        return [*header, "extra"], rows

    rewrite(exports / "competency_ratings.csv", edit)
    load(exports, warehouse)
    with duckdb.connect(warehouse.path, read_only=True) as con:
        assert (
            con.execute("select count(*) from raw.review_competency_ratings where comment is not null").fetchone()[0]
            == 0
        )


def test_competencies_must_be_defined_or_aliased(contrast_company, tmp_path, warehouse):
    """The contrast company's review tool names competencies its own way: aliases are accepted, a key
    the framework neither defines nor aliases rejects the file, naming the row and the value."""
    exports = tmp_path / "contrast"
    contrast_company.write_review_exports(exports)
    settings = reviews.Settings(directory=exports, competencies=framework_competencies())
    warehouse.dlt_pipeline("raw_reviews").run(reviews.source(settings))
    assert counts(warehouse)["review_competency_ratings"] > 0

    rewrite(exports / "competency_ratings.csv", set_value(4, "competency", "strategic_thinking"))
    quarantine = Quarantine("reviews", date(2026, 11, 1))
    warehouse.dlt_pipeline("raw_reviews").run(reviews.source(settings, quarantine=quarantine))
    [row] = quarantine.rows
    assert row["reason"].startswith("unknown competency: 'strategic_thinking' is neither a competency the framework "
                                    "defines nor an alias")  # fmt: skip
    assert '"_source_row":4' in row["record"]
