"""The integration tier imports the Dagster definitions, which load the dbt assets from the
manifest: prepare it before any test module of this folder is imported."""

import pytest

from orchestration.dbt_project import prepare


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
