"""The live settings that point every connector at a running sandbox.

The connectors take their settings from environment variables and know nothing of the
simulator; a sandbox is reached exactly as a company's systems would be, through the
variables a company sets (``python -m sandbox env`` prints them for a shell).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import EMAIL_DOMAIN

SECRET = "sandbox"  # the sandbox accepts any credentials of the right scheme
TOKEN_VARIABLES = (
    "JIRA_API_TOKEN", "GITHUB_TOKEN", "SONARQUBE_TOKEN", "SALESFORCE_ACCESS_TOKEN", "ZENDESK_API_TOKEN",
    "PAGERDUTY_API_TOKEN", "BAMBOOHR_API_KEY",
)  # fmt: skip


def live_environment(info: dict[str, Any], tokens: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every source's variables for the sandbox described by ``info`` (``SandboxServer.info()``);
    ``tokens`` sets the credentials by variable (any value is accepted, ``SECRET`` by default)."""
    urls, login = info["urls"], f"pipeline@{EMAIL_DOMAIN}"
    token = {variable: (tokens or {}).get(variable, SECRET) for variable in TOKEN_VARIABLES}
    environment = {
        "JIRA_BASE_URL": urls["jira"], "JIRA_EMAIL": login, "JIRA_API_TOKEN": token["JIRA_API_TOKEN"],
        "GITHUB_API_URL": urls["github"], "GITHUB_TOKEN": token["GITHUB_TOKEN"],
        "GITHUB_REPOS": ",".join(info["github_repos"]),
        "SONARQUBE_URL": urls["sonarqube"], "SONARQUBE_TOKEN": token["SONARQUBE_TOKEN"],
        "SONARQUBE_PROJECTS": ",".join(info["sonar_projects"]),
        "SALESFORCE_INSTANCE_URL": urls["salesforce"], "SALESFORCE_ACCESS_TOKEN": token["SALESFORCE_ACCESS_TOKEN"],
        "ZENDESK_BASE_URL": urls["zendesk"], "ZENDESK_EMAIL": login, "ZENDESK_API_TOKEN": token["ZENDESK_API_TOKEN"],
        "PAGERDUTY_API_URL": urls["pagerduty"], "PAGERDUTY_API_TOKEN": token["PAGERDUTY_API_TOKEN"],
        "BAMBOOHR_BASE_URL": urls["bamboohr"], "BAMBOOHR_API_KEY": token["BAMBOOHR_API_KEY"],
        # the company's own custom-field names, as its administrator would configure them
        "BAMBOOHR_CUSTOM_FIELDS": ",".join(f"{name}={field}" for name, field in info["hris_custom_fields"].items()),
    }  # fmt: skip
    if info.get("reviews_dir"):
        environment["REVIEWS_DIR"] = info["reviews_dir"]
    return environment
