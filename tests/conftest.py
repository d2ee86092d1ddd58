"""Shared fixtures: one small simulated company per session, a fresh sandbox server per test,
and one warehouse per session built through Dagster (ingest, then dbt, then the analytics).

Tests live in tiers, marked by their folder: ``unit`` (pure functions, no server, no dbt),
``integration`` (the sandbox over HTTP, DuckDB, dbt, Dagster) and ``browser`` (Chromium).
The dbt manifest is prepared only where a tier needs it (its conftest), so the unit tier
starts at once; the pipeline fixtures below import the dbt assets only when first used.
"""

import socket
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sandbox import SandboxServer, generate_company
from sources.http import HttpPolicy
from sources.records import Window

AS_OF = date(2026, 11, 1)
SEPTEMBER = Window(datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
AUGUST = Window(datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC))
# Impatient: a slow fault of 2 s passes the 0.5 s timeout; backoffs stay short.
TEST_POLICY = HttpPolicy(timeout=0.5, max_attempts=4, backoff_factor=0.05)
DBT = str(Path(sys.executable).parent / "dbt")
TIERS = ("unit", "integration", "browser")


def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = Path(item.fspath).relative_to(Path(__file__).parent).parts[0]
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))


@pytest.fixture(scope="session")
def company():
    return generate_company(seed=7, employees=80, as_of=AS_OF)


def serving(company, folder: Path):
    """A sandbox of ``company`` on a free port, with its review exports written to ``folder``."""
    company.write_review_exports(folder / "reviews")
    return SandboxServer(company, port=0, reviews_dir=folder / "reviews")


@pytest.fixture
def sandbox(company, tmp_path):
    """A sandbox of the session's company."""
    with serving(company, tmp_path) as server:
        yield server


@pytest.fixture
def contrast_sandbox(contrast_company, tmp_path):
    """A sandbox of the contrast company (sandbox/profiles.py)."""
    with serving(contrast_company, tmp_path) as server:
        yield server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sandbox_systems(server: SandboxServer, **options):
    """The source systems of a run in sandbox mode against ``server``."""
    from orchestration.resources import SourceSystems

    return SourceSystems(mode="sandbox", sandbox_url=server.url, **options)


def pipeline(company, directory: Path):
    """Snapshots plus July-September 2026 of ``company`` ingested through Dagster, then every dbt
    seed, model and test built: the warehouse and the dbt run's result."""
    import dagster as dg
    from dagster_dbt import DbtCliResource
    from dagster_dlt import DagsterDltResource

    from orchestration.assets.dbt import dbt_models
    from orchestration.assets.raw import activity_assets, snapshot_assets
    from orchestration.dbt_project import DBT_PROJECT
    from orchestration.partitions import range_tags
    from orchestration.resources import Warehouse

    with serving(company, directory) as server:
        resources = {
            "dlt": DagsterDltResource(),
            "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT),
            "warehouse": Warehouse(path=str(directory / "warehouse.duckdb")),
            "source_systems": sandbox_systems(server),
        }
        instance = dg.DagsterInstance.ephemeral()
        assert dg.materialize(snapshot_assets, resources=resources, instance=instance).success
        tags = range_tags("2026-07-01", "2026-09-01")
        assert dg.materialize(activity_assets, resources=resources, instance=instance, tags=tags).success
    result = dg.materialize([dbt_models], resources=resources, instance=instance, raise_on_error=False)
    return resources["warehouse"], result


@pytest.fixture(scope="session")
def built(company, tmp_path_factory):
    """The session's warehouse of the default company, ingested and built by dbt."""
    return pipeline(company, tmp_path_factory.mktemp("dbt_layer"))


@pytest.fixture(scope="session")
def contrast_company():
    """A company whose systems are configured differently from the default in every way profiles vary."""
    return generate_company(seed=11, employees=80, as_of=AS_OF, profile="contrast")


@pytest.fixture(scope="session")
def built_contrast(contrast_company, tmp_path_factory):
    return pipeline(contrast_company, tmp_path_factory.mktemp("dbt_layer_contrast"))


def analytics_on(warehouse):
    """Every decision-analytics asset materialised on a built warehouse."""
    import dagster as dg

    from orchestration.assets import analytics_assets

    return dg.materialize(
        analytics_assets,
        resources={"warehouse": warehouse},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


@pytest.fixture(scope="session", params=["default", "contrast"])
def profiled(request):
    """(company, warehouse) of each profile, built by dbt and analysed: for checks against each one's truth."""
    if request.param == "default":
        warehouse, result = request.getfixturevalue("analysed")
        company = request.getfixturevalue("company")
    else:
        warehouse, built = request.getfixturevalue("built_contrast")
        assert built.success
        result, company = analytics_on(warehouse), request.getfixturevalue("contrast_company")
    assert result.success
    return company, warehouse


@pytest.fixture(scope="session")
def analysed(built):
    """The session's warehouse with every decision-analytics asset materialised on it."""
    warehouse, dbt_result = built
    assert dbt_result.success
    return warehouse, analytics_on(warehouse)
