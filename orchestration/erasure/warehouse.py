"""Erasing a person inside the warehouse file: what identifies them, the raw rows (through the
load's own rule, masking.py), every other table (SQL), the audit row, and the file rewritten
so DuckDB's free blocks keep nothing of them."""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from .masking import Counts, Masker, raw_tables

RAW_SCHEMAS = ("raw", "raw_staging")
# dbt rebuilds these schemas from the masked raw tables; what it cannot rebuild stays and is masked.
DBT_SCHEMAS = ("staging", "intermediate", "marts")
KEPT_DBT_TABLES = {("intermediate", "int_metric_thresholds_derived")}  # full_refresh=false: history of thresholds
AUDIT = "meta.erasures"
# Rows that outlive an erasure with the person replaced: the append-only rating audit and the
# frozen results of closed cycles. Of those rows these details go (money and free text).
APPEND_ONLY = {("analytics", "rating_audit")}
DETAILS = {
    "salary", "new_salary", "increase", "salary_increase", "lump_sum", "reason", "evidence", "evidence_note",
    "note", "comment", "drivers", "development_areas", "readiness_note",
}  # fmt: skip
TEXT_TYPES = ("VARCHAR", "JSON")


class UnknownEmployee(LookupError):
    """The warehouse holds no employee with that id."""


@dataclass
class Person:
    employee_id: str
    accounts: set[str] = field(default_factory=set)  # account ids, logins, emails, names

    def patterns(self) -> str:
        """A case-insensitive regular expression matching any of the account identifiers as a word."""
        words = sorted((re.escape(a) for a in self.accounts if len(a) > 2), key=len, reverse=True)
        return r"(?i)\b(" + "|".join(words) + r")\b"


def _relations(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
    rows = con.execute(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema not in ('information_schema', 'pg_catalog')"
    ).fetchall()
    return [r for r in rows if schemas is None or r[0] in schemas]


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()
    return dict(rows)


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(_columns(con, schema, table))


def find_person(con: duckdb.DuckDBPyConnection, employee_id: str) -> Person:
    """Everything that identifies the employee: their HRIS names and email, the accounts the dbt
    identity models resolved (or suggested) to them with those accounts' names and emails, and
    the emails their GitHub logins committed with."""
    if not _has(con, "raw", "bamboohr_employees"):
        raise UnknownEmployee(f"employee {employee_id!r}: the warehouse has no HRIS data")
    record = con.execute("select payload from raw.bamboohr_employees where id = ?", [employee_id]).fetchone()
    if record is None:
        raise UnknownEmployee(
            f"employee {employee_id!r} is not in the warehouse (unknown id, or erased already: see {AUDIT})"
        )
    hris = json.loads(record[0])
    person = Person(employee_id)
    first_last = " ".join(str(hris.get(k) or "").strip() for k in ("firstName", "lastName")).strip()
    person.accounts |= {hris.get("displayName"), hris.get("workEmail"), first_last} - {None, ""}
    queries = []
    if _has(con, "intermediate", "int_accounts_resolved"):
        queries.append(
            "select account_id, account_name, account_email, source from intermediate.int_accounts_resolved "
            "where employee_id = $1"
        )
    if _has(con, "marts", "rpt_unmatched_accounts"):
        queries.append(
            "select account_id, account_name, account_email, source from marts.rpt_unmatched_accounts "
            "where suggested_employee_id = $1"
        )
    logins = set()
    for sql in queries:
        for account_id, name, email, source in con.execute(sql, [employee_id]).fetchall():
            person.accounts |= {account_id, name, email} - {None, ""}
            if source == "github":
                logins.add(account_id)
    if logins and _has(con, "staging", "stg_github__commit_authors"):
        emails = con.execute(
            "select distinct email from staging.stg_github__commit_authors where login in (select unnest($1))",
            [sorted(logins)],
        ).fetchall()
        person.accounts |= {e for (e,) in emails if e and not e.endswith("@users.noreply.github.com")}
    person.accounts = {str(a).strip() for a in person.accounts}
    return person


def erase_raw(con: duckdb.DuckDBPyConnection, masker: Masker) -> dict[str, dict[str, int]]:
    """Every raw table (and dlt's merge staging copies) through the load's own masking rule."""
    removed = {}
    for schema, table, kind in _relations(con, RAW_SCHEMAS):
        if kind != "BASE TABLE" or table not in raw_tables([table]):
            continue
        counts = Counts()
        masked = masker.table(table, con.execute(f'select * from {schema}."{table}"').to_arrow_table(), counts)
        if counts.dropped or counts.masked:
            con.execute(f'delete from {schema}."{table}"')
            con.register("masked_rows", masked)
            con.execute(f'insert into {schema}."{table}" by name select * from masked_rows')
            con.unregister("masked_rows")
            removed[f"{schema}.{table}"] = {"deleted": counts.dropped, "masked": counts.masked}
    return removed


def drop_models(con: duckdb.DuckDBPyConnection) -> list[str]:
    """dbt's tables and views, for the rebuild to make again from the masked raw tables (their
    incremental models would otherwise keep the person's rows)."""
    dropped = []
    for schema, table, kind in _relations(con, DBT_SCHEMAS):
        if (schema, table) in KEPT_DBT_TABLES:
            continue
        con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists {schema}."{table}" cascade')
        dropped.append(f"{schema}.{table}")
    return dropped


def erase_tables(con: duckdb.DuckDBPyConnection, person: Person, placeholder: str) -> dict[str, dict[str, int]]:
    """Every other table: the person's rows deleted (kept with the placeholder and without money or
    free text where history is append-only or frozen), their id and account identifiers replaced
    wherever they appear."""
    removed = {}
    pattern = person.patterns() if person.accounts else None
    for schema, table, kind in _relations(con):
        if kind != "BASE TABLE" or schema in RAW_SCHEMAS and table.startswith("_dlt") or f"{schema}.{table}" == AUDIT:
            continue
        name, columns = f'{schema}."{table}"', _columns(con, schema, table)
        counts = {"deleted": 0, "kept_as_placeholder": 0, "masked": 0}
        if "employee_id" in columns:
            kept = None
            if (schema, table) in APPEND_ONLY:
                kept = "true"
            elif schema == "analytics" and "cycle_state" in columns:
                kept = "cycle_state = 'closed'"
            if kept:
                cleared = "".join(f', "{c}" = null' for c in columns if c in DETAILS)
                counts["kept_as_placeholder"] = con.execute(
                    f"update {name} set employee_id = $2{cleared} where employee_id = $1 and {kept}",
                    [person.employee_id, placeholder],
                ).fetchone()[0]
            counts["deleted"] = con.execute(
                f"delete from {name} where employee_id = $1", [person.employee_id]
            ).fetchone()[0]
        for column, kind_ in columns.items():
            if kind_ not in TEXT_TYPES:
                continue
            counts["masked"] += con.execute(
                f'update {name} set "{column}" = $2 where "{column}" = $1', [person.employee_id, placeholder]
            ).fetchone()[0]
            if pattern:
                counts["masked"] += con.execute(
                    f'update {name} set "{column}" = regexp_replace("{column}"::varchar, $1, $2, \'g\') '
                    f'where regexp_matches("{column}"::varchar, $1)',
                    [pattern, placeholder],
                ).fetchone()[0]
        if any(counts.values()):
            removed[f"{schema}.{table}"] = counts
    return removed


def record(
    con: duckdb.DuckDBPyConnection, id_hash: str, placeholder: str, by: str, at: datetime, removed: dict
) -> None:
    """The append-only audit of erasures: no plaintext id, only its salted hash and the placeholder."""
    con.execute("create schema if not exists meta")
    con.execute(
        f"create table if not exists {AUDIT} (id_hash varchar, placeholder varchar, erased_at timestamptz, "
        "erased_by varchar, removed json)"
    )
    con.execute(f"insert into {AUDIT} values (?, ?, ?, ?, ?)", [id_hash, placeholder, at, by, json.dumps(removed)])


def rewrite(path: Path) -> None:
    """Copy the database into a fresh file and rename it over the old one (same permissions):
    DuckDB leaves deleted values in free blocks, a fresh file has none."""
    fresh = path.with_name(f".{path.name}.rewrite")
    fresh.unlink(missing_ok=True)
    with duckdb.connect() as con:
        con.execute(f"attach '{path}' as old (read_only)")
        con.execute(f"attach '{fresh}' as fresh")
        con.execute("copy from database old to fresh")
    os.chmod(fresh, stat.S_IMODE(path.stat().st_mode))
    os.replace(fresh, path)
