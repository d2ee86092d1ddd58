"""The integration tier imports the Dagster definitions, which load the dbt assets from the
manifest: prepare it before any test module of this folder is imported."""

from orchestration.dbt_project import prepare


def pytest_configure(config):
    prepare()
