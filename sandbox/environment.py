"""The live settings that point every connector at a running sandbox.

The connectors take their settings from environment variables and know nothing of the
simulator; a sandbox is reached exactly as a company's systems would be, through the
variables a company sets (``python -m sandbox env`` prints them for a shell).
"""

from __future__ import annotations

from typing import Any

from .config import EMAIL_DOMAIN

SECRET = "sandbox"  # the sandbox accepts any credentials of the right scheme


def live_environment(info: dict[str, Any]) -> dict[str, str]:
    """Every source's variables for the sandbox described by ``info`` (``SandboxServer.info()``)."""
    urls, login = info["urls"], f"pipeline@{EMAIL_DOMAIN}"
    environment = {
        "JIRA_BASE_URL": urls["jira"], "JIRA_EMAIL": login, "JIRA_API_TOKEN": SECRET,
        "GITHUB_API_URL": urls["github"], "GITHUB_TOKEN": SECRET, "GITHUB_REPOS": ",".join(info["github_repos"]),
        "SONARQUBE_URL": urls["sonarqube"], "SONARQUBE_TOKEN": SECRET,
        "SONARQUBE_PROJECTS": ",".join(info["sonar_projects"]),
        "SALESFORCE_INSTANCE_URL": urls["salesforce"], "SALESFORCE_ACCESS_TOKEN": SECRET,
        "ZENDESK_BASE_URL": urls["zendesk"], "ZENDESK_EMAIL": login, "ZENDESK_API_TOKEN": SECRET,
        "PAGERDUTY_API_URL": urls["pagerduty"], "PAGERDUTY_API_TOKEN": SECRET,
        "BAMBOOHR_BASE_URL": urls["bamboohr"], "BAMBOOHR_API_KEY": SECRET,
        # the company's own custom-field names, as its administrator would configure them
        "BAMBOOHR_CUSTOM_FIELDS": ",".join(f"{name}={field}" for name, field in info["hris_custom_fields"].items()),
    }  # fmt: skip
    if info.get("reviews_dir"):
        environment["REVIEWS_DIR"] = info["reviews_dir"]
    return environment
