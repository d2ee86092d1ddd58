"""Which of a Jira site's fields hold story points and sprints: every candidate, or the one configured."""

import pytest

from sources.http import SourceError
from sources.jira import custom_field_ids

POINTS = "com.pyxis.greenhopper.jira:jsw-story-points"
FIELDS = [
    {"id": "summary", "name": "Summary", "schema": {"system": "summary"}},
    {"id": "customfield_10026", "name": "Story Points", "schema": {"custom": "com.atlassian.jira.plugin.system.customfieldtypes:float"}},
    {"id": "customfield_10016", "name": "Story point estimate", "schema": {"custom": POINTS}},
    {"id": "customfield_10099", "name": "Effort (SP)", "schema": {"custom": POINTS}},
    {"id": "customfield_10020", "name": "Sprint", "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"}},
]  # fmt: skip


def test_every_story_point_field_is_a_candidate_in_the_sites_order():
    assert custom_field_ids(FIELDS) == {
        "story_points": ["customfield_10026", "customfield_10016", "customfield_10099"],
        "sprint": "customfield_10020",
    }


@pytest.mark.parametrize("setting", ["customfield_10026", "story points", " Story Points "])
def test_the_configured_field_is_the_only_one(setting):
    assert custom_field_ids(FIELDS, setting)["story_points"] == ["customfield_10026"]


def test_a_configured_field_the_site_lacks_fails_naming_the_ones_it_has():
    with pytest.raises(
        SourceError, match="JIRA_STORY_POINTS_FIELD 'Points' is not a field of this site.*customfield_10016"
    ):
        custom_field_ids(FIELDS, "Points")


def test_a_site_without_story_points_or_sprints_has_none():
    assert custom_field_ids(FIELDS[:1]) == {"story_points": []}
