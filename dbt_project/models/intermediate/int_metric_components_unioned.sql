-- The additive parts of every individual metric per employee and month: a numerator and,
-- for ratios and means, a denominator. Summing parts over months and dividing gives the
-- value for any period, so a quarter is never an average of monthly averages.
with jira_issues as (
    {{ attributed_to_employees('jira_issues') }}
),

story_points_delivered as (
    select employee_id, date_trunc('month', resolved_at)::date as month_start,
        sum(coalesce(story_points, 0)) as numerator, cast(null as double precision) as denominator
    from jira_issues
    where is_done and resolved_at is not null
    group by 1, 2
),

-- Points committed to a sprint that ended in the month, and the part resolved inside it;
-- an issue carried over counts as not done in the sprint it left.
sprint_completion_rate as (
    select i.employee_id, date_trunc('month', s.sprint_ended_at)::date as month_start,
        100 * sum(case when i.resolved_at >= s.sprint_started_at and i.resolved_at <= s.sprint_ended_at then i.story_points else 0 end) as numerator,
        sum(i.story_points) as denominator
    from jira_issues as i
    join {{ ref('stg_jira__issue_sprints') }} as s on s.issue_id = i.issue_id
    where i.story_points > 0 and s.sprint_ended_at is not null
    group by 1, 2
),

pull_requests as (
    {{ attributed_to_employees('github_pull_requests') }}
),

cycle_time as (
    select employee_id, date_trunc('month', merged_at)::date as month_start,
        sum(cast({{ dbt.datediff('created_at', 'merged_at', 'second') }} as double precision) / 86400) as numerator, count(*) as denominator
    from pull_requests
    where merged_at is not null
    group by 1, 2
),

code_review_participation as (
    select employee_id, date_trunc('month', submitted_at)::date as month_start,
        count(*) as numerator, cast(null as double precision) as denominator
    from ({{ attributed_to_employees('github_reviews') }}) as reviews
    where reviewer_login <> pr_author_login and submitted_at is not null
    group by 1, 2
),

-- The guide's weights (0.3 reliability, 0.3 security, 0.2 maintainability, 0.2 coverage) per
-- project and month, from the month's mean ratings. A rating (1 = A .. 5 = E) counts
-- 100 - 25 x (rating - 1): the guide's 100 - 20 x rating tops out at 84 even for straight
-- A's and 100% coverage, so its own 95/85/75 thresholds could never be met.
project_quality as (
    select component_key as project_key, date_trunc('month', measured_at)::date as month_start,
        0.3 * (125 - 25 * avg(value) filter (where metric_key = 'reliability_rating'))
        + 0.3 * (125 - 25 * avg(value) filter (where metric_key = 'security_rating'))
        + 0.2 * (125 - 25 * avg(value) filter (where metric_key = 'sqale_rating'))
        + 0.2 * avg(value) filter (where metric_key = 'coverage') as quality_score
    from {{ ref('stg_sonarqube__measures') }}
    group by 1, 2
),

-- Each engineer gets the quality of the projects they merged into, weighted by their
-- merged pull requests there (SonarQube keys a GitHub repo owner/name as owner_name).
code_quality_score as (
    select p.employee_id, q.month_start,
        sum(q.quality_score * p.merged) as numerator, sum(p.merged) as denominator
    from (
        select employee_id, replace(repository, '/', '_') as project_key,
            date_trunc('month', merged_at)::date as month_start, count(*) as merged
        from pull_requests
        where merged_at is not null
        group by 1, 2, 3
    ) as p
    join project_quality as q on q.project_key = p.project_key and q.month_start = p.month_start
    where q.quality_score is not null
    group by 1, 2
),

production_incidents as (
    select employee_id, date_trunc('month', created_at)::date as month_start,
        count(*) as numerator, cast(null as double precision) as denominator
    from ({{ attributed_to_employees('pagerduty_incidents') }}) as incidents
    group by 1, 2
),

opportunities as (
    {{ attributed_to_employees('salesforce_opportunities') }}
),

revenue_closed as (
    select employee_id, date_trunc('month', close_date)::date as month_start,
        sum(coalesce(amount, 0)) as numerator, cast(null as double precision) as denominator
    from opportunities
    where is_won and close_date is not null
    group by 1, 2
),

pipeline_generation as (
    select employee_id, date_trunc('month', created_at)::date as month_start,
        sum(coalesce(amount, 0)) as numerator, cast(null as double precision) as denominator
    from opportunities
    where not is_renewal
    group by 1, 2
),

win_rate as (
    select employee_id, date_trunc('month', close_date)::date as month_start,
        count(*) filter (where is_won) as numerator, count(*) as denominator
    from opportunities
    where not is_renewal and is_closed and close_date is not null
    group by 1, 2
),

-- Renewals due in the month (closed or still open past their close date) and those won.
customer_retention as (
    select employee_id, date_trunc('month', close_date)::date as month_start,
        count(*) filter (where is_won) as numerator, count(*) as denominator
    from opportunities
    where is_renewal and close_date is not null
    group by 1, 2
),

tickets as (
    select * from ({{ attributed_to_employees('zendesk_tickets') }}) as attributed
    where solved_at is not null
),

tickets_resolved as (
    select employee_id, date_trunc('month', solved_at)::date as month_start,
        count(*) as numerator, cast(null as double precision) as denominator
    from tickets
    group by 1, 2
),

first_response_time as (
    select employee_id, date_trunc('month', solved_at)::date as month_start,
        sum(first_reply_minutes) as numerator, count(first_reply_minutes) as denominator
    from tickets
    group by 1, 2
),

resolution_time as (
    select employee_id, date_trunc('month', solved_at)::date as month_start,
        sum(cast(full_resolution_minutes as double precision) / 60) as numerator, count(full_resolution_minutes) as denominator
    from tickets
    group by 1, 2
),

-- Zendesk scores are good or bad: on the guide's 1-5 scale good is 5 and bad is 1.
csat as (
    select employee_id, date_trunc('month', created_at)::date as month_start,
        sum(case when is_good then 5 else 1 end) as numerator, count(*) as denominator
    from ({{ attributed_to_employees('zendesk_satisfaction_ratings') }}) as ratings
    where is_answered
    group by 1, 2
)

{% set metrics = [
    'story_points_delivered', 'sprint_completion_rate', 'cycle_time', 'code_review_participation',
    'code_quality_score', 'production_incidents', 'revenue_closed', 'pipeline_generation', 'win_rate',
    'customer_retention', 'tickets_resolved', 'first_response_time', 'resolution_time', 'csat'
] %}
{% for metric in metrics %}
select employee_id, month_start, '{{ metric }}' as metric_key, cast(numerator as double precision) as numerator,
    cast(denominator as double precision) as denominator
from {{ metric }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
