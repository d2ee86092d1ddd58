"""Company profiles: how the simulated company's systems are configured.

Real instances of the same vendors differ in ways a connector must survive: which custom field
holds story points, whether a cursor URL keeps the request's parameters, whether profiles show
emails, how HR words a yes/no field, how big the numbers are. The ``default`` profile is the
sandbox as it always was; ``contrast`` differs from it in every one of these, so tests that pass on
both cannot rely on an assumption only one company satisfies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The default company names its custom fields as the pipeline expects them when nothing is configured.
from sources.bamboohr import DEFAULT_CUSTOM_FIELDS


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    # Jira: the story-point fields /rest/api/3/field lists (id, name), in that order, and the field
    # each project fills (project p fills story_points_filled[p % len]); the other stays empty.
    story_point_fields: tuple[tuple[str, str], ...]
    story_points_filled: tuple[str, ...]
    jira_teams_per_project: int  # how many engineering teams share a Jira project
    jira_utc_offset_minutes: int  # Jira renders timestamps in the site's zone (+0530 = 330)
    jira_hidden_email_share: float
    # Zendesk: whether the export's after_url repeats the request's parameters (include=metric_sets)
    zendesk_after_url_keeps_parameters: bool
    zendesk_deleted_share: float  # tickets deleted since: exported with status "deleted", no metric set
    # GitHub
    github_public_email_share: float  # members whose profile shows an email
    github_sso: bool  # the org has SAML SSO with SCIM: externalIdentities map logins to work emails
    github_commit_emails: tuple[tuple[str, float], ...]  # (work|personal|noreply, share) of commit emails
    github_fixup_share: float  # pull requests with a commit pushed by a reviewer
    github_bots: bool  # dependabot pull requests, and authors whose account was deleted
    # BambooHR: custom field names (the pipeline's names -> the company's) and value formats
    hris_custom_fields: dict[str, str]
    hris_money_suffix: str  # "" -> "104000.00", " USD" -> "104000.00 USD"
    hris_regrettable_words: tuple[str, str]  # (regrettable, not regrettable)
    # Review tool: the competency keys the export writes (framework key -> the company's key)
    competency_keys: dict[str, str] = field(default_factory=dict)
    # Whether a manager's rating waits for the review to be finished (unfinished reviews: no rating)
    ratings_wait_for_finished_reviews: bool = False
    # Activity volumes relative to the default company (the thresholds were written for those)
    activity_scale: dict[str, float] = field(default_factory=dict)

    def scale(self, activity: str) -> float:
        return self.activity_scale.get(activity, 1.0)


PROFILES = {
    profile.name: profile
    for profile in (
        Profile(
            name="default",
            description="the sandbox as it always was",
            story_point_fields=(("customfield_10016", "Story point estimate"),),
            story_points_filled=("customfield_10016",),
            jira_teams_per_project=6,
            jira_utc_offset_minutes=0,
            jira_hidden_email_share=0.10,
            zendesk_after_url_keeps_parameters=True,
            zendesk_deleted_share=0.0,
            github_public_email_share=1.0,
            github_sso=False,
            github_commit_emails=(("work", 1.0),),
            github_fixup_share=0.0,
            github_bots=False,
            hris_custom_fields=DEFAULT_CUSTOM_FIELDS,
            hris_money_suffix="",
            hris_regrettable_words=("Yes", "No"),
        ),
        Profile(
            name="contrast",
            description="configured differently from the default in every way the profiles vary",
            # Both fields exist; the first listed is filled by one company-managed project only.
            story_point_fields=(("customfield_10026", "Story Points"), ("customfield_10016", "Story point estimate")),
            story_points_filled=("customfield_10016", "customfield_10016", "customfield_10026"),
            jira_teams_per_project=2,
            jira_utc_offset_minutes=330,
            jira_hidden_email_share=0.30,
            zendesk_after_url_keeps_parameters=False,
            zendesk_deleted_share=0.01,
            github_public_email_share=0.10,
            github_sso=True,
            github_commit_emails=(("work", 0.55), ("noreply", 0.30), ("personal", 0.15)),
            github_fixup_share=0.20,
            github_bots=True,
            hris_custom_fields={
                "level": "customJobGrade",
                "payRangeMin": "customSalaryBandMin",
                "payRangeMidpoint": "customSalaryBandMid",
                "payRangeMax": "customSalaryBandMax",
                "regrettableTermination": "customExitType",
            },
            hris_money_suffix=" USD",
            hris_regrettable_words=("Regrettable", "Non-Regrettable"),
            competency_keys={
                "technical_expertise": "engineering_craft",
                "execution": "delivery",
                "collaboration": "teamwork",
                "communication": "communication",
                "customer_focus": "customer_obsession",
            },
            ratings_wait_for_finished_reviews=True,
            activity_scale={"tickets": 0.06, "opportunities": 0.4, "incidents": 3.0, "issues": 1.6},
        ),
    )
}


def profile_named(name: str) -> Profile:
    if name not in PROFILES:
        raise ValueError(f"unknown sandbox profile {name!r}; choose from {', '.join(PROFILES)}")
    return PROFILES[name]
