{{ config(materialized='incremental', unique_key=['cycle', 'role', 'metric_key'],
          incremental_strategy='delete+insert', full_refresh=false) }}
{#- Fixed per review cycle: a build adds the cycles not stored yet and never recomputes earlier
    ones, not even with --full-refresh (full_refresh=false). -#}

-- Per review cycle, role and metric: how the role's values of the cycle's quarter sit against the
-- configured thresholds, and thresholds derived from those values (the role's own percentiles,
-- placed so the derived bands follow the target distribution). Absolute thresholds written for one
-- company can clamp everyone at another (6 tickets a month against a "meets" of 100).
with cycles as (
    select cycle, quarter_start
    from {{ ref('int_review_cycles_enumerated') }}
    {% if is_incremental() %}
    where cycle not in (select cycle from {{ this }})
    {% endif %}
),

parameters as (
    select
        max(value) filter (where parameter = 'max_clamped_share') as max_clamped_share,
        max(value) filter (where parameter = 'min_people_for_derived') as min_people,
        max(value) filter (where parameter = 'derived_quantile_exceptional') as q_exceptional,
        max(value) filter (where parameter = 'derived_quantile_strong') as q_strong,
        max(value) filter (where parameter = 'derived_quantile_meets') as q_meets,
        max(value) filter (where parameter = 'derived_quantile_improvement') as q_improvement
    from {{ ref('scoring_parameters') }}
),

quarter_values as (
    select
        c.cycle,
        e.role,
        v.metric_key,
        d.direction,
        d.exceptional,
        d.strong,
        d.meets,
        d.improvement,
        v.metric_value,
        {{ metric_score('v.metric_value', 'd.direction', 'd.exceptional', 'd.strong', 'd.meets', 'd.improvement') }}
            as configured_score,
        -- ranked so that 1 is the best value whichever way the metric points
        percent_rank() over (
            partition by c.cycle, e.role, v.metric_key
            order by case when d.direction = 'lower' then -v.metric_value else v.metric_value end
        ) as standing
    from {{ ref('int_metric_values_aggregated') }} as v
    join cycles as c on v.period_type = 'quarter' and v.period_start = c.quarter_start
    join {{ ref('int_employees_classified') }} as e on e.employee_id = v.employee_id
    join {{ ref('metric_definitions') }} as d on d.role = e.role and d.metric_key = v.metric_key
    where v.metric_value is not null
),

fit as (
    select
        q.cycle,
        q.role,
        q.metric_key,
        {{ dbt.any_value('q.direction') }} as direction,
        count(*) as people,
        cast(avg(case when q.configured_score <= 0 then 1 else 0 end) as double precision) as share_scored_0,
        cast(avg(case when q.configured_score >= 100 then 1 else 0 end) as double precision) as share_scored_100,
        percentile_cont(0.5) within group (order by q.metric_value) as median_value,
        {{ dbt.any_value('q.meets') }} as configured_meets,
        -- the worst value still at or above each standing
        {%- for band in ['exceptional', 'strong', 'meets', 'improvement'] %}
        {{ arg_min('q.metric_value', 'q.standing', where='q.standing >= p.q_' ~ band) }} as derived_{{ band }},
        {%- endfor %}
        {{ dbt.any_value('p.max_clamped_share') }} as max_clamped_share,
        {{ dbt.any_value('p.min_people') }} as min_people
    from quarter_values as q
    cross join parameters as p
    group by q.cycle, q.role, q.metric_key
)

select
    cycle,
    role,
    metric_key,
    people,
    share_scored_0,
    share_scored_100,
    median_value,
    configured_meets,
    derived_exceptional,
    derived_strong,
    derived_meets,
    derived_improvement,
    share_scored_0 + share_scored_100 > max_clamped_share as is_uninformative,
    -- usable only from enough people and with thresholds that step the metric's way
    coalesce(people >= min_people and (
        (direction = 'higher' and derived_exceptional > derived_strong and derived_strong > derived_meets
            and derived_meets > derived_improvement)
        or (direction = 'lower' and derived_exceptional < derived_strong and derived_strong < derived_meets
            and derived_meets < derived_improvement)
    ), false) as is_derivable
from fit
