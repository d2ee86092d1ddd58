"""``make sql``: an interactive SQL shell on the analyst copy, read-only, in the DuckDB version
the pipeline writes with (a ``duckdb`` CLI of another version may not read the file).

Statements end with ``;``; ``.tables`` lists the tables and views, ``.describe NAME`` shows a
table's columns with their descriptions, ``.quit`` leaves. ``make sql HR=1`` opens the HR copy
(owner-only) instead. A query may also be piped in: ``echo "select 1;" | make sql``.
"""

from __future__ import annotations

import os
import sys

import duckdb

from .resources import Warehouse

TABLES = (
    "select schema_name || '.' || table_name as name, comment from duckdb_tables() "
    "where schema_name not in ('main') union all "
    "select schema_name || '.' || view_name, comment from duckdb_views() where not internal order by 1"
)
DESCRIBE = (
    "select column_name, data_type, comment from duckdb_columns() "
    "where schema_name || '.' || table_name = ? order by column_index"
)


def main() -> int:
    copies = Warehouse().copies
    path = copies.hr if os.environ.get("HR") else copies.analyst
    if not path.exists():
        print(f"no copy at {path}: it is published at the end of each successful run (make run, or make demo)")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"{path} (read-only). End statements with ;  .tables  .describe NAME  .quit")
    buffer = ""
    while True:
        try:
            line = input("sql> " if not buffer else "...> ") if interactive else sys.stdin.readline()
        except EOFError:
            line = None
        if line is None or (not interactive and line == ""):
            break
        command = line.strip()
        if not buffer and command.startswith("."):
            if command in (".quit", ".exit"):
                break
            _dot(con, command)
            continue
        buffer += line + "\n"
        if command.endswith(";"):
            _run(con, buffer)
            buffer = ""
    if buffer.strip():
        _run(con, buffer)
    return 0


def _dot(con: duckdb.DuckDBPyConnection, command: str) -> None:
    name, _, argument = command.partition(" ")
    if name == ".tables":
        _show(con.execute(TABLES))
    elif name == ".describe" and argument:
        _show(con.execute(DESCRIBE, [argument.strip()]))
    else:
        print("commands: .tables  .describe SCHEMA.TABLE  .quit")


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    try:
        _show(con.execute(sql))
    except duckdb.Error as exc:
        print(f"error: {exc}")


def _show(result: duckdb.DuckDBPyConnection) -> None:
    if result.description is None:
        return
    frame = result.df()
    print(frame.to_string(index=False, max_rows=200, max_colwidth=80) if len(frame) else "(no rows)")


if __name__ == "__main__":
    sys.exit(main())
