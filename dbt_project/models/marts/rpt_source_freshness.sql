-- When each raw table was last loaded; sources not in use (never loaded) are left out.
with loads as (
    {% for table in ['bamboohr_employees', 'jira_issues', 'jira_users', 'github_pull_requests', 'github_members',
                     'sonarqube_measures', 'salesforce_opportunities', 'salesforce_users', 'zendesk_tickets',
                     'zendesk_satisfaction_ratings', 'zendesk_agents', 'pagerduty_incidents', 'pagerduty_users',
                     'review_manager_ratings', 'review_competency_ratings', 'review_completions', 'review_appeals',
                     'review_survey_responses'] %}
    select
        '{{ table.split("_")[0] }}' as source,
        '{{ table }}' as raw_table,
        max(_loaded_at) as last_loaded_at
    from {{ raw_or_empty(table) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select source, raw_table, last_loaded_at
from loads
where last_loaded_at is not null
