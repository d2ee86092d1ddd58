"""The staleness rule: now minus a source's last successful load, stale past the threshold."""

from datetime import UTC, datetime

import pandas as pd

from analytics.staleness import staleness

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
LOADS = pd.DataFrame(
    {
        "source": ["jira", "jira", "github"],
        "window_start": [None, None, None],
        "window_end": [None, None, None],
        "loaded_at": pd.to_datetime(["2026-11-18 02:00", "2026-11-19 02:00", "2026-11-20 02:00"], utc=True),
    }
)


def test_each_source_is_as_old_as_its_last_successful_load():
    jira, github, zendesk = staleness(LOADS, ["jira", "github", "zendesk"], NOW, stale_after=26)
    assert (jira.last_loaded, jira.hours, jira.stale) == (datetime(2026, 11, 19, 2, tzinfo=UTC), 30.0, True)
    assert (github.hours, github.stale) == (6.0, False)
    assert (zendesk.last_loaded, zendesk.hours, zendesk.stale) == (None, None, True)
    assert jira.describe() == "source jira last loaded 2026-11-19 02:00 UTC, 30.0 hours ago (stale)"
    assert github.describe() == "source github last loaded 2026-11-20 02:00 UTC, 6.0 hours ago"
    assert zendesk.describe() == "source zendesk never loaded"
    assert jira.metadata() == {"last_loaded_at": "2026-11-19T02:00:00+00:00", "hours_since_load": 30.0, "stale": True}


def test_a_fresh_warehouse_has_no_loads():
    (jira,) = staleness(LOADS.iloc[0:0], ["jira"], NOW, stale_after=26)
    assert jira.stale and jira.last_loaded is None
