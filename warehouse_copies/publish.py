"""Publishing the copies: each is written into a private folder beside its final place, then
renamed over it, so readers of the old file keep reading it and never hold up the pipeline."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from . import policy
from .comments import column_comment, table_comment
from .pseudonyms import load_key, pseudonym
from .views import ANALYST_PERSON, HR_PERSON, view_statements


@dataclass(frozen=True)
class Copies:
    analyst: Path
    hr: Path
    key_file: Path
    min_group_size: int


def publish_copies(warehouse: Path, copies: Copies) -> dict[str, int]:
    """Publish both copies of the ``warehouse`` file; the tables each holds, by copy."""
    key = load_key(copies.key_file)
    analyst = _publish(warehouse, copies.analyst, 0o644, lambda con: _fill_analyst(con, key, copies.min_group_size))
    hr = _publish(warehouse, copies.hr, 0o600, _fill_hr)
    return {"analyst_tables": analyst, "hr_tables": hr}


def _publish(warehouse: Path, target: Path, mode: int, fill) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))  # 0700 while written
    try:
        written = folder / target.name
        with duckdb.connect(str(written)) as con:
            con.execute(f"attach '{warehouse}' as wh (read_only)")
            tables = fill(con)
            con.execute("detach wh")
        os.chmod(written, mode)
        os.replace(written, target)
        return tables
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...]) -> dict[tuple[str, str], list[str]]:
    rows = con.execute(
        "select schema_name, table_name, list(column_name order by column_index) from duckdb_columns() "
        "where database_name = 'wh' and schema_name in (select unnest(?)) group by all order by all",
        [list(schemas)],
    ).fetchall()
    return {(schema, table): columns for schema, table, columns in rows}


def _fill_hr(con: duckdb.DuckDBPyConnection) -> int:
    tables = _tables(con, (*policy.SCHEMAS, "meta"))
    for schema, table in tables:
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create table {schema}.{table} as select * from wh.{schema}.{table}")
    _copy_comments(con, tables, note={})
    _create_views(con, HR_PERSON)
    return len(tables)


def _fill_analyst(con: duckdb.DuckDBPyConnection, key: bytes, k: int) -> int:
    con.create_function("pseudonym", lambda value: pseudonym(key, value), ["VARCHAR"], "VARCHAR")
    con.execute("create temp table people as select employee_id from wh.marts.dim_employees")
    con.execute(f"create temp table attributes as {policy.generalised_attributes_sql(k)}")
    tables = _tables(con, policy.SCHEMAS)
    shown = {}
    for (schema, table), columns in tables.items():
        selected = policy.analyst_columns(columns, k)
        joined = " left join attributes as g using (employee_id)" if policy.needs_attributes(columns) else ""
        select = ", ".join(f'{expression} as "{column}"' for column, expression in selected)
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create table {schema}.{table} as select {select} from wh.{schema}.{table} as t{joined}")
        shown[(schema, table)] = [column for column, _ in selected]
    pseudonymised = dict.fromkeys(policy.PERSON_IDS | policy.PERSON_OR_TAG, policy.PSEUDONYMISED_NOTE)
    _copy_comments(con, shown, note=pseudonymised)
    _create_views(con, ANALYST_PERSON)
    return len(tables)


def _copy_comments(con: duckdb.DuckDBPyConnection, tables: dict, note: dict[str, str]) -> None:
    """The warehouse's table and column comments onto the copy's tables (with ``note`` added per column)."""
    for schema, table, comment in con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = 'wh' and comment is not null"
    ).fetchall():
        if (schema, table) in tables:
            con.execute(table_comment(f"{schema}.{table}", comment))
    for schema, table, column, comment in con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = 'wh' and comment is not null"
    ).fetchall():
        if column in tables.get((schema, table), ()):
            text = comment + note.get(column, "")
            con.execute(column_comment(f"{schema}.{table}", column, text))


def _create_views(con: duckdb.DuckDBPyConnection, person: str) -> None:
    con.execute("create schema views")
    for name, statement, description in view_statements(person):
        con.execute(statement)
        con.execute(table_comment(f"views.{name}", description, kind="view"))
