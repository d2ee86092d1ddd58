"""Source settings from the environment: complete or a clear error naming every missing variable,
never a silent fallback; typos pointed out; secrets hidden."""

import pytest

from sources import bamboohr, github, jira, reviews, settings_for, sonarqube, unknown_variables
from sources.settings import SourceConfigError


def test_no_variables_is_an_error_naming_them_all():
    with pytest.raises(SourceConfigError, match="jira: JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN not set"):
        jira.Settings.from_env({})
    with pytest.raises(SourceConfigError, match="JIRA_BASE_URL"):
        jira.Settings.from_env({"JIRA_BASE_URL": "", "JIRA_EMAIL": "a@b", "JIRA_API_TOKEN": "t"})


def test_partial_settings_name_what_is_missing():
    with pytest.raises(SourceConfigError, match="jira: JIRA_EMAIL, JIRA_API_TOKEN not set"):
        jira.Settings.from_env({"JIRA_BASE_URL": "https://acme.atlassian.net"})


def test_every_source_in_use_is_checked_at_once():
    environ = {"JIRA_BASE_URL": "https://acme.atlassian.net", "PAGERDUTY_API_TOKEN": "t"}
    with pytest.raises(SourceConfigError) as error:
        settings_for(["jira", "github", "pagerduty", "reviews"], environ)
    message = str(error.value)
    assert "jira: JIRA_EMAIL, JIRA_API_TOKEN not set" in message
    assert "github: GITHUB_TOKEN, GITHUB_REPOS not set" in message  # GITHUB_API_URL has a default
    assert "reviews: REVIEWS_DIR not set" in message
    assert "pagerduty" not in message  # its API URL has a default: configured
    assert set(settings_for(["pagerduty"], environ)) == {"pagerduty"}


def test_mistyped_variables_are_named_with_the_nearest_known_one():
    environ = {
        "JIRA_BASEURL": "https://acme",
        "GITHUB_REPO": "a/b",
        "JIRA_EMAIL": "x",
        "PATH": "/bin",
        "PERFPIPE_SOURCE": "jira",
    }
    assert unknown_variables(environ, ["PERFPIPE_MODE", "PERFPIPE_SOURCES"]) == [
        ("GITHUB_REPO", "GITHUB_REPOS"),
        ("JIRA_BASEURL", "JIRA_BASE_URL"),
        ("PERFPIPE_SOURCE", "PERFPIPE_SOURCES"),
    ]


def test_only_the_variables_set_are_listed():
    assert jira.Settings.variables_set({"JIRA_BASE_URL": "u", "JIRA_EMAIL": "", "JIRA_API_TOKEN": "t"}) == [
        "JIRA_BASE_URL",
        "JIRA_API_TOKEN",
    ]


def test_secrets_never_show_in_reprs_or_errors():
    token = "ghp_super_secret_value_123"
    settings = github.Settings.from_env(
        {"GITHUB_TOKEN": token, "GITHUB_REPOS": "acme/api, acme/web", "GITHUB_API_URL": "https://api.github.com"}
    )
    assert settings.repos == ["acme/api", "acme/web"] and settings.orgs == ["acme"]
    assert token not in repr(settings) and token not in str(settings.model_dump())
    with pytest.raises(SourceConfigError) as error:
        github.Settings.from_env({"GITHUB_TOKEN": token, "GITHUB_REPOS": "not-a-repo"})
    assert "GITHUB_REPOS" in str(error.value) and token not in str(error.value)


def test_lists_and_custom_fields_parse():
    assert sonarqube.Settings.from_env(
        {"SONARQUBE_URL": "https://sonar", "SONARQUBE_TOKEN": "t", "SONARQUBE_PROJECTS": "a,b"}
    ).projects == ["a", "b"]
    hris = bamboohr.Settings.from_env(
        {"BAMBOOHR_BASE_URL": "https://x", "BAMBOOHR_API_KEY": "k", "BAMBOOHR_CUSTOM_FIELDS": "level=customJobLevel"}
    )
    assert hris.custom_fields["level"] == "customJobLevel"
    assert hris.custom_fields["payRangeMidpoint"] == "customPayRangeMidpoint"
    with pytest.raises(SourceConfigError, match="BAMBOOHR_CUSTOM_FIELDS"):
        bamboohr.Settings.from_env(
            {"BAMBOOHR_BASE_URL": "https://x", "BAMBOOHR_API_KEY": "k", "BAMBOOHR_CUSTOM_FIELDS": "grade=x"}
        )
    assert str(reviews.Settings.from_env({"REVIEWS_DIR": "/exports"}).directory) == "/exports"
