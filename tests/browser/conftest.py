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

HOW_TO_ENABLE = "install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary"


def pytest_configure(config):
    prepare()


@pytest.fixture(scope="session")
def chromium() -> Path:
    path = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
    if not path.is_file():
        reason = f"browser tests skipped: no Chromium at {path}; to run them, {HOW_TO_ENABLE}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason.replace("skipped", "cannot run under CI=true"))
        pytest.skip(reason)
    return path
