"""Source settings from the environment: sandbox when absent, complete or a clear error, secrets hidden."""

import pytest

from sources import bamboohr, github, jira, reviews, sonarqube
from sources.settings import SourceConfigError


def test_no_variables_means_the_sandbox():
    assert jira.Settings.from_env({}) is None
    assert jira.Settings.from_env({"JIRA_BASE_URL": ""}) is None


def test_partial_settings_name_what_is_missing():
    with pytest.raises(SourceConfigError, match="jira: JIRA_EMAIL, JIRA_API_TOKEN not set"):
        jira.Settings.from_env({"JIRA_BASE_URL": "https://acme.atlassian.net"})


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
        bamboohr.Settings.from_env({"BAMBOOHR_BASE_URL": "https://x", "BAMBOOHR_API_KEY": "k", "BAMBOOHR_CUSTOM_FIELDS": "grade=x"})
    assert str(reviews.Settings.from_env({"REVIEWS_DIR": "/exports"}).directory) == "/exports"
