"""One explicit mode per run: live reads the environment and never falls back to the sandbox; the
sources in use are checked together; a run plans the months it loads from what is recorded."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from orchestration.partitions import months_to_load
from orchestration.resources import SourceSystems, Warehouse, WarehouseModeError
from sources import SOURCES
from sources.settings import SourceConfigError

LIVE = {
    "JIRA_BASE_URL": "https://acme.atlassian.net",
    "JIRA_EMAIL": "ops@acme.example",
    "JIRA_API_TOKEN": "jira-secret",
    "REVIEWS_DIR": "/exports",
}


@pytest.fixture
def environ(monkeypatch):
    for var in [v for m in SOURCES.values() for v in m.Settings.ENV.values()]:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_live_with_nothing_configured_names_every_missing_variable(environ):
    with pytest.raises(SourceConfigError) as error:
        SourceSystems(mode="live", sources=",".join(SOURCES)).check()
    message = str(error.value)
    for module in SOURCES.values():
        for field, var in module.Settings.ENV.items():
            assert (var in message) == module.Settings.model_fields[field].is_required(), var


def test_live_uses_only_the_sources_in_use_and_logs_no_values(environ):
    for var, value in LIVE.items():
        environ.setenv(var, value)
    systems = SourceSystems(mode="live", sources="jira, reviews")
    lines = systems.check()
    assert lines == ["jira: live (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN set)", "reviews: live (REVIEWS_DIR set)"]
    assert not any(value in line for line in lines for value in LIVE.values())
    assert systems.settings("jira").base_url == LIVE["JIRA_BASE_URL"]
    assert "github" in systems.warnings()[0] and "their metrics stay missing" in systems.warnings()[0]


def test_mistyped_variable_is_warned_about(environ):
    for var, value in LIVE.items():
        environ.setenv(var, value)
    environ.setenv("JIRA_BASEURL", "https://typo.example")
    warnings = SourceSystems(mode="live", sources="jira,reviews").warnings()
    assert any("JIRA_BASEURL" in w and "did you mean JIRA_BASE_URL?" in w for w in warnings)
    assert not any("typo.example" in w for w in warnings)


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("mode", "production", "PERFPIPE_MODE: 'production' is not one of live, sandbox"),
        ("sources", "jira,workday", "PERFPIPE_SOURCES: unknown source\\(s\\) workday"),
    ],
)
def test_bad_run_settings_are_named(environ, setting, value, message):
    with pytest.raises(SourceConfigError, match=message):
        SourceSystems(**{"mode": "live", "sources": "jira", setting: value}).check()


def loads(*rows):
    return pd.DataFrame(
        [
            {
                "source": s,
                "window_start": pd.Timestamp(a, tz=UTC) if a else None,
                "window_end": pd.Timestamp(b, tz=UTC) if b else None,
                "loaded_at": pd.Timestamp(at, tz=UTC),
            }
            for s, a, b, at in rows
        ],
        columns=["source", "window_start", "window_end", "loaded_at"],
    )


def test_a_fresh_warehouse_loads_the_twelve_whole_months_before_this_one():
    assert months_to_load(loads(), ["jira"], date(2026, 11, 15)) == ("2025-11-01", "2026-10-01")
    # a snapshot load says nothing about activity months
    assert (
        months_to_load(loads(("bamboohr", None, None, "2026-11-01")), ["jira"], date(2026, 11, 15))[0] == "2025-11-01"
    )


def test_later_runs_load_what_is_not_complete_plus_this_month():
    history = loads(
        ("jira", "2025-11-01", "2026-11-01", "2026-11-15"),  # a run on the 15th: through October
        ("jira", "2026-11-01", "2026-12-01", "2026-11-15"),
    )  # November still running then
    assert months_to_load(history, ["jira"], date(2026, 11, 16)) == ("2026-11-01", "2026-11-01")
    assert months_to_load(history, ["jira"], date(2026, 12, 2)) == ("2026-11-01", "2026-12-01")
    # a source newly in use starts with its twelve months
    assert months_to_load(history, ["jira", "github"], date(2026, 12, 2)) == ("2025-12-01", "2026-12-01")


def test_a_run_as_of_a_past_day_reloads_that_days_month_however_late_the_clock():
    history = loads(
        ("jira", "2025-11-01", "2026-11-01", "2026-12-02"),  # AS_OF=2026-11-01, run on 2 December
        ("jira", "2026-11-01", "2026-12-01", "2026-12-02"),  # its second run: November, after it ended
    )
    assert months_to_load(history, ["jira"], date(2026, 11, 1)) == ("2026-11-01", "2026-11-01")


def test_the_plan_reads_utc_month_ends():
    end = datetime(2026, 11, 1, tzinfo=UTC)
    history = loads(("jira", "2026-10-01", end.isoformat(), "2026-11-02"))
    assert months_to_load(history, ["jira"], date(2026, 11, 20))[0] == "2026-11-01"


def test_a_warehouse_keeps_the_mode_that_first_loaded_it(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "new" / "folder" / "warehouse.duckdb"))
    assert warehouse.recorded_mode() is None and not (tmp_path / "new").exists()  # reading creates nothing
    warehouse.claim("live")
    warehouse.claim("live")
    assert warehouse.recorded_mode() == "live"
    with pytest.raises(WarehouseModeError, match="holds live data and this run is in sandbox mode.*WAREHOUSE_PATH"):
        warehouse.claim("sandbox")
    older = Warehouse(path=str(tmp_path / "older.duckdb"))
    with older.connect(read_only=False) as con:
        con.execute("create schema raw; create table raw.jira_issues (id varchar)")
    with pytest.raises(WarehouseModeError, match="no record of the mode"):
        older.claim("sandbox")
