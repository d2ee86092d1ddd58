"""One module per source system: its settings, its sandbox settings and its dlt source."""

from . import bamboohr, github, jira, pagerduty, reviews, salesforce, sonarqube, zendesk

ACTIVITY_SOURCES = (jira, github, sonarqube, salesforce, zendesk, pagerduty)  # loaded per month
SNAPSHOT_SOURCES = (bamboohr, reviews)  # loaded whole
