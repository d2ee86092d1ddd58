"""The review-tool exports: documented format accepted, bad files rejected with file, row and column."""

import csv

import duckdb
import pytest

from orchestration.dbt_project import framework_competencies
from orchestration.resources import Warehouse
from sources import reviews


def load(directory, warehouse):
    settings = reviews.Settings(directory=directory)
    return warehouse.dlt_pipeline("raw_reviews").run(reviews.source(settings))


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
    ("file", "edit", "message"),
    [
        (
            "manager_ratings.csv",
            set_value(3, "rating", "Great"),
            r"manager_ratings\.csv: row 3, column rating: Input should be 'Exceptional'",
        ),
        (
            "competency_ratings.csv",
            set_value(7, "level", "6"),
            r"competency_ratings\.csv: row 7, column level: Input should be less than or equal to 5",
        ),
        (
            "process_survey.csv",
            set_value(2, "score", "ten"),
            r"process_survey\.csv: row 2, column score: Input should be a valid integer",
        ),
        ("appeals.csv", set_value(1, "status", "pending"), r"appeals\.csv: row 1, column status"),
        (
            "review_completions.csv",
            set_value(4, "started_at", "2026-10-01T10:00:00"),
            r"review_completions\.csv: row 4, column started_at: Input should have timezone info",
        ),
        (
            "review_completions.csv",
            set_value(2, "active_minutes", "-10"),
            r"review_completions\.csv: row 2, column active_minutes: Input should be greater than or equal to 0",
        ),
        (
            "manager_ratings.csv",
            set_value(5, "cycle", "2026Q3"),
            r"manager_ratings\.csv: row 5, column cycle: String should match pattern",
        ),
        (
            "manager_ratings.csv",
            lambda h, r: ([c for c in h if c != "manager_id"], r),
            r"manager_ratings\.csv: header row: missing column\(s\) manager_id",
        ),
        (
            "manager_ratings.csv",
            lambda h, r: (h, [*r, r[0]]),
            r"manager_ratings\.csv: row \d+, columns cycle, employee_id: duplicates row 1",
        ),
        (
            "calibration_decisions.csv",
            set_value(3, "final_rating", "Outstanding"),
            r"calibration_decisions\.csv: row 3, column final_rating: Input should be 'Exceptional'",
        ),
        (
            "calibration_decisions.csv",
            set_value(2, "closed_at", "2026-01-05T00:00:00Z"),
            r"calibration_decisions\.csv: row 2, column closed_at: .* differs from row 1's .* a cycle is closed on one date",
        ),
    ],
    ids=[
        "unknown-rating",
        "level-out-of-range",
        "score-not-integer",
        "unknown-status",
        "naive-timestamp",
        "negative-minutes",
        "bad-cycle",
        "missing-column",
        "duplicate-key",
        "unknown-final-rating",
        "two-closing-dates",
    ],
)
def test_bad_export_is_rejected_naming_file_row_and_column(exports, warehouse, file, edit, message):
    load(exports, warehouse)
    before = counts(warehouse)

    rewrite(exports / file, edit)
    with pytest.raises(Exception, match=message):
        load(exports, warehouse)

    assert counts(warehouse) == before  # the previous export is still whole


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
    with pytest.raises(Exception, match=r"competency_ratings\.csv: row 4, column competency: 'strategic_thinking' is "
                                        r"neither a competency the framework defines nor an alias"):  # fmt: skip
        warehouse.dlt_pipeline("raw_reviews").run(reviews.source(settings))
