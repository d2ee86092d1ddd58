"""Shared fixtures: one small simulated company per session, a fresh sandbox server per test,
and one warehouse per session built through Dagster (ingest, then dbt)."""

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from dagster_dbt import DbtCliResource
from dagster_dlt import DagsterDltResource

from orchestration.assets.analytics import analytics_assets
from orchestration.assets.dbt import dbt_models
from orchestration.assets.raw import activity_assets, snapshot_assets
from orchestration.dbt_project import DBT_PROJECT
from orchestration.dbt_project import prepare as prepare_dbt_manifest
from orchestration.resources import SourceSystems, Warehouse
from sandbox import SandboxServer, generate_company
from sources.http import HttpPolicy
from sources.records import Window

AS_OF = date(2026, 11, 1)
SEPTEMBER = Window(datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
AUGUST = Window(datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC))
# Impatient: a slow fault of 2 s passes the 0.5 s timeout; backoffs stay short.
TEST_POLICY = HttpPolicy(timeout=0.5, max_attempts=4, backoff_factor=0.05)
DBT = str(Path(sys.executable).parent / "dbt")


def pytest_configure(config):
    # The definitions load dbt assets from the manifest: build it before any test module imports them.
    prepare_dbt_manifest()


@pytest.fixture(scope="session")
def company():
    return generate_company(seed=7, employees=80, as_of=AS_OF)


@pytest.fixture
def sandbox(company, tmp_path):
    """A sandbox of the session's company, with its review exports written to a temp folder."""
    reviews = tmp_path / "reviews"
    company.write_review_exports(reviews)
    with SandboxServer(company, port=0, reviews_dir=reviews) as server:
        yield server


@pytest.fixture(scope="session")
def built(company, tmp_path_factory):
    """Snapshots plus July-September 2026 ingested, then every dbt seed, model and test built."""
    directory = tmp_path_factory.mktemp("dbt_layer")
    company.write_review_exports(directory / "reviews")
    with SandboxServer(company, port=0, reviews_dir=directory / "reviews") as server:
        resources = {
            "dlt": DagsterDltResource(),
            "dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=DBT),
            "warehouse": Warehouse(path=str(directory / "warehouse.duckdb")),
            "source_systems": SourceSystems(sandbox_url=server.url),
        }
        instance = dg.DagsterInstance.ephemeral()
        assert dg.materialize(snapshot_assets, resources=resources, instance=instance).success
        tags = {ASSET_PARTITION_RANGE_START_TAG: "2026-07-01", ASSET_PARTITION_RANGE_END_TAG: "2026-09-01"}
        assert dg.materialize(activity_assets, resources=resources, instance=instance, tags=tags).success
    result = dg.materialize([dbt_models], resources=resources, instance=instance, raise_on_error=False)
    return resources["warehouse"], result


@pytest.fixture(scope="session")
def analysed(built):
    """The session's warehouse with every decision-analytics asset materialised on it."""
    warehouse, dbt_result = built
    assert dbt_result.success
    result = dg.materialize(analytics_assets, resources={"warehouse": warehouse},
                            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    return warehouse, result
