-- Every scored metric per employee and period: the individual metrics of individual
-- contributors and everyone's team outcome (impact), with the thresholds they were scored on.
with team_outcome as (
    select
        t.employee_id,
        t.role,
        t.period_type,
        t.period_start,
        'team_outcome' as metric_key,
        t.team_score * t.team_size as numerator,
        cast(t.team_size as double precision) as denominator,
        t.team_score as metric_value,
        d.exceptional as threshold_exceptional,
        d.strong as threshold_strong,
        d.meets as threshold_meets,
        d.improvement as threshold_improvement,
        'configured' as threshold_source,
        {{ metric_score('t.team_score', 'd.direction', 'd.exceptional', 'd.strong', 'd.meets', 'd.improvement') }} as metric_score
    from {{ ref('int_team_outcomes_computed') }} as t
    join {{ ref('metric_definitions') }} as d on d.role = t.role and d.metric_key = 'team_outcome'
),

scores as (
    select * from {{ ref('int_metric_values_scored') }}
    union all
    select * from team_outcome
)

select
    s.employee_id,
    s.period_type,
    s.period_start,
    s.metric_key,
    d.metric_name,
    d.category,
    s.role,
    d.unit,
    d.direction,
    d.weight,
    s.numerator,
    s.denominator,
    s.metric_value,
    s.threshold_exceptional,
    s.threshold_strong,
    s.threshold_meets,
    s.threshold_improvement,
    s.threshold_source,
    s.metric_score,
    case
        when s.metric_score is null then null
        when s.metric_score >= 100 then 'Exceptional'
        when s.metric_score >= 80 then 'Strong'
        when s.metric_score >= 60 then 'Meets'
        else 'Improvement'
    end as metric_band
from scores as s
join {{ ref('metric_definitions') }} as d on d.role = s.role and d.metric_key = s.metric_key
