-- One row per review cycle: the quarter it reviews, the twelve months of service its merit
-- increases reward (ending with that quarter), and its state: open (no decision recorded),
-- calibrated (the meeting's decisions recorded) or closed (HR closed it: its results are frozen).
with decisions as (
    select cycle, min(decided_at) as calibrated_at, max(closed_at) as closed_at
    from {{ ref('stg_reviews__calibration_decisions') }}
    group by cycle
)

select
    c.cycle,
    c.quarter_start,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'c.quarter_start')) }} as date) as quarter_end,
    cast({{ dbt.dateadd('year', -1, dbt.dateadd('month', 3, 'c.quarter_start')) }} as date) as merit_window_start,
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'c.quarter_start')) }} as date) as merit_window_end,
    d.calibrated_at,
    d.closed_at,
    case
        when d.closed_at is not null then 'closed'
        when d.calibrated_at is not null then 'calibrated'
        else 'open'
    end as cycle_state
from {{ ref('int_review_cycles_enumerated') }} as c
left join decisions as d using (cycle)
