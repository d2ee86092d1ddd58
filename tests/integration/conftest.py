"""The integration tier imports the Dagster definitions, which load the dbt assets from the
manifest: prepare it before any test module of this folder is imported.

Also here: the sandbox as a company's systems would be (``vendor``) and the one live ``make run``
against it that several modules check (``live_run``), so the suite pays for it once."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from orchestration.dbt_project import prepare
from sandbox.environment import TOKEN_VARIABLES, live_environment
from sources import SOURCES
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
EMPLOYEES = 60
SANDBOX_AS_OF, RUN_AS_OF = "2026-11-01", "2026-11-20"  # the run's today: twelve whole months back from November
SOURCE_VARIABLES = {var for module in SOURCES.values() for var in module.Settings.ENV.values()}
# A distinctive token per source, for the live run: tests/integration/test_secrets.py looks for them.
TOKENS = {variable: f"tok{uuid.uuid4().hex}" for variable in TOKEN_VARIABLES}


def pytest_configure(config):
    prepare()


@pytest.fixture
def small_pages(monkeypatch, sandbox):
    """Page sizes small enough that a month of the 80-person company spans several pages."""
    from tests.integration.test_connectors import SMALL_PAGES

    for module, size in SMALL_PAGES.items():
        monkeypatch.setattr(module, "PAGE_SIZE", size)
    monkeypatch.setattr(sandbox.apis["salesforce"], "batch_size", 40)


@pytest.fixture
def warehouse(tmp_path):
    from orchestration.resources import Warehouse

    return Warehouse(path=str(tmp_path / "warehouse.duckdb"))


@pytest.fixture(scope="session")
def vendor(tmp_path_factory):
    """The sandbox as a company's systems would be: another process, reached only by URL."""
    folder = tmp_path_factory.mktemp("vendor")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--employees", str(EMPLOYEES),
         "--as-of", SANDBOX_AS_OF, "--reviews-dir", str(folder / "reviews")],
        cwd=ROOT, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            info = requests.get(f"{url}/_sandbox/info", timeout=1).json()
            break
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline, "the sandbox did not start"
            time.sleep(0.3)
    yield live_environment(info)
    process.terminate()
    process.wait(timeout=30)


def run(folder: Path, **variables: str) -> subprocess.CompletedProcess:
    """One ``make run`` with only these variables set (beyond the machine's own), in its own warehouse."""
    folder.mkdir(parents=True, exist_ok=True)
    environ = {k: v for k, v in os.environ.items() if k not in SOURCE_VARIABLES and not k.startswith("PERFPIPE_")}
    environ |= {"WAREHOUSE_PATH": str(folder / "warehouse.duckdb"), "DAGSTER_HOME": str(folder),
                "DASHBOARDS_DIR": str(folder / "dashboards"), "AS_OF": RUN_AS_OF, **variables}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=ROOT, env=environ, capture_output=True,
                          text=True, timeout=900)  # fmt: skip


@dataclass(frozen=True)
class LiveRun:
    folder: Path  # its warehouse, copies, pages, dlt files and Dagster home
    result: subprocess.CompletedProcess
    dbt_files: Path  # a copy of the files dbt wrote for it under dbt_project/target and dbt_project/logs


@pytest.fixture(scope="session")
def live_run(vendor, tmp_path_factory) -> LiveRun:
    """One ``make run`` in live mode against the vendor sandbox, with the distinctive ``TOKENS``. The files
    dbt wrote for it are copied at once: later runs of the session write (and rotate) dbt's files too."""
    folder, dbt_files = tmp_path_factory.mktemp("live"), tmp_path_factory.mktemp("live_dbt_files")
    started = time.time() - 1
    result = run(folder, PERFPIPE_MODE="live", **{**vendor, **TOKENS})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for name in ("target", "logs"):
        for path in (ROOT / "dbt_project" / name).rglob("*"):
            if path.is_file() and path.stat().st_mtime >= started:
                copy = dbt_files / path.relative_to(ROOT / "dbt_project")
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
    return LiveRun(folder, result, dbt_files)
