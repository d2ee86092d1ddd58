-- One row per employee and month they were employed in, over the months the activity
-- sources were loaded for, with the share of the month they were employed (new hires and leavers).
-- The months come from the load windows, not from record dates: an issue created years before
-- the first loaded month must not make those years look like months without activity.
with loaded as (
    {% for table in ['jira_issues', 'github_pull_requests', 'salesforce_opportunities', 'zendesk_tickets', 'pagerduty_incidents'] %}
    select min(_window_start) as first_start, max(_window_end) as last_end from {{ raw_or_empty(table) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

months as (
    select unnest(generate_series(
        date_trunc('month', min(first_start))::date,
        date_trunc('month', max(last_end) - interval 1 second)::date,
        interval 1 month
    ))::date as month_start
    from loaded
),

spans as (
    select
        e.employee_id,
        m.month_start,
        (m.month_start + interval 1 month)::date as month_end,
        greatest(m.month_start, e.hire_date) as active_from,
        least((m.month_start + interval 1 month)::date, coalesce(e.termination_date + 1, (m.month_start + interval 1 month)::date)) as active_until
    from {{ ref('stg_bamboohr__employees') }} as e
    cross join months as m
    where e.hire_date < (m.month_start + interval 1 month)::date
      and (e.termination_date is null or e.termination_date >= m.month_start)
)

select
    employee_id,
    month_start,
    date_trunc('quarter', month_start)::date as quarter_start,
    date_diff('day', active_from, active_until) as active_days,
    date_diff('day', active_from, active_until) / date_diff('day', month_start, month_end) as active_fraction,
    date_diff('day', active_from, active_until) >= (
        select value from {{ ref('scoring_parameters') }} where parameter = 'min_active_days'
    ) as is_measured
from spans
