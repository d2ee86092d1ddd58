"""One module per vendor API; each class renders the company's data the way that vendor does."""

from .bamboohr import BambooHrApi
from .github import GitHubApi
from .jira import JiraApi
from .pagerduty import PagerDutyApi
from .salesforce import SalesforceApi
from .sonarqube import SonarQubeApi
from .zendesk import ZendeskApi

VENDORS = (JiraApi, GitHubApi, SonarQubeApi, SalesforceApi, ZendeskApi, PagerDutyApi, BambooHrApi)
