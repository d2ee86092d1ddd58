"""The copies analysts and HR query: published whole after a refresh, read without ever blocking
the pipeline, the analyst copy free of every name, email, login, salary and comment of the org,
its people under stable pseudonyms, and the views answering the first questions."""

import os
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pandas as pd
import pytest

from orchestration.assets.copies import warehouse_copies
from warehouse_copies import policy
from warehouse_copies.views import VIEWS

ROOT = Path(__file__).resolve().parents[2]


def publish(warehouse) -> dg.MaterializeResult:
    result = dg.materialize(
        [warehouse_copies], resources={"warehouse": warehouse}, instance=dg.DagsterInstance.ephemeral()
    )
    assert result.success
    return result


@pytest.fixture(scope="module")
def published(analysed):
    warehouse, result = analysed
    assert result.success
    publish(warehouse)
    return warehouse


@pytest.fixture(scope="module")
def analyst(published):
    with duckdb.connect(str(published.copies.analyst), read_only=True) as con:
        yield con


def personal_data(company, exports: Path) -> dict[str, set[str]]:
    """What of each person of the sandbox org must never reach the analyst copy, from the org itself."""
    company.write_review_exports(exports)
    people, accounts = company.people, pd.concat(company.accounts.values())
    competencies = pd.read_csv(exports / "competency_ratings.csv", dtype=str)
    free_text = [
        pd.read_csv(exports / name, dtype=str)[column]
        for name, column in (("appeals.csv", "reason"), ("calibration_decisions.csv", "reason"))
    ]
    return {
        "name": set(people["display_name"]) | set(accounts["name"].dropna()),
        "email": set(people["work_email"]) | set(accounts["email"].dropna()),
        "login": set(accounts["account_id"].astype(str)),
        "salary": {f"{s:.2f}" for s in people["salary"]} | {f"{s:,.0f}" for s in people["salary"]},
        "comment": set(pd.concat([competencies["comment"], *free_text]).dropna()) - {""},
    }


NUMBERS = ("DECIMAL", "DOUBLE", "FLOAT", "INTEGER", "BIGINT", "HUGEINT")


def stored_columns(con) -> list[tuple[str, str, str, str]]:
    return con.execute(
        "select schema_name, table_name, column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and not internal"
    ).fetchall()


def leaks(con, needles: dict[str, set[str]]) -> dict[str, str]:
    """Per kind of personal data, a column of the database at ``con`` holding some of it."""
    con.execute("create or replace temp table needles (kind varchar, needle varchar)")
    con.executemany("insert into needles values (?, ?)", [(k, v) for k, vs in needles.items() for v in vs])
    found = {}
    for schema, table, column, kind in stored_columns(con):
        if kind == "VARCHAR":
            holds = f'contains(t."{column}", n.needle)'
        elif kind.startswith(NUMBERS):  # a number can only be a salary, written to the cent
            holds = f"printf('%.2f', cast(t.\"{column}\" as double)) = n.needle"
        else:
            continue
        hits = con.execute(
            f"select n.kind, any_value(n.needle) from {schema}.{table} as t join needles as n on {holds} group by n.kind"
        ).fetchall()
        found |= {kind: f"{schema}.{table}.{column}: {example!r}" for kind, example in hits}
    return found


def test_analyst_copy_holds_no_name_email_login_salary_or_comment(published, analyst, company, tmp_path):
    needles = personal_data(company, tmp_path)
    assert all(needles.values()), {kind: len(values) for kind, values in needles.items()}
    assert leaks(analyst, needles) == {}
    with duckdb.connect(str(published.copies.hr), read_only=True) as hr:  # the scan finds what is there
        assert set(leaks(hr, needles)) == set(needles)


def test_analyst_copy_keeps_people_under_stable_keyed_pseudonyms(published, analyst, company):
    ids = set(company.people["employee_id"].astype(str))
    people = analyst.execute("select employee_id, manager_id from marts.dim_employees").df()
    assert len(people) == len(ids) and people["employee_id"].str.startswith("p_").all()
    assert not set(people["employee_id"]) & ids
    assert set(people["manager_id"].dropna()) <= set(people["employee_id"])  # the same person, the same pseudonym
    reviewed = analyst.execute("select distinct employee_id from analytics.final_ratings").df()["employee_id"]
    assert set(reviewed) <= set(people["employee_id"])
    key = published.copies.key_file
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    publish(published)  # a later run: the same pseudonyms
    with duckdb.connect(str(published.copies.analyst), read_only=True) as again:
        assert set(again.execute("select employee_id from marts.dim_employees").df()["employee_id"]) == set(
            people["employee_id"]
        )


def test_small_groups_have_their_sensitive_attributes_withheld(published, analyst):
    k = published.copies.min_group_size
    for attribute in policy.SENSITIVE:
        groups = analyst.execute(
            f"select department, {attribute}, count(*) as people from marts.dim_employees group by all"
        ).df()
        shown = groups[groups[attribute] != policy.WITHHELD]
        assert (shown["people"] >= k).all(), shown[shown["people"] < k]
    full = published.read("select department, gender, count(*) as people from marts.dim_employees group by all")
    assert (full["people"] < k).any(), "the sandbox org has small groups to generalise"
    assert analyst.execute("select count(*) from marts.dim_employees where gender = 'withheld'").fetchone()[0] > 0


def test_the_hr_copy_holds_everything_owner_only_and_the_analyst_copy_no_raw_layer(published, analyst):
    copies = published.copies
    assert stat.S_IMODE(copies.hr.stat().st_mode) == 0o600
    with duckdb.connect(str(copies.hr), read_only=True) as hr:
        names = hr.execute(
            "select p.full_name, e.salary from views.people as p join marts.dim_employees as e using (employee_id)"
        ).df()
        assert names["full_name"].notna().all() and names["salary"].notna().all()
        stored = hr.execute("select count(*) from marts.dim_employees").fetchone()[0]
    assert stored == published.read("select count(*) as n from marts.dim_employees")["n"][0]
    schemas = analyst.execute(
        "select distinct schema_name from duckdb_tables() where database_name = current_database()"
    )
    schemas = {name for (name,) in schemas.fetchall()}
    assert schemas == set(policy.SCHEMAS)


def test_views_answer_by_department_level_and_manager_for_the_latest_complete_quarter(published, analyst):
    quarter = analyst.execute("select quarter_start from views.latest_complete_quarter").fetchone()[0]
    complete = published.read(
        "select max(period_start) as q from marts.fct_performance_scores "
        "where period_type = 'quarter' and not is_partial_period"
    )["q"][0]
    assert pd.Timestamp(quarter) == pd.Timestamp(complete)
    scores = analyst.execute("select * from views.quarter_scores").df()
    assert {"employee_id", "department", "level", "manager_id"} <= set(scores.columns)
    assert "full_name" not in scores.columns and len(scores) > 0
    distribution = analyst.execute("select department, sum(share_pct) as s from views.rating_distribution group by 1")
    assert all(abs(total - 100) < 0.5 for _, total in distribution.fetchall())
    described = analyst.execute("select view_name, comment from duckdb_views() where schema_name = 'views'").fetchall()
    assert {name for name, comment in described if comment} == set(VIEWS)


def test_the_latest_complete_quarter_skips_partial_quarters():
    con = duckdb.connect()
    con.execute("create schema marts; create schema views")
    con.execute(
        "create table marts.fct_performance_scores as select * from (values "
        "('quarter', date '2025-10-01', true), ('quarter', date '2026-01-01', false), "
        "('quarter', date '2026-04-01', false), ('quarter', date '2026-07-01', true)) "
        "as t(period_type, period_start, is_partial_period)"
    )
    description, sql = VIEWS["latest_complete_quarter"]
    assert con.execute(sql).fetchone() == (pd.Timestamp("2026-04-01").date(), pd.Timestamp("2026-06-30").date())


def test_columns_of_the_warehouse_and_the_copies_carry_their_descriptions(published, analyst):
    undescribed = analyst.execute(
        "select schema_name || '.' || table_name || '.' || column_name from duckdb_columns() "
        "where schema_name in ('marts', 'analytics') and (comment is null or comment = '')"
    ).fetchall()
    assert undescribed == []
    comment = analyst.execute(
        "select comment from duckdb_columns() where schema_name = 'marts' and table_name = 'dim_employees' "
        "and column_name = 'manager_id'"
    ).fetchone()[0]
    assert comment.endswith(policy.PSEUDONYMISED_NOTE.strip())


def test_readers_of_the_analyst_copy_never_block_a_publish(published):
    """A reader holding the copy open and one querying in a loop, while the copy is published again."""
    path = published.copies.analyst
    held = duckdb.connect(str(path), read_only=True)
    before = held.execute("select count(*) from marts.dim_employees").fetchone()[0]
    loop = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.concurrent_reads", "--loop", str(path), "8"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    time.sleep(1)
    for _ in range(2):
        publish(published)
    queries, errors = map(int, loop.communicate(timeout=60)[0].split())
    assert held.execute("select count(*) from marts.dim_employees").fetchone()[0] == before  # the old file still reads
    held.close()
    assert queries > 10 and errors == 0


def test_make_sql_answers_a_piped_question(published):
    env = {**os.environ, "WAREHOUSE_PATH": published.path}
    shell = subprocess.run(
        [sys.executable, "-m", "orchestration.sql_shell"],
        input="select count(*) as people\nfrom views.people;\n.tables\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert shell.returncode == 0, shell.stderr
    count = published.read("select count(*) as n from marts.dim_employees")["n"][0]
    assert re.search(r"people\s+(\d+)", shell.stdout).group(1) == str(count)
    assert "views.quarter_scores" in shell.stdout
