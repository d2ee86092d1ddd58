-- One row per review cycle: the quarter it reviews and the twelve months of service its merit
-- increases reward (ending with that quarter).
select
    cycle,
    quarter_start,
    (quarter_start + interval 3 month - interval 1 day)::date as quarter_end,
    (quarter_start + interval 3 month - interval 1 year)::date as merit_window_start,
    (quarter_start + interval 3 month - interval 1 day)::date as merit_window_end
from {{ ref('int_review_cycles_enumerated') }}
