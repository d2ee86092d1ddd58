"""The real Dagster webserver on the project's workspace, queried through its GraphQL API,
and `dagster definitions validate` on the same workspace."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from orchestration.assets.raw import activity_assets, snapshot_assets
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
RAW_KEYS = {tuple(key.path) for assets in [*activity_assets, *snapshot_assets] for key in assets.keys}

QUERY = """
{
  assetNodes { assetKey { path } groupName isPartitioned description }
  instance { runQueueConfig { maxConcurrentRuns } }
  repositoriesOrError {
    ... on RepositoryConnection { nodes { schedules { name cronSchedule executionTimezone } } }
  }
}
"""


@pytest.fixture(scope="module")
def dagster_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home)
    data = tmp_path_factory.mktemp("data")
    return {**os.environ, "DAGSTER_HOME": str(home), "WAREHOUSE_PATH": str(data / "w.duckdb")}


@pytest.fixture(scope="module")
def webserver(dagster_env, tmp_path_factory):
    port = free_port()
    log = (tmp_path_factory.mktemp("log") / "webserver.log").open("w")
    process = subprocess.Popen(
        [BIN / "dagster-webserver", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=dagster_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    try:
        while True:
            assert process.poll() is None, f"webserver exited: see {log.name}"
            try:
                if requests.get(f"{url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "webserver did not start in 120 s"
            time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_graphql_lists_every_raw_asset_the_schedule_and_the_single_writer_queue(webserver):
    response = requests.post(f"{webserver}/graphql", json={"query": QUERY}, timeout=60)
    response.raise_for_status()
    data = response.json()["data"]

    nodes = {tuple(n["assetKey"]["path"]): n for n in data["assetNodes"]}
    assert set(nodes) >= RAW_KEYS
    for key in RAW_KEYS:
        assert nodes[key]["groupName"] == "raw"
        assert nodes[key]["description"], f"{key} has no description"
    assert nodes[("raw", "jira_issues")]["isPartitioned"]
    assert not nodes[("raw", "bamboohr_employees")]["isPartitioned"]
    schedules = [s for repo in data["repositoriesOrError"]["nodes"] for s in repo["schedules"]]
    assert {"name": "nightly", "cronSchedule": "0 2 * * *", "executionTimezone": "UTC"} in schedules
    assert data["instance"]["runQueueConfig"]["maxConcurrentRuns"] == 1


def test_definitions_validate(dagster_env):
    result = subprocess.run(
        [BIN / "dagster", "definitions", "validate", "-w", "workspace.yaml"],
        cwd=ROOT,
        env=dagster_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
