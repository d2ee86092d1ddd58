"""``make bench-dbt``: wall time of ``dbt build`` on a 50,000-person org with 12 months of activity.

Two builds are timed: a full refresh (every payload parsed), then the nightly build after the
nightly load re-merged a month of activity (incremental staging parses only those rows).

Loading 50,000 people through the vendor APIs takes over an hour, so the raw layer is made
from a loaded org (``make demo``'s 500 people) copied N times with every identity made unique
per copy: ids, account ids, logins and project keys get a ``<copy>-`` prefix and work emails a
per-copy domain, so identity resolution, the hierarchy and every metric see N separate orgs.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from orchestration.dbt_project import DBT_PROJECT

# JSON keys holding an identity, per raw table (nested occurrences included).
ID_KEYS = {
    "bamboohr_employees": ["id", "employeeNumber", "supervisorEId"],
    "jira_issues": ["id", "accountId"],
    "jira_users": ["accountId"],
    "github_pull_requests": ["repository", "login"],
    "github_members": ["login"],
    "sonarqube_measures": ["component"],
    "salesforce_opportunities": ["Id", "OwnerId", "AccountId"],
    "salesforce_users": ["Id"],
    "zendesk_tickets": ["id", "assignee_id", "requester_id", "ticket_id"],
    "zendesk_satisfaction_ratings": ["id", "ticket_id", "assignee_id", "requester_id"],
    "zendesk_agents": ["id"],
    "pagerduty_incidents": ["id"],
    "pagerduty_users": ["id"],
}
# Jira's issue key ("PAY-38") shares its JSON key with status categories and projects: match its shape.
ISSUE_KEY = '"key":"([A-Z][A-Z0-9]*-[0-9]+)"'
REVIEW_ID_COLUMNS = ["employee_id", "manager_id", "rater_id", "reviewer_id", "appeal_id", "response_id"]
# Columns copied as they are: load metadata, the payload (rewritten above) and non-identity keys.
KEEP = {
    "payload",
    "_loaded_at",
    "_window_start",
    "_window_end",
    "_source_file",
    "_source_row",
    "_dlt_load_id",
    "_dlt_id",
    "metric",
    "date",
}
EMAIL_DOMAIN = "@sandbox-corp.example"


def _copied_payload(table: str) -> str:
    keys = ID_KEYS[table]
    pattern = '"(' + "|".join(keys) + ')":"?([^",}\\]]+)"?'
    prefixed = f"regexp_replace(payload::varchar, '{pattern}', '\"\\1\":\"' || c || '-\\2\"', 'g')"
    if table == "jira_issues":
        prefixed = f"regexp_replace({prefixed}, '{ISSUE_KEY}', '\"key\":\"' || c || '-\\1\"', 'g')"
    unnulled = f"replace({prefixed}, '\"' || c || '-null\"', 'null')"
    return f"replace({unnulled}, '{EMAIL_DOMAIN}', '@c' || c || '.sandbox-corp.example')::json"


def scale_raw(source: Path, target: Path, copies: int) -> dict[str, int]:
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    con.execute(f"attach '{source}' as src (read_only)")
    con.execute("create schema raw")
    # The load ledger as it is: the months employees are measured over come from it.
    con.execute("create schema meta")
    con.execute("create table meta.loads as select * from src.meta.loads")
    counts = {}
    tables = [
        t
        for (t,) in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'src' and table_schema = 'raw' "
            "and table_name not like '\\_dlt%' escape '\\'"
        ).fetchall()
    ]
    for table in tables:
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_catalog = 'src' and table_schema = 'raw' "
                "and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
        ]
        select = []
        for column in columns:
            if column == "payload":
                select.append(f"{_copied_payload(table)} as payload")
            elif column not in KEEP and (table in ID_KEYS or column in REVIEW_ID_COLUMNS):
                select.append(f"c || '-' || {column} as {column}")
            else:
                select.append(column)
        con.execute(
            f"create table raw.{table} as select {', '.join(select)} from src.raw.{table}, range({copies}) as r(c)"
        )
        counts[table] = con.execute(f"select count(*) from raw.{table}").fetchone()[0]
    con.close()
    return counts


def reload_a_month(warehouse: Path, months: int = 12) -> int:
    """What a nightly load does to the raw layer: about a month's rows are merged again (and stamped).

    The demo loads its history as one range, so rows carry no month of their own: a fixed
    1/``months`` of each activity table, picked by a hash of the payload, stands for the month.
    """
    con = duckdb.connect(str(warehouse))
    tables = [
        t
        for (t,) in con.execute(
            "select table_name from information_schema.columns where table_schema = 'raw' "
            "and column_name = '_window_start'"
        ).fetchall()
    ]
    touched = sum(
        con.execute(
            f"update raw.{table} set _loaded_at = now() where hash(payload::varchar) % {months} = 0"
        ).fetchone()[0]
        for table in tables
    )
    con.close()
    return touched


def dbt_build(warehouse: Path, target_path: Path, *flags: str) -> tuple[float, list[tuple[str, float]], int]:
    started = time.perf_counter()
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "build",
            *flags,
            "--target-path",
            str(target_path),
            "--vars",
            json.dumps({"warehouse_path": str(warehouse)}),
        ],
        cwd=DBT_PROJECT.project_dir,
        env={**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        print(run.stdout[-4000:], file=sys.stderr)
    results = json.loads((target_path / "run_results.json").read_text())["results"]
    slowest = sorted(((r["unique_id"].split(".")[-1], r["execution_time"]) for r in results), key=lambda r: -r[1])[:8]
    return elapsed, slowest, run.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--source", type=Path, default=Path("data/warehouse.duckdb"), help="a warehouse make demo loaded"
    )
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--work-dir", type=Path, default=Path("data/bench"))
    parser.add_argument("--reuse", action="store_true", help="build on the scaled raw layer of an earlier run")
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    warehouse = (args.work_dir / "warehouse.duckdb").resolve()
    if not args.reuse:
        started = time.perf_counter()
        counts = scale_raw(args.source.resolve(), warehouse, args.copies)
        print(
            f"raw layer x{args.copies} in {time.perf_counter() - started:.0f} s: "
            f"{counts['bamboohr_employees']:,} employees, {counts['zendesk_tickets']:,} tickets, "
            f"{counts['jira_issues']:,} Jira issues, {counts['github_pull_requests']:,} pull requests"
        )
    target = (args.work_dir / "target").resolve()
    _report("dbt build --full-refresh", *dbt_build(warehouse, target, "--full-refresh"))
    print(f"nightly load: {reload_a_month(warehouse):,} raw rows merged again")
    _report("nightly dbt build (incremental staging)", *dbt_build(warehouse, target))


def _report(label: str, elapsed: float, slowest: list[tuple[str, float]], code: int) -> None:
    print(f"{label}: {elapsed:.1f} s wall ({'passed' if code == 0 else 'FAILED'})")
    for name, seconds in slowest:
        print(f"    {seconds:6.1f} s  {name}")


if __name__ == "__main__":
    main()
