-- Individual metric values of individual contributors per month and per quarter. Every
-- measured month of an IC gets every metric of their role: a per-month metric is 0 when they
-- have an account in the source but no events, and missing (null) without an account; a
-- ratio is missing when its denominator is 0. Managers' categories roll up from their line.
with ics as (
    select employee_id, role from {{ ref('int_employees_classified') }} where level_group = 'IC'
),

metrics as (
    select role, metric_key, source, aggregation
    from {{ ref('metric_definitions') }}
    where aggregation <> 'team'
),

accounts as (
    select distinct employee_id, source
    from {{ ref('int_accounts_resolved') }}
    where employee_id is not null
),

monthly as (
    select
        m.employee_id,
        m.month_start,
        m.quarter_start,
        d.metric_key,
        case
            when d.aggregation = 'per_month' then case when a.employee_id is not null then coalesce(c.numerator, 0) end
            else c.numerator
        end as numerator,
        case
            when d.aggregation = 'per_month' then case when a.employee_id is not null then m.active_fraction end
            else c.denominator
        end as denominator
    from {{ ref('int_employee_months_prorated') }} as m
    join ics on ics.employee_id = m.employee_id
    join metrics as d on d.role = ics.role
    left join accounts as a on a.employee_id = m.employee_id and a.source = d.source
    left join {{ ref('int_metric_components_unioned') }} as c
        on c.employee_id = m.employee_id and c.month_start = m.month_start and c.metric_key = d.metric_key
    where m.is_measured
),

periods as (
    select employee_id, 'month' as period_type, month_start as period_start, metric_key, numerator, denominator
    from monthly
    union all
    select employee_id, 'quarter', quarter_start, metric_key, sum(numerator), sum(denominator)
    from monthly
    group by employee_id, quarter_start, metric_key
)

select
    employee_id,
    period_type,
    period_start,
    metric_key,
    numerator,
    denominator,
    numerator / nullif(denominator, 0) as metric_value
from periods
