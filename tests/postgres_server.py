"""A throwaway PostgreSQL cluster for tests, and a loader copying a DuckDB warehouse's raw layer into it.

The cluster is Debian's PostgreSQL (``initdb``, ``pg_ctl`` on PATH or under /usr/lib/postgresql/*/bin),
initialised in a fresh directory with trust authentication, listening on 127.0.0.1 at a free port
and on a unix socket in that directory. ``initdb`` refuses to run as root, so as root the cluster's
directory belongs to ``nobody`` and every server command runs as that user.
Strings sort byte-wise (locale C) and sessions are in UTC, as in DuckDB, so ties, minima of text
keys and dates cut from timestamps come out the same on both.
"""

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb

from tests.conftest import free_port

USER = "postgres"
DATABASE = "postgres"
UNPRIVILEGED = "nobody"
# DuckDB column types as PostgreSQL names them; JSON documents become jsonb.
TYPES = {
    "VARCHAR": "text",
    "JSON": "jsonb",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "DOUBLE": "double precision",
    "BOOLEAN": "boolean",
}


def binaries() -> Path | None:
    """The directory of PostgreSQL's server programs, or None where PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(versions[-1]).parent if versions else None


class PostgresServer:
    """``with PostgresServer() as server:`` a running cluster; ``server.env`` holds the libpq settings."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="perfpipe-postgres-"))
        self.data = self.directory / "data"
        self.as_user = os.geteuid() == 0
        if self.as_user:
            account = pwd.getpwnam(UNPRIVILEGED)
            self.uid, self.gid = account.pw_uid, account.pw_gid
            os.chown(self.directory, self.uid, self.gid)

    @property
    def env(self) -> dict[str, str]:
        return {
            "PGHOST": "127.0.0.1",
            "PGPORT": str(self.port),
            "PGUSER": USER,
            "PGPASSWORD": "",
            "PGDATABASE": DATABASE,
            "PGTZ": "UTC",
        }

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        user = {"user": self.uid, "group": self.gid, "extra_groups": []} if self.as_user else {}
        completed = subprocess.run(
            command, cwd=self.directory, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C"}, **user
        )
        if completed.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{completed.stdout}{completed.stderr}")

    def __enter__(self) -> "PostgresServer":
        self.run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8", "--locale=C")
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} -c timezone=UTC -c fsync=off"
        try:
            self.run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"), "-o", options, "-w", "start"
            )
        except RuntimeError:
            shutil.rmtree(self.directory, ignore_errors=True)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def connect(self):
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.port, user=USER, dbname=DATABASE)


def load_raw(warehouse: Path, server: PostgresServer, schema: str = "raw") -> dict[str, int]:
    """Copy every table of the DuckDB warehouse's ``schema`` into the same schema on the server,
    column types kept (JSON as jsonb); returns the rows copied per table."""
    copied = {}
    with duckdb.connect(str(warehouse), read_only=True) as duck, server.connect() as pg, pg.cursor() as cur:
        duck.execute("set TimeZone = 'UTC'")
        cur.execute(f"drop schema if exists {schema} cascade; create schema {schema}")
        tables = duck.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by table_name", [schema]
        ).fetchall()
        for (table,) in tables:
            columns = duck.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ?"
                " order by column_index",
                [schema, table],
            ).fetchall()
            cur.execute(
                f'create table {schema}."{table}" ('
                + ", ".join(f'"{name}" {TYPES.get(kind, "text")}' for name, kind in columns)
                + ")"
            )
            dump = server.directory / f"{table}.csv"
            # Nulls are unquoted empty fields, empty strings quoted ones: PostgreSQL's CSV reads both back.
            duck.execute(f"copy {schema}.\"{table}\" to '{dump}' (format csv, header false)")
            with dump.open() as rows:
                cur.copy_expert(f'copy {schema}."{table}" from stdin with (format csv)', rows)
            dump.unlink()
            copied[table] = cur.rowcount
    return copied
