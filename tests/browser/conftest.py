"""The browser tier: Debian's Chromium (``CHROMIUM_PATH`` to use another), driven by Playwright.

``make test`` installs Chromium when it is missing and it can (root with apt-get). Where it
cannot, these tests are skipped with one line saying why; under ``CI=true`` a missing browser
fails them instead, so CI never passes without having looked at the pages.
The dashboards asset is imported with the Dagster definitions, which load the dbt assets from
the manifest: it is prepared before any test module of this folder is imported.
"""

import os
from pathlib import Path

import pytest

from orchestration.dbt_project import prepare

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
MISSING = (
    f"no Chromium at {CHROMIUM}; to run them, install Debian's chromium (apt-get install -y chromium) "
    "or set CHROMIUM_PATH to a Chromium binary"
)
UNDER_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    prepare()


def pytest_collect_file(file_path, parent):
    if not CHROMIUM.is_file() and not UNDER_CI and file_path.name.startswith("test_"):
        pytest.skip(f"browser tests skipped: {MISSING}", allow_module_level=True)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.is_file():
        pytest.fail(f"browser tests cannot run under CI=true: {MISSING}")
    return CHROMIUM
