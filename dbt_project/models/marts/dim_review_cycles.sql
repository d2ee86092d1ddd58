-- One row per review cycle found in the review tool's exports: the quarter it reviews and the
-- twelve months of service its merit increases reward (ending with that quarter). The one place
-- a cycle name becomes dates: Python reads them from here.
with cycles as (
    select cycle from {{ ref('stg_reviews__manager_ratings') }}
    union
    select cycle from {{ ref('stg_reviews__competency_ratings') }}
    union
    select cycle from {{ ref('stg_reviews__completions') }}
),

quarters as (
    select cycle, {{ cycle_quarter_start('cycle') }} as quarter_start
    from cycles
)

select
    cycle,
    quarter_start,
    (quarter_start + interval 3 month - interval 1 day)::date as quarter_end,
    (quarter_start + interval 3 month - interval 1 year)::date as merit_window_start,
    (quarter_start + interval 3 month - interval 1 day)::date as merit_window_end
from quarters
