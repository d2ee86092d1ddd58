-- One row per employee and month they were employed in, over the months the activity
-- sources were loaded for, with the share of the month they were employed (new hires and leavers).
-- The months come from the load ledger (meta.loads), from the first window loaded of any source a
-- metric reads to the last: not from record dates (an issue created years before the first loaded
-- month must not make those years look like months without activity), nor from the rows' load
-- windows (a month loaded without rows, such as one just begun, would then count or not depending
-- on whether it was loaded in a window of its own or together with earlier months).
with recursive loaded as (
    select min(window_start) as first_start, max(window_end) as last_end
    from {{ source_or_empty('meta', 'loads') }}
    where source in (select source from {{ ref('metric_definitions') }})
),

bounds as (
    select
        cast(date_trunc('month', first_start) as date) as first_month,
        cast(date_trunc('month', {{ dbt.dateadd('second', -1, 'last_end') }}) as date) as last_month
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
