"""The integration tier imports the Dagster definitions, which load the dbt assets from the
manifest: prepare it before any test module of this folder is imported.

Also here: the sandbox as a company's systems would be (``vendor``) and the live ``make run``s against
it (``live_runs``), made once for the modules that check them (test_run.py, test_secrets.py)."""

import os
import shutil
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
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
LEFT_OUT = ("salesforce", "pagerduty")  # the sources the other live run leaves out


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
    dbt_files: Path  # a copy of what dbt wrote under dbt_project/target and dbt_project/logs meanwhile


@pytest.fixture(scope="session")
def live_runs(vendor, tmp_path_factory) -> dict[str, LiveRun]:
    """The suite's live ``make run``s against the vendor sandbox, side by side (a run spends much of its
    time waiting on one subprocess or another): ``all`` with every source and the distinctive ``TOKENS``,
    ``left_out`` with the sources of ``LEFT_OUT`` left out of PERFPIPE_SOURCES (and their settings unset).
    The files dbt wrote meanwhile are copied at once: later runs of the session write (and rotate) them."""
    prefixes = tuple(f"{name.upper()}_" for name in LEFT_OUT)
    settings = {
        "all": {**vendor, **TOKENS},
        "left_out": {var: value for var, value in vendor.items() if not var.startswith(prefixes)}
        | {"PERFPIPE_SOURCES": ",".join(name for name in SOURCES if name not in LEFT_OUT)},
    }
    folders = {name: tmp_path_factory.mktemp(f"live_{name}") for name in settings}
    dbt_files = tmp_path_factory.mktemp("live_dbt_files")
    started = time.time() - 1
    with ThreadPoolExecutor(max_workers=len(settings)) as pool:
        runs = {name: pool.submit(run, folders[name], PERFPIPE_MODE="live", **settings[name]) for name in settings}
    for name in ("target", "logs"):
        for path in (ROOT / "dbt_project" / name).rglob("*"):
            if path.is_file() and path.stat().st_mtime >= started:
                copy = dbt_files / path.relative_to(ROOT / "dbt_project")
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, copy)
    return {name: LiveRun(folders[name], future.result(), dbt_files) for name, future in runs.items()}


@pytest.fixture(scope="session")
def live_run(live_runs) -> LiveRun:
    """The live run of every source, with the distinctive ``TOKENS``."""
    live = live_runs["all"]
    assert live.result.returncode == 0, live.result.stdout[-3000:] + live.result.stderr[-3000:]
    return live
