-- The ratings managers submitted per review cycle, beside the data-driven band of the same
-- quarter: the starting point of calibration.
with ratings as (
    select *, {{ cycle_quarter_start('cycle') }} as quarter_start
    from {{ ref('stg_reviews__manager_ratings') }}
)

select
    r.cycle,
    r.quarter_start,
    r.employee_id,
    r.manager_id,
    r.rating as submitted_rating,
    submitted.band_rank as submitted_rank,
    r.submitted_at,
    p.rating_band as data_driven_band,
    p.band_rank as data_driven_rank,
    p.performance_score,
    p.coverage,
    p.is_low_coverage,
    submitted.band_rank - p.band_rank as band_difference
from ratings as r
join {{ ref('rating_bands') }} as submitted on submitted.band = r.rating
left join {{ ref('fct_performance_scores') }} as p
    on p.employee_id = r.employee_id and p.period_type = 'quarter' and p.period_start = r.quarter_start
