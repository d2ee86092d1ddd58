"""The fault suite: every API source against each of the sandbox's faults, over real HTTP.

A transient fault (a rate limit, a burst of 5xx shorter than the retry budget, a timeout, a page
cut short by a dropped connection) is retried and the load holds exactly what the sandbox served.
A fault retrying cannot fix (malformed or truncated JSON, refused credentials, 5xx or a source
down past the retry budget) fails the load with an error naming the source, the URL and the page,
and what earlier loads brought stays as it was. A load leaves no data files of dlt's behind.
"""

import re
from pathlib import Path

import pytest

from sources import bamboohr
from sources.http import SourceError
from tests.conftest import AUGUST, SEPTEMBER, TEST_POLICY
from tests.integration.test_connectors import API_SOURCES, keys_in, load, tables_of
from tests.oracle import expected_keys

RETRIES = TEST_POLICY.max_attempts - 1
# kind -> (faulty responses in a row, seconds a slow answer waits)
SURVIVED = {
    "rate_limit": (2, 0),
    "server_error": (RETRIES, 0),  # a 5xx burst one short of the retry budget
    "slow": (1, 2),  # past the 0.5 s timeout: a timeout
    "short_page": (1, 0),
}
# kind -> what the error says after "failed: ". The fault lasts (every request from the first faulty
# one on), as a broken page or a refusal does: a request that timed out on a loaded machine and was
# retried cannot slip past it.
FAILED = {
    "malformed": "malformed JSON",
    "truncated": "malformed JSON",
    "unauthorized": "HTTP 401 Unauthorized",
    "server_error": "HTTP 503",  # 5xx past every request's retry budget
    "down": r"\('Connection aborted\.'",  # every request dropped until cleared
}
ids = lambda m: m.Settings.SOURCE  # noqa: E731


def later_page(module) -> int:
    """Requests let through before the fault: hit a later page where there is one."""
    return 0 if module is bamboohr else 1


def data_files(warehouse) -> list[Path]:
    """dlt's job files (the rows themselves) left under the data folder's ``.dlt``."""
    root = warehouse.data_dir / ".dlt"
    return [
        p for p in root.rglob("*") if p.is_file() and p.parent.name in ("new_jobs", "started_jobs", "completed_jobs")
    ]


@pytest.mark.parametrize("fault", SURVIVED)
@pytest.mark.parametrize("module", API_SOURCES, ids=ids)
def test_a_transient_fault_is_retried_to_complete_data(module, fault, sandbox, company, warehouse, small_pages):
    name = module.Settings.SOURCE
    times, seconds = SURVIVED[fault]
    sandbox.faults.add(name, fault, times=times, after=later_page(module), seconds=seconds)

    load(module, sandbox, warehouse, SEPTEMBER)

    assert not sandbox.faults.pending(name), "the fault was never hit"
    for table in tables_of(module):
        assert keys_in(warehouse, table) == expected_keys(company, sandbox, table, [SEPTEMBER])
    assert data_files(warehouse) == [], "the loaded package's rows were kept"


@pytest.mark.parametrize(
    "fault", FAILED, ids=lambda kind: kind if kind != "server_error" else "server_error_past_retries"
)
@pytest.mark.parametrize("module", API_SOURCES, ids=ids)
def test_a_lasting_fault_fails_naming_source_url_and_page_and_keeps_earlier_loads(
    module, fault, sandbox, warehouse, small_pages
):
    name = module.Settings.SOURCE
    load(module, sandbox, warehouse, AUGUST)
    before = {table: keys_in(warehouse, table) for table in tables_of(module)}

    sandbox.faults.add(name, fault, times=100, after=later_page(module))
    with pytest.raises(Exception) as failure:
        load(module, sandbox, warehouse, SEPTEMBER)

    cause = failure.value
    while cause is not None and not isinstance(cause, SourceError):
        cause = cause.__cause__
    assert cause is not None, f"no SourceError in {failure.value!r}"
    assert re.search(rf"^{name}: page \d+ of http://127\.0\.0\.1:\d+/{name}/\S+ failed: {FAILED[fault]}", str(cause)), (
        cause
    )
    # Dagster's step retry tries a source down again later, never bad data or refused credentials.
    assert cause.retryable == (fault in ("server_error", "down"))
    assert {table: keys_in(warehouse, table) for table in tables_of(module)} == before
