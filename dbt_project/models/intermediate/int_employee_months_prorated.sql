-- One row per employee and month they were employed in, over the months the activity
-- sources were loaded for, with the share of the month they were employed (new hires and leavers).
-- The months come from the load windows, not from record dates: an issue created years before
-- the first loaded month must not make those years look like months without activity.
with recursive loaded as (
    {% for table in ['jira_issues', 'github_pull_requests', 'salesforce_opportunities', 'zendesk_tickets', 'pagerduty_incidents'] %}
    select min(_window_start) as first_start, max(_window_end) as last_end from {{ raw_or_empty(table) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

bounds as (
    select
        cast(date_trunc('month', min(first_start)) as date) as first_month,
        cast(date_trunc('month', {{ dbt.dateadd('second', -1, 'max(last_end)') }}) as date) as last_month
    from loaded
),

months (month_start) as (
    select first_month from bounds
    union all
    select cast({{ dbt.dateadd('month', 1, 'month_start') }} as date)
    from months
    where month_start < (select last_month from bounds)
),

spans as (
    select
        e.employee_id,
        m.month_start,
        m.month_end,
        greatest(m.month_start, e.hire_date) as active_from,
        least(m.month_end, coalesce(e.termination_date + 1, m.month_end)) as active_until
    from {{ ref('stg_bamboohr__employees') }} as e
    cross join (
        select month_start, cast({{ dbt.dateadd('month', 1, 'month_start') }} as date) as month_end from months
    ) as m
    where e.hire_date < m.month_end
      and (e.termination_date is null or e.termination_date >= m.month_start)
)

select
    employee_id,
    month_start,
    cast(date_trunc('quarter', month_start) as date) as quarter_start,
    {{ dbt.datediff('active_from', 'active_until', 'day') }} as active_days,
    cast({{ dbt.datediff('active_from', 'active_until', 'day') }} as double precision)
        / {{ dbt.datediff('month_start', 'month_end', 'day') }} as active_fraction,
    {{ dbt.datediff('active_from', 'active_until', 'day') }} >= (
        select value from {{ ref('scoring_parameters') }} where parameter = 'min_active_days'
    ) as is_measured
from spans
