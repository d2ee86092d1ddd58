"""Secrets never leak, and what the pipeline writes is owner-only.

``make run`` in live mode against the sandbox, with a distinctive token per source (the session's
live run, fixture ``live_run`` in conftest.py, which test_run.py checks too): no token (nor
the Authorization header made from it) appears in the run's stdout and stderr, anywhere under its
Dagster home (event log, compute logs), its data folder (warehouse, copies, dlt's working files,
pages), any text column of the warehouse or its copies, or the files dbt wrote for the run under
``dbt_project/target`` and ``dbt_project/logs``; nor in a 401 answered to any source (the
exception, its chain and traceback, and the Dagster event log of the failed load)."""

import base64
import os
import stat
import traceback
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dlt import DagsterDltResource

from orchestration.assets.raw import activity_assets
from orchestration.resources import SourceSystems, Warehouse
from sandbox.environment import live_environment
from sources.http import SourceError
from tests.conftest import SEPTEMBER, TEST_POLICY
from tests.integration.conftest import TOKENS
from tests.integration.test_connectors import API_SOURCES

SCANNED: dict[str, int] = {}  # what was scanned, by kind, for the report


def forms(environment: dict[str, str]) -> list[str]:
    """Each token, and each Basic Authorization value built from it, as a connector sends it."""
    login = environment["JIRA_EMAIL"]
    basic = [f"{login}:{TOKENS['JIRA_API_TOKEN']}", f"{login}/token:{TOKENS['ZENDESK_API_TOKEN']}",
             f"{TOKENS['BAMBOOHR_API_KEY']}:x"]  # fmt: skip
    return [*TOKENS.values(), *(base64.b64encode(value.encode()).decode() for value in basic)]


def leaks_in_files(files, secrets: list[str]) -> list[str]:
    found = []
    for path in files:
        SCANNED["files"] = SCANNED.get("files", 0) + 1
        content = path.read_bytes()
        found += [f"{path}: {secret[:8]}…" for secret in secrets if secret.encode() in content]
    return found


def leaks_in_text_columns(database: Path, secrets: list[str]) -> list[str]:
    found = []
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where data_type in ('VARCHAR', 'JSON') and database_name = current_database() and not internal"
        ).fetchall()
        for schema, table, column in columns:
            SCANNED["text columns"] = SCANNED.get("text columns", 0) + 1
            hits = con.execute(
                f'select count(*) from "{schema}"."{table}" where '
                + " or ".join(f'contains("{column}"::varchar, ?)' for _ in secrets),
                secrets,
            ).fetchone()[0]
            if hits:
                found.append(f"{database.name}: {schema}.{table}.{column} ({hits} rows)")
    return found


def test_no_token_reaches_the_logs_the_warehouse_dbt_files_or_the_pages(live_run, vendor):
    folder, result, secrets = live_run.folder, live_run.result, forms(vendor)
    found = [f"stdout/stderr: {s[:8]}…" for s in secrets if s in result.stdout + result.stderr]
    everything = [p for p in folder.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in everything) and any("storage" in p.parts for p in everything)
    found += leaks_in_files(everything, secrets)
    dbt_files = [p for p in live_run.dbt_files.rglob("*") if p.is_file()]
    assert dbt_files, "the run wrote no dbt files where expected"
    found += leaks_in_files(dbt_files, secrets)
    for database in ("warehouse.duckdb", "warehouse_hr.duckdb", "warehouse_analyst.duckdb"):
        found += leaks_in_text_columns(folder / database, secrets)
    print(f"scanned {SCANNED} for {len(secrets)} secret forms: {len(found)} leaks")
    assert found == [], found


def test_what_the_run_writes_is_owner_only_but_the_analyst_copy(live_run):
    folder = live_run.folder
    data = [p for p in folder.rglob("*") if p.name != "dagster.yaml"]
    loose = [
        f"{p.relative_to(folder)} {stat.S_IMODE(p.stat().st_mode):o}"
        for p in data
        if p.name != "warehouse_analyst.duckdb" and stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert loose == []
    assert stat.S_IMODE((folder / "warehouse_analyst.duckdb").stat().st_mode) == 0o644
    assert stat.S_IMODE((folder / "dashboards").stat().st_mode) == 0o700
    # dlt keeps no load package's rows once loaded: only its state, schemas and package bookkeeping.
    jobs = [p for p in (folder / ".dlt").rglob("*") if p.is_file() and p.parent.name.endswith("_jobs")]
    assert (folder / ".dlt").is_dir() and jobs == []


def test_the_sandbox_ground_truth_is_owner_only(company, tmp_path):
    company.write_ground_truth(tmp_path / "ground_truth.csv")
    assert stat.S_IMODE((tmp_path / "ground_truth.csv").stat().st_mode) == 0o600


def chain(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc)) + repr(exc)


@pytest.mark.parametrize("module", API_SOURCES, ids=lambda m: m.Settings.SOURCE)
def test_a_401_names_the_source_and_page_but_never_the_token(module, sandbox, tmp_path):
    environment = live_environment(sandbox.info(), TOKENS)
    name = module.Settings.SOURCE
    sandbox.faults.add(name, "unauthorized")
    pipeline = Warehouse(path=str(tmp_path / "warehouse.duckdb")).dlt_pipeline(f"raw_{name}")
    with pytest.raises(Exception) as failure:
        pipeline.run(module.source(module.Settings.from_env(environment), SEPTEMBER, TEST_POLICY))
    text = chain(failure.value)
    assert f"{name}: page 1 of http://127.0.0.1" in text and "HTTP 401 Unauthorized" in text
    assert [s for s in forms(environment) if s in text] == []
    assert any(isinstance(e, SourceError) for e in _causes(failure.value))


def _causes(exc: BaseException | None):
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def test_a_401_in_a_dagster_run_leaves_no_token_in_its_event_log(sandbox, tmp_path, monkeypatch):
    environment = live_environment(sandbox.info(), TOKENS)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    sandbox.faults.add("jira", "unauthorized")
    (jira,) = [assets for assets in activity_assets if assets.node_def.name == "raw_jira"]
    resources = {
        "dlt": DagsterDltResource(),
        "warehouse": Warehouse(path=str(tmp_path / "warehouse.duckdb")),
        "source_systems": SourceSystems(mode="live", sources="jira", http_max_attempts=2, http_timeout_seconds=2),
    }
    with dg.instance_for_test() as instance:
        result = dg.materialize([jira], resources=resources, instance=instance, partition_key="2026-09-01",
                                raise_on_error=False)  # fmt: skip
        assert not result.success
        events = [str(event) for event in instance.all_logs(result.run_id)]
    log = "\n".join(events)
    assert "HTTP 401 Unauthorized" in log and "jira: page 1 of" in log
    assert [s for s in forms(environment) if s in log] == []
    assert os.environ["JIRA_API_TOKEN"] == TOKENS["JIRA_API_TOKEN"]  # the run did have the token
