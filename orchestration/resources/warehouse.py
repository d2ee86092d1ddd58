"""The DuckDB warehouse: where every layer lives, the one place Python writes to it, and the
record of which mode wrote it and which loads it holds (schema ``meta``)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import dlt
import duckdb
import pandas as pd
from pydantic import Field

from dashboards.location import warehouse_path
from sources.records import Window
from warehouse_copies import Copies
from warehouse_copies.comments import column_comment, table_comment

META = "meta"
QUARANTINE_COLUMNS = (
    "source varchar, table_name varchar, record_key varchar, reason varchar, record varchar, loaded_at timestamptz"
)
LOAD_COUNT_COLUMNS = (
    "source varchar, table_name varchar, window_start timestamptz, window_end timestamptz, landed bigint, "
    "accepted bigint, quarantined bigint, loaded_at timestamptz"
)


class WarehouseModeError(RuntimeError):
    """The warehouse holds data of the other mode (sandbox vs live), which must never mix."""


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file every layer lives in (``WAREHOUSE_PATH``, default data/warehouse.duckdb)."""

    path: str = Field(default_factory=lambda: warehouse_path())

    @property
    def absolute_path(self) -> str:
        return str(Path(self.path).resolve())

    @property
    def data_dir(self) -> Path:
        return Path(self.absolute_path).parent

    @property
    def copies(self) -> Copies:
        """Where the analyst and HR copies are published (beside the warehouse unless moved)."""
        return Copies(
            analyst=Path(
                os.environ.get("ANALYST_WAREHOUSE_PATH") or self.data_dir / "warehouse_analyst.duckdb"
            ).resolve(),
            hr=Path(os.environ.get("HR_WAREHOUSE_PATH") or self.data_dir / "warehouse_hr.duckdb").resolve(),
            key_file=self.data_dir / ".pseudonym_key",
            min_group_size=int(os.environ.get("ANALYST_MIN_GROUP_SIZE") or 5),
        )

    def make_data_dir(self) -> None:
        """Create the data folder: others may open a file in it by name (the analyst copy, 0644)
        but not list it; everything else in it is created owner-only (``permissions.py``)."""
        if not self.data_dir.exists():
            self.data_dir.mkdir(parents=True)
            self.data_dir.chmod(0o711)

    def dlt_pipeline(self, name: str) -> dlt.Pipeline:
        self.make_data_dir()  # dlt opens the file itself
        # A load package holds the rows as plaintext files: once loaded, dlt deletes them.
        dlt.config["load.delete_completed_jobs"] = True
        return dlt.pipeline(
            pipeline_name=name,
            destination=dlt.destinations.duckdb(self.absolute_path),
            dataset_name="raw",
            pipelines_dir=str(self.data_dir / ".dlt"),
            progress=dlt.progress.log(log_period=5, dump_system_stats=False),
        )

    def connect(self, read_only: bool = True) -> duckdb.DuckDBPyConnection:
        if not read_only:
            self.make_data_dir()
        return duckdb.connect(self.path, read_only=read_only)

    def read(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.connect() as con:
            return con.execute(sql, params).df()

    def frames(self, queries: dict[str, str]) -> dict[str, pd.DataFrame]:
        """Several queries on one read-only connection, by name."""
        with self.connect() as con:
            return {name: con.execute(sql).df() for name, sql in queries.items()}

    def replace_tables(self, schema: str, tables: dict[str, pd.DataFrame]) -> None:
        """Replace each table in one transaction, so readers never see half a refresh."""
        with self.connect(read_only=False) as con:
            con.execute(f"create schema if not exists {schema}")
            con.begin()
            for table, frame in tables.items():
                con.register("frame", frame)
                con.execute(f"create or replace table {schema}.{table} as select * from frame")
                con.unregister("frame")
            con.commit()

    def comment(self, schema: str, descriptions: dict[str, tuple[str, dict[str, str]]]) -> int:
        """Set table and column comments from ``descriptions`` (table -> (description, column ->
        description)) on the tables of ``schema`` that exist; returns the columns commented."""
        commented = 0
        with self.connect(read_only=False) as con:
            for table, (description, columns) in descriptions.items():
                stored = _columns(con, schema, table)
                if not stored:
                    continue
                con.execute(table_comment(f"{schema}.{table}", description))
                for column in stored & columns.keys():
                    con.execute(column_comment(f"{schema}.{table}", column, columns[column]))
                    commented += 1
        return commented

    def frozen_cycles(self, schema: str, table: str) -> set[str]:
        """The cycles whose rows of ``table`` were computed closed (cycle_state 'closed'): frozen."""
        if not Path(self.path).exists():
            return set()
        with self.connect() as con:
            if "cycle_state" not in _columns(con, schema, table):  # absent, or stored before cycles had states
                return set()
            closed = con.execute(f"select distinct cycle from {schema}.{table} where cycle_state = 'closed'")
            return {cycle for (cycle,) in closed.fetchall()}

    def replace_cycles(self, schema: str, tables: dict[str, pd.DataFrame], frozen: set[str]) -> None:
        """Like ``replace_tables``, but the stored rows of the ``frozen`` cycles stay as they are (the
        frames must not hold those cycles); columns added since are empty in them."""
        with self.connect(read_only=False) as con:
            con.execute(f"create schema if not exists {schema}")
            con.begin()
            for table, frame in tables.items():
                if frame["cycle"].isin(frozen).any():
                    raise ValueError(f"{schema}.{table}: refusing to rewrite frozen cycle(s) {sorted(frozen)}")
                con.register("frame", frame)
                kept = ""
                if _has_table(con, schema, table) and frozen:
                    cycles = ", ".join(f"'{c}'" for c in sorted(frozen))
                    kept = f" union all by name select * from {schema}.{table} where cycle in ({cycles})"
                con.execute(f"create or replace table {schema}.{table} as select * from frame{kept}")
                con.unregister("frame")
            con.commit()

    def append_new(self, schema: str, table: str, rows: pd.DataFrame, same: list[str]) -> int:
        """Append the rows not already in the table (equal on the ``same`` columns, nulls equal);
        the table is created from the rows' columns the first time, and gains the columns added
        since (empty in the old rows). Returns the rows added."""
        match = " and ".join(f"t.{c} is not distinct from r.{c}" for c in same)
        with self.connect(read_only=False) as con:
            con.execute(f"create schema if not exists {schema}")
            con.register("new_rows", rows)
            con.execute(f"create table if not exists {schema}.{table} as select * from new_rows limit 0")
            stored = _columns(con, schema, table)
            for name, kind in con.execute("select column_name, column_type from (describe new_rows)").fetchall():
                if name not in stored:
                    con.execute(f'alter table {schema}.{table} add column "{name}" {kind}')
            added = con.execute(
                f"insert into {schema}.{table} by name select r.* from new_rows as r "
                f"where not exists (select 1 from {schema}.{table} as t where {match})"
            ).fetchone()[0]
            con.unregister("new_rows")
        return added

    # --- which mode wrote it, and what it holds -------------------------------------------------

    def recorded_mode(self) -> str | None:
        """The mode (sandbox or live) the warehouse was first loaded in; None for a fresh one."""
        if not Path(self.path).exists():
            return None
        with self.connect() as con:
            if not _has_table(con, META, "warehouse_mode"):
                return None
            return con.execute(f"select mode from {META}.warehouse_mode").fetchone()[0]

    def claim(self, mode: str) -> None:
        """Record ``mode`` on a fresh warehouse; refuse one that holds the other mode's data."""
        recorded = self.recorded_mode()
        if recorded == mode:
            return
        fresh = "point WAREHOUSE_PATH at a new file, or move the file aside, to start a fresh warehouse"
        if recorded is not None:
            raise WarehouseModeError(
                f"{self.absolute_path} holds {recorded} data and this run is in {mode} mode: sandbox and live "
                f"data never share a warehouse; {fresh} (or set PERFPIPE_MODE={recorded} to keep loading it)"
            )
        with self.connect(read_only=False) as con:
            holds_data = con.execute(
                "select count(*) from information_schema.tables where table_schema = 'raw'"
            ).fetchone()[0]
            if holds_data:
                raise WarehouseModeError(
                    f"{self.absolute_path} holds raw data but no record of the mode that loaded it "
                    f"(written before modes existed); {fresh}"
                )
            con.execute(f"create schema if not exists {META}")
            con.execute(
                f"create table {META}.warehouse_mode as select ?::varchar as mode, now() as recorded_at", [mode]
            )

    def record_load(self, source: str, window: Window | None) -> None:
        """Note a successful load of a source (a time window of activity, or a whole snapshot)."""
        with self.connect(read_only=False) as con:
            con.execute(f"create schema if not exists {META}")
            con.execute(
                f"create table if not exists {META}.loads "
                "(source varchar, window_start timestamptz, window_end timestamptz, loaded_at timestamptz)"
            )
            con.execute(
                f"insert into {META}.loads values (?, ?, ?, ?)",
                [source, window.start if window else None, window.end if window else None, datetime.now(UTC)],
            )

    def record_counts(
        self, source: str, window: Window | None, counts: dict[str, tuple[int, int]], quarantined: list[dict]
    ) -> None:
        """Note per table what a load landed (accepted, quarantined) in ``meta.load_counts``, and add the
        quarantined rows not already in ``raw.quarantine`` (a snapshot sends its bad rows every night)."""
        loaded_at = datetime.now(UTC)
        with self.connect(read_only=False) as con:
            con.execute(f"create schema if not exists {META}")
            con.execute("create schema if not exists raw")
            con.execute(f"create table if not exists raw.quarantine ({QUARANTINE_COLUMNS})")
            con.execute(f"create table if not exists {META}.load_counts ({LOAD_COUNT_COLUMNS})")
            span = [window.start, window.end] if window else [None, None]
            con.begin()
            for table, (accepted, quarantined_rows) in counts.items():
                con.execute(
                    f"insert into {META}.load_counts values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [source, table, *span, accepted + quarantined_rows, accepted, quarantined_rows, loaded_at],
                )
            if quarantined:
                con.register("new_rows", pd.DataFrame(quarantined))
                con.execute(
                    "insert into raw.quarantine by name select * from new_rows as r where not exists (select 1 "
                    "from raw.quarantine as t where t.source = r.source and t.table_name = r.table_name and "
                    "t.record_key = r.record_key and t.reason = r.reason and t.record = r.record)"
                )
                con.unregister("new_rows")
            con.commit()

    def row_counts(self, schema: str, tables: list[str]) -> dict[str, int]:
        """The rows of each table that exists."""
        if not Path(self.path).exists():
            return {}
        with self.connect() as con:
            return {
                t: con.execute(f"select count(*) from {schema}.{t}").fetchone()[0]
                for t in tables
                if _has_table(con, schema, t)
            }

    def ids(self, table: str) -> frozenset[str] | None:
        """The ids of a raw snapshot table (the HRIS employees); None when it was never loaded."""
        if not self.row_counts("raw", [table]):
            return None
        return frozenset(self.read(f"select id from raw.{table}")["id"])

    def loads(self) -> pd.DataFrame:
        """Every recorded load (empty for a fresh warehouse)."""
        columns = ["source", "window_start", "window_end", "loaded_at"]
        if not Path(self.path).exists():
            return pd.DataFrame(columns=columns)
        with self.connect() as con:
            if not _has_table(con, META, "loads"):
                return pd.DataFrame(columns=columns)
            return con.execute(f"select {', '.join(columns)} from {META}.loads").df()


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> set[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?", [schema, table]
    ).fetchall()
    return {name for (name,) in rows}


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )
