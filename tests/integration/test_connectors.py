"""Each connector against the sandbox over real HTTP: paging, retries, clear errors, no loss."""

import copy

import duckdb
import numpy as np
import pytest

from orchestration.resources import Warehouse
from sandbox import SandboxServer
from sandbox.environment import live_environment
from sources import bamboohr, github, jira, pagerduty, salesforce, sonarqube, zendesk
from tests.conftest import SEPTEMBER, TEST_POLICY
from tests.oracle import expected_keys

# Page sizes small enough that a month of the 80-person company spans several pages.
SMALL_PAGES = {jira: 25, github: 20, sonarqube: 3, zendesk: 20, pagerduty: 5}
API_SOURCES = [jira, github, sonarqube, salesforce, zendesk, pagerduty, bamboohr]


def tables_of(module) -> list[str]:
    return list(module.source(None, None).resources)


def load(module, server, warehouse: Warehouse, window):
    settings = module.Settings.from_env(live_environment(server.info()))
    pipeline = warehouse.dlt_pipeline(f"raw_{module.Settings.SOURCE}")
    return pipeline.run(module.source(settings, window, TEST_POLICY))


def keys_in(warehouse: Warehouse, table: str) -> set[str]:
    with duckdb.connect(warehouse.path, read_only=True) as con:
        columns = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
                "and column_name not in ('payload', '_loaded_at', '_window_start', '_window_end') "
                "and column_name not like '\\_dlt%' escape '\\' order by ordinal_position",
                [table],
            ).fetchall()
        ]
        rows = con.execute(f'select {", ".join(columns)} from raw."{table}"').fetchall()
    keys = ["|".join(map(str, row)) for row in rows]
    assert len(keys) == len(set(keys)), f"{table} has duplicate keys"
    return set(keys)


@pytest.mark.parametrize("module", API_SOURCES, ids=lambda m: m.Settings.SOURCE)
def test_loads_every_page_of_a_month(module, sandbox, company, warehouse, small_pages):
    load(module, sandbox, warehouse, SEPTEMBER)

    name = module.Settings.SOURCE
    if module is not bamboohr:  # the HRIS report is one response by design
        assert sandbox.request_counts[name] >= 3, "expected the month to span several pages"
    for table in tables_of(module):
        loaded = keys_in(warehouse, table)
        assert loaded == expected_keys(company, sandbox, table, [SEPTEMBER])
        # An org without SSO has no identities; every other table has rows.
        assert loaded or (table == "github_sso_identities" and not company.profile.github_sso), f"{table} is empty"


def test_github_primary_rate_limit_waits_for_the_reset(sandbox, company, warehouse):
    sandbox.faults.add("github", "rate_limit", times=1)
    load(github, sandbox, warehouse, SEPTEMBER)
    assert keys_in(warehouse, "github_pull_requests") == expected_keys(
        company, sandbox, "github_pull_requests", [SEPTEMBER]
    )


def test_github_graphql_errors_fail_the_load(sandbox, warehouse):
    settings = github.Settings(api_url=sandbox.base_url("github"), token="t", repos="sandbox-corp/no-such-repo")
    pipeline = warehouse.dlt_pipeline("raw_github")
    with pytest.raises(Exception, match="github: page 1 of .* failed: NOT_FOUND"):
        pipeline.run(github.source(settings, SEPTEMBER, TEST_POLICY))


def test_zendesk_asks_for_metric_sets_on_every_page_of_the_export(contrast_sandbox, warehouse, monkeypatch):
    """The contrast company's after_url carries only the cursor, as real Zendesk's does."""
    monkeypatch.setattr(zendesk, "EXPORT_PAGE_SIZE", 20)
    load(zendesk, contrast_sandbox, warehouse, SEPTEMBER)
    assert contrast_sandbox.request_counts["zendesk"] >= 4, "expected the month to span several export pages"
    with duckdb.connect(warehouse.path, read_only=True) as con:
        status, with_metrics = zip(
            *con.execute(
                "select payload ->> '$.status', json_type(payload, '$.metric_set') = 'OBJECT' from raw.zendesk_tickets"
            ).fetchall()
        )
    assert all(has for s, has in zip(status, with_metrics) if s != "deleted")
    assert "deleted" in status and not any(has for s, has in zip(status, with_metrics) if s == "deleted")


def test_github_reads_the_orgs_sso_identities_where_sso_is_on(contrast_sandbox, warehouse):
    load(github, contrast_sandbox, warehouse, SEPTEMBER)
    identities = keys_in(warehouse, "github_sso_identities")
    assert identities == expected_keys(None, contrast_sandbox, "github_sso_identities", [SEPTEMBER])
    assert len(identities) == len(contrast_sandbox.company.accounts["github"])


def test_an_hris_field_the_pipeline_cannot_read_fails_the_load_naming_it(contrast_company, warehouse, tmp_path):
    company = copy.deepcopy(contrast_company)
    company.people.loc[company.people.index[::8], "pay_range_min"] = np.nan  # 13% empty
    unreadable = r"payRangeMin \(customSalaryBandMin\): 1\d% of \d+ employees empty"
    with SandboxServer(company, port=0) as server, pytest.raises(Exception, match=unreadable):
        load(bamboohr, server, warehouse, None)
