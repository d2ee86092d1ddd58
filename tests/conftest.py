"""Shared fixtures: one small simulated company per session, a fresh sandbox server per test."""

from datetime import UTC, date, datetime

import pytest

from orchestration.dbt_project import prepare as prepare_dbt_manifest
from orchestration.sandbox import SandboxServer, generate_company
from orchestration.sources.http import HttpPolicy
from orchestration.sources.records import Window

AS_OF = date(2026, 11, 1)
SEPTEMBER = Window(datetime(2026, 9, 1, tzinfo=UTC), datetime(2026, 10, 1, tzinfo=UTC))
AUGUST = Window(datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 9, 1, tzinfo=UTC))
# Impatient: a slow fault of 2 s passes the 0.5 s timeout; backoffs stay short.
TEST_POLICY = HttpPolicy(timeout=0.5, max_attempts=4, backoff_factor=0.05)


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
