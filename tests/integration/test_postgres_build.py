"""The dbt project is portable: the same project builds on PostgreSQL, every test passing, into the
same results as on DuckDB.

A throwaway PostgreSQL cluster (Debian's postgresql; tests/postgres_server.py runs it as ``nobody``
when we are root, since initdb refuses root) gets the raw layer of the session's DuckDB warehouse,
the one the sandbox org was ingested into through Dagster (fixture ``built``), and its ``meta`` schema
(the load ledger ``meta.loads`` gives the months employees are measured over). Then ``dbt build
--target postgres`` builds seeds, the snapshot, models, unit tests and data tests there, into a
separate target path (Dagster reads dbt_project/target/manifest.json), and every table of the
framework, staging, intermediate, marts and snapshots schemas is compared with the DuckDB build of
the same raw data, row by row (floats to 1e-9).

``make test`` installs PostgreSQL when it is missing and it can (root with apt-get). Where no
PostgreSQL is installed these tests are skipped with one line saying why; under ``CI=true`` they
fail instead, so CI never passes without having built on PostgreSQL.
"""

import datetime as dt
import decimal
import json
import math
import os
import random
import subprocess
import time

import duckdb
import pytest

from orchestration.dbt_project import DBT_PROJECT
from tests.conftest import DBT
from tests.postgres_server import PostgresServer, binaries, load_raw

BIN = binaries()
MISSING = (
    "no PostgreSQL server programs (initdb) on PATH or under /usr/lib/postgresql/*/bin; to run them, "
    "install Debian's postgresql (apt-get install -y postgresql; make test does it as root)"
)
UNDER_CI = os.environ.get("CI", "").lower() == "true"
if BIN is None and not UNDER_CI:
    pytest.skip(f"PostgreSQL build skipped: {MISSING}", allow_module_level=True)

SCHEMAS = ("framework", "staging", "intermediate", "marts", "snapshots")
# When the snapshot saw each version: the time of each build, not of the data.
BUILD_TIMES = {"dbt_scd_id", "dbt_updated_at", "dbt_valid_from", "dbt_valid_to", "valid_from", "valid_to"}


@pytest.fixture(scope="session")
def postgres():
    if BIN is None:
        pytest.fail(f"the PostgreSQL build cannot run under CI=true: {MISSING}")
    with PostgresServer(BIN) as server:
        yield server


@pytest.fixture(scope="session")
def postgres_build(built, postgres, tmp_path_factory, request):
    """The sandbox's raw layer loaded into PostgreSQL and built there by dbt: the run's results."""
    warehouse, dbt_result = built
    assert dbt_result.success
    started = time.perf_counter()
    copied = sum(sum(load_raw(warehouse.absolute_path, postgres, schema).values()) for schema in ("raw", "meta"))
    loaded = time.perf_counter() - started
    directory = tmp_path_factory.mktemp("dbt_postgres")
    project = str(DBT_PROJECT.project_dir)
    command = [DBT, "build", "--target", "postgres", "--project-dir", project, "--profiles-dir", project]
    command += ["--target-path", str(directory / "target"), "--log-path", str(directory / "logs")]
    env = {**os.environ, **postgres.env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    built_in = time.perf_counter() - started
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(
            f"\nPostgreSQL: raw and meta schemas loaded in {loaded:.1f} s ({copied} rows), "
            f"dbt build --target postgres in {built_in:.1f} s"
        )
    assert completed.returncode == 0, completed.stdout[-5000:]
    return json.loads((directory / "target" / "run_results.json").read_text())


def test_every_node_builds_and_every_test_passes_on_postgres(postgres_build):
    results = postgres_build["results"]
    failed = {r["unique_id"]: r["status"] for r in results if r["status"] not in ("success", "pass")}
    assert not failed
    kinds = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds["model"] > 30 and kinds["test"] > 100 and kinds["unit_test"] > 0
    assert kinds["seed"] > 0 and kinds["snapshot"] == 1


def comparable(value):
    """A value as both databases' drivers can agree on: numbers as floats, timestamps in UTC."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime) and value.tzinfo:
        return value.astimezone(dt.UTC)
    return value


def sort_key(row):
    return tuple((v is None, "" if v is None else round(v, 6) if isinstance(v, float) else str(v)) for v in row)


def table(cursor, relation):
    """(column names, rows sorted) of a table, build times left out."""
    cursor.execute(f"select * from {relation}")
    names = [column[0] for column in cursor.description]
    keep = [i for i, name in enumerate(names) if name not in BUILD_TIMES]
    rows = sorted((tuple(comparable(row[i]) for i in keep) for row in cursor.fetchall()), key=sort_key)
    return [names[i] for i in keep], rows


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) or (math.isnan(a) and math.isnan(b))
    return a == b


def test_postgres_builds_the_same_tables_as_duckdb(built, postgres, postgres_build):
    warehouse, _ = built
    with duckdb.connect(warehouse.path, read_only=True) as duck, postgres.connect() as pg:
        relations = duck.execute(
            "select schema_name, table_name from duckdb_tables() where list_contains(?, schema_name) order by all",
            [list(SCHEMAS)],
        ).fetchall()
        assert ("marts", "fct_performance_scores") in relations and len(relations) > 60
        differences = {}
        for schema, name in relations:
            relation = f'"{schema}"."{name}"'
            duck_columns, duck_rows = table(duck.cursor(), relation)
            pg_columns, pg_rows = table(pg.cursor(), relation)
            assert pg_columns == duck_columns, relation
            assert len(pg_rows) == len(duck_rows), relation
            differing = {
                duck_columns[j]
                for d, p in zip(duck_rows, pg_rows)
                for j in range(len(duck_columns))
                if not same(d[j], p[j])
            }
            if differing:
                differences[relation] = sorted(differing)
    assert not differences


def test_postgres_jaro_winkler_agrees_with_duckdb_on_the_sandbox_names(built, postgres, postgres_build):
    """rpt_unmatched_accounts suggests employees by name similarity: PostgreSQL's stand-in for DuckDB's
    jaro_winkler_similarity (macros/jaro_winkler_similarity.sql) gives the same values, typos included."""
    warehouse, _ = built
    rng = random.Random(7)

    def typo(name: str) -> str:
        chars = list(name)
        i = rng.randrange(len(chars))
        chars[i : i + 2] = chars[i : i + 2][::-1] if rng.random() < 0.5 else [rng.choice("aeiouxyz é")]
        return "".join(chars)

    with duckdb.connect(warehouse.path, read_only=True) as duck:
        names = [
            r[0]
            for r in duck.execute(
                "select distinct lower(full_name) from staging.stg_bamboohr__employees where full_name <> '' "
                "union select distinct lower(account_name) from intermediate.int_accounts_resolved "
                "where account_name <> '' order by 1"
            ).fetchall()
        ]
        pairs = [(a, rng.choice(names)) for a in names for _ in range(5)] + [(a, typo(a)) for a in names]
        pairs += [("", "a"), ("a", "a"), ("ab", "ba"), ("martha", "marhta"), ("dixon", "dicksonx")]
        expected = [duck.execute("select jaro_winkler_similarity(?, ?)", pair).fetchall()[0][0] for pair in pairs]
    with postgres.connect() as pg, pg.cursor() as cursor:
        got = []
        for pair in pairs:
            cursor.execute("select public.perfpipe_jaro_winkler_similarity(%s, %s)", pair)
            got.append(cursor.fetchone()[0])
    assert len(pairs) > 100
    assert [pair for pair, e, g in zip(pairs, expected, got) if not math.isclose(e, g, abs_tol=1e-12)] == []
