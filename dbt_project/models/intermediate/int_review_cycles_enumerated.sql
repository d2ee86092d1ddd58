-- Every review cycle found in the review tool's exports with the quarter it reviews: the one place
-- a cycle name becomes dates (dim_review_cycles adds the merit window for Python).
with cycles as (
    select cycle from {{ ref('stg_reviews__manager_ratings') }}
    union
    select cycle from {{ ref('stg_reviews__competency_ratings') }}
    union
    select cycle from {{ ref('stg_reviews__completions') }}
)

select cycle, {{ cycle_quarter_start('cycle') }} as quarter_start
from cycles
