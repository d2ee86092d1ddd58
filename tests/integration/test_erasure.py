"""Erasure end to end: a manager with reports, review comments, salary, GitHub and Jira accounts is
erased from a copy of the session's analysed warehouse (its dashboards and copies published first);
then nothing of theirs is found in any column of any table of the warehouse and both copies, nor as
bytes in any file under the data folder, their reports keep a reporting line, the audit row holds no
plaintext id, and a later load of the same source systems (raw assets, then dbt) does not bring them back.

The source systems' own files (the review exports the sandbox serves) are the source's, not ours:
they live outside the data folder, in ``tmp_path / "source_systems"``.
"""

import csv
import json
import shutil
import stat
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from tests.conftest import DBT, sandbox_systems, serving

TEXT = ("VARCHAR", "JSON")


@dataclass
class Traces:
    """Where a person's identifiers were found, and how much was searched."""

    found: list[str] = field(default_factory=list)
    databases: int = 0
    tables: int = 0
    columns: int = 0
    files: int = 0
    bytes: int = 0


@dataclass
class Subject:
    employee_id: str
    texts: set[str]  # name, emails, logins, account ids, a distinctive comment
    salary: Decimal
    reports: dict[str, int]  # direct report -> depth in the hierarchy

    def salary_strings(self) -> set[str]:
        value = float(self.salary)
        return {f"{value:,.0f}", f"{value:.2f}", f"{value:.1f}"}


def pick_subject(con: duckdb.DuckDBPyConnection) -> Subject:
    """An active manager with reports, comments, a salary no one else has, and GitHub and Jira accounts."""
    employee_id, salary = con.execute(
        """
        select e.employee_id, e.salary from marts.dim_employees as e
        where e.is_active and e.direct_reports > 0 and e.salary is not null
          and (select count(*) from marts.dim_employees as o where o.salary = e.salary) = 1
          and exists (select 1 from marts.fct_competency_comments as c where c.employee_id = e.employee_id)
          and (select count(distinct source) from intermediate.int_accounts_resolved as a
               where a.employee_id = e.employee_id and a.source in ('github', 'jira')) = 2
        order by e.direct_reports desc, e.employee_id limit 1
        """
    ).fetchone()
    texts = set(
        con.execute(
            "select full_name, work_email from marts.dim_employees where employee_id = ?", [employee_id]
        ).fetchone()
    )
    for row in con.execute(
        "select account_id, account_name, account_email from intermediate.int_accounts_resolved where employee_id = ?",
        [employee_id],
    ).fetchall():
        texts |= {value for value in row if value}
    reports = dict(
        con.execute("select employee_id, depth from marts.dim_employees where manager_id = ?", [employee_id]).fetchall()
    )
    return Subject(employee_id, texts, salary, reports)


def scan_database(path: Path, subject: Subject, traces: Traces, ids: tuple[str, ...]) -> None:
    """Every column of every table: text containing any identifier, an id column holding one of
    ``ids``, a number equal to the salary."""
    traces.databases += 1
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select schema_name, table_name, list((column_name, data_type)) from duckdb_columns() "
            "where database_name = current_database() group by all"
        ).fetchall()
        for schema, table, columns in tables:
            traces.tables += 1
            for column, kind in columns:
                traces.columns += 1
                ref = f'{schema}."{table}"."{column}"'
                if kind in TEXT:
                    value = f'lower("{column}"::varchar)'
                    for text in subject.texts:
                        hits = con.execute(
                            f'select count(*) from {schema}."{table}" where contains({value}, ?)', [text.lower()]
                        )
                        if hits.fetchone()[0]:
                            traces.found.append(f"{path.name}:{ref} holds an identifier")
                    if column.endswith(
                        ("employee_id", "manager_id", "rater_id", "reviewer_id", "decided_by", "proposed_by")
                    ):
                        hits = con.execute(
                            f'select count(*) from {schema}."{table}" where "{column}" in (select unnest(?))',
                            [list(ids)],
                        )
                        if hits.fetchone()[0]:
                            traces.found.append(f"{path.name}:{ref} holds their id")
                elif kind.startswith(("DECIMAL", "DOUBLE", "FLOAT", "INTEGER", "BIGINT", "HUGEINT")):
                    hits = con.execute(
                        f'select count(*) from {schema}."{table}" where "{column}" = ?', [float(subject.salary)]
                    )
                    if hits.fetchone()[0]:
                        traces.found.append(f"{path.name}:{ref} holds their salary")


def scan_files(data: Path, subject: Subject, traces: Traces) -> None:
    """Every file under the data folder, as bytes (case-insensitive), and every file name."""
    needles = {t.lower().encode() for t in subject.texts} | {s.encode() for s in subject.salary_strings()}
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        traces.files += 1
        content = path.read_bytes().lower()
        traces.bytes += len(content)
        traces.found += [f"{path.relative_to(data)} holds {len(n)}-byte identifier" for n in needles if n in content]
        if path.stem == subject.employee_id:
            traces.found.append(f"{path.relative_to(data)} is their page")


def scan(data: Path, subject: Subject, ids: tuple[str, ...] = ()) -> Traces:
    traces = Traces()
    for name in ("warehouse.duckdb", "warehouse_analyst.duckdb", "warehouse_hr.duckdb"):
        scan_database(data / name, subject, traces, ids or (subject.employee_id,))
    scan_files(data, subject, traces)
    return traces


def with_distinctive_comment(exports: Path, employee_id: str, comment: str) -> None:
    """The review tool's export, the person's 360 comments rewritten to a text found nowhere else."""
    path = exports / "competency_ratings.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["employee_id"] == employee_id and row["comment"]:
            row["comment"] = comment
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_erasure_leaves_no_trace_and_later_loads_honour_it(analysed, company, tmp_path, monkeypatch):
    from orchestration.assets.copies import warehouse_copies
    from orchestration.assets.dashboards import dashboard_site
    from orchestration.assets.dbt import dbt_models
    from orchestration.assets.raw import activity_assets, snapshot_assets
    from orchestration.dbt_project import DBT_PROJECT
    from orchestration.erase import erase
    from orchestration.partitions import range_tags
    from orchestration.resources import Warehouse

    for variable in ("ERASURE_LIST_PATH", "DASHBOARDS_DIR", "ANALYST_WAREHOUSE_PATH", "HR_WAREHOUSE_PATH"):
        monkeypatch.delenv(variable, raising=False)
    source, _ = analysed
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy2(source.absolute_path, data / "warehouse.duckdb")
    shutil.copytree(source.data_dir / ".dlt", data / ".dlt")  # dlt's working files, as a run leaves them
    resources = {
        "dlt": DagsterDltResource(),
        "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT),
        "warehouse": Warehouse(path=str(data / "warehouse.duckdb")),
    }
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([dashboard_site, warehouse_copies], resources=resources, instance=instance).success
    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        subject = pick_subject(con)
        comments = con.execute(
            "select count(*) from marts.fct_competency_comments where employee_id = ?", [subject.employee_id]
        ).fetchone()[0]

    # The dashboards server's access log: a view by the person, and one by someone else that stays as it was.
    email = min(text for text in subject.texts if "@" in text)
    access_log = data / "access.log"
    theirs = {"email": email, "employee_id": subject.employee_id, "path": f"/people/{subject.employee_id}.html"}
    other = '{"email": "someone.else@example.com", "employee_id": null, "path": "/hr/merit.html"}\n'
    access_log.write_text(json.dumps(theirs) + "\n" + other, encoding="utf-8")

    before = scan(data, subject)
    kinds = {"identifier", "their id", "their salary", "their page"}
    assert {kind for kind in kinds if any(kind in trace for trace in before.found)} == kinds, before.found
    assert comments > 0

    erasure = erase(subject.employee_id, "tester", resources, instance)
    assert erasure.rebuilt
    assert access_log.read_text(encoding="utf-8").splitlines()[1] + "\n" == other
    assert access_log.stat().st_mode & 0o777 == 0o600
    placeholder = erasure.placeholder

    # A later load from the same source systems, whose export now gives them a comment found nowhere else.
    exports = tmp_path / "source_systems"
    comment = "Distinctive remark about the erased person, 7f3a"
    with serving(company, exports) as server:
        with_distinctive_comment(exports / "reviews", subject.employee_id, comment)
        resources |= {"source_systems": sandbox_systems(server)}
        assert dg.materialize(snapshot_assets, resources=resources, instance=instance).success
        tags = range_tags("2026-07-01", "2026-09-01")
        assert dg.materialize(activity_assets, resources=resources, instance=instance, tags=tags).success
    assert dg.materialize([dbt_models], resources=resources, instance=instance).success
    subject.texts.add(comment)

    after = scan(data, subject, ids=(subject.employee_id,))
    assert after.found == []
    print(
        f"\nerasure check: 0 traces (before: {len(before.found)}); searched {len(subject.texts)} identifiers, the salary "
        f"as {len(subject.salary_strings())} strings and the id in {after.databases} databases, {after.tables} tables, "
        f"{after.columns} columns, and {after.files} files ({after.bytes / 1e6:.1f} MB) under the data folder"
    )

    with duckdb.connect(str(data / "warehouse.duckdb"), read_only=True) as con:
        # Their reports keep their reporting line, the placeholder standing in for them.
        kept = dict(
            con.execute(
                "select employee_id, depth from marts.dim_employees where manager_id = ?", [placeholder]
            ).fetchall()
        )
        assert kept == subject.reports
        assert con.execute(
            "select count(*) from marts.dim_reporting_lines where manager_id = ? and employee_id in (select unnest(?))",
            [placeholder, list(subject.reports)],
        ).fetchone()[0] == len(subject.reports)
        assert (
            con.execute(
                "select count(*) from marts.fct_competency_comments where employee_id in (?, ?)",
                [subject.employee_id, placeholder],
            ).fetchone()[0]
            == 0
        )
        # Closed cycles and the append-only audit keep their rows, the person replaced.
        assert (
            con.execute("select count(*) from analytics.rating_audit where employee_id = ?", [placeholder]).fetchone()[
                0
            ]
            > 0
        )
        audit = con.execute("select id_hash, placeholder, erased_by, removed from meta.erasures").fetchall()
    assert len(audit) == 1
    id_hash, recorded, erased_by, removed = audit[0]
    assert (recorded, erased_by) == (placeholder, "tester")
    assert subject.employee_id not in id_hash and json.loads(removed)["raw.bamboohr_employees"]["masked"] >= 1

    listed = data / "erasure_list.json"
    assert stat.S_IMODE(listed.stat().st_mode) == 0o600
    assert subject.employee_id not in json.dumps(json.loads(listed.read_text())["people"][0]["accounts"])
    assert not (data / "dashboards" / "people" / f"{subject.employee_id}.html").exists()
