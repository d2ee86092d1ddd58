-- The composite per employee and period: categories weighted by the level's balance row
-- (renormalised over the categories with data), blended with the competency pillar (360
-- ratings of the quarter, self excluded), with coverage and the data-driven rating band.
with people as (
    select p.*, e.level_group
    from {{ ref('int_employee_periods_enumerated') }} as p
    join {{ ref('int_employees_classified') }} as e on e.employee_id = p.employee_id
),

composite as (
    select
        p.employee_id,
        p.period_type,
        p.period_start,
        p.level_group,
        max(c.category_score) filter (where w.category = 'output') as output_score,
        max(c.category_score) filter (where w.category = 'quality') as quality_score,
        max(c.category_score) filter (where w.category = 'efficiency') as efficiency_score,
        max(c.category_score) filter (where w.category = 'impact') as impact_score,
        sum(w.weight * c.category_score) / nullif(sum(w.weight) filter (where c.category_score is not null), 0)
            as objective_score,
        coalesce(sum(w.weight) filter (where c.category_score is not null), 0) / sum(w.weight) as coverage
    from people as p
    join {{ ref('level_category_weights') }} as w on w.level_group = p.level_group
    left join {{ ref('fct_category_scores') }} as c
        on c.employee_id = p.employee_id
        and c.period_type = p.period_type
        and c.period_start = p.period_start
        and c.category = w.category
    group by p.employee_id, p.period_type, p.period_start, p.level_group
),

competency as (
    select
        employee_id,
        {{ cycle_quarter_start('cycle') }} as quarter_start,
        100 * (cast(avg(level) as double precision) - 1) / 4 as competency_score,
        count(*) as competency_ratings
    from {{ ref('stg_reviews__competency_ratings') }}
    where rater_type <> 'self'
    group by 1, 2
),

pillars as (
    select
        max(weight) filter (where pillar = 'objective') as objective_weight,
        max(weight) filter (where pillar = 'competency') as competency_weight
    from {{ ref('pillar_weights') }}
),

scored as (
    select
        c.*,
        k.competency_score,
        coalesce(k.competency_ratings, 0) as competency_ratings,
        (
            coalesce(pl.objective_weight * c.objective_score, 0) + coalesce(pl.competency_weight * k.competency_score, 0)
        ) / nullif(
            case when c.objective_score is null then 0 else pl.objective_weight end
            + case when k.competency_score is null then 0 else pl.competency_weight end, 0
        ) as performance_score
    from composite as c
    cross join pillars as pl
    left join competency as k
        on k.employee_id = c.employee_id and k.quarter_start = date_trunc('quarter', c.period_start)::date
),

bands as (
    select band, band_rank, min_score, lead(min_score) over (order by min_score) as next_min_score
    from {{ ref('rating_bands') }}
),

loaded_months as (  -- per quarter, how many of its months the activity sources were loaded for
    select quarter_start, count(distinct month_start) as months
    from {{ ref('int_employee_months_prorated') }}
    group by quarter_start
)

select
    s.employee_id,
    s.period_type,
    s.period_start,
    s.level_group,
    s.output_score,
    s.quality_score,
    s.efficiency_score,
    s.impact_score,
    s.objective_score,
    s.competency_score,
    s.competency_ratings,
    s.performance_score,
    s.coverage,
    s.coverage < (select value from {{ ref('scoring_parameters') }} where parameter = 'min_coverage') as is_low_coverage,
    s.period_type = 'quarter' and coalesce(l.months, 0) < 3 as is_partial_period,
    b.band as rating_band,
    b.band_rank
from scored as s
left join loaded_months as l on s.period_type = 'quarter' and l.quarter_start = s.period_start
left join bands as b
    on s.performance_score >= b.min_score and (b.next_min_score is null or s.performance_score < b.next_min_score)
