-- Individual metric values scored 0-100 against their thresholds (see macros/metric_score.sql):
-- the configured ones, or, for a metric flagged uninformative in the governing review cycle (its
-- configured thresholds clamp most of the role's people), the thresholds derived from the role's
-- own values in that cycle (int_metric_thresholds_derived), when score_uninformative_on_derived is 1.
-- A period is governed by the latest cycle whose quarter began on or before it (the first cycle
-- for earlier periods).
with periods as (
    select distinct period_type, period_start from {{ ref('int_metric_values_aggregated') }}
),

cycles as (
    select cycle, quarter_start from {{ ref('int_review_cycles_enumerated') }}
),

governing as (
    select
        p.period_type,
        p.period_start,
        coalesce(
            (select c.cycle from cycles as c where c.quarter_start <= p.period_start order by c.quarter_start desc limit 1),
            (select c.cycle from cycles as c order by c.quarter_start limit 1)
        ) as cycle
    from periods as p
),

use_derived as (
    select value = 1 as on_derived from {{ ref('scoring_parameters') }} where parameter = 'score_uninformative_on_derived'
),

thresholds as (
    select
        v.employee_id,
        e.role,
        v.period_type,
        v.period_start,
        v.metric_key,
        v.numerator,
        v.denominator,
        v.metric_value,
        d.direction,
        coalesce(t.is_uninformative and t.is_derivable and (select on_derived from use_derived), false) as on_derived,
        d.exceptional,
        d.strong,
        d.meets,
        d.improvement,
        t.derived_exceptional,
        t.derived_strong,
        t.derived_meets,
        t.derived_improvement
    from {{ ref('int_metric_values_aggregated') }} as v
    join {{ ref('int_employees_classified') }} as e on e.employee_id = v.employee_id
    join {{ ref('metric_definitions') }} as d on d.role = e.role and d.metric_key = v.metric_key
    left join governing as g on g.period_type = v.period_type and g.period_start = v.period_start
    left join {{ ref('int_metric_thresholds_derived') }} as t
        on t.cycle = g.cycle and t.role = e.role and t.metric_key = v.metric_key
),

chosen as (
    select
        employee_id, role, period_type, period_start, metric_key, numerator, denominator, metric_value, direction,
        {%- for band in ['exceptional', 'strong', 'meets', 'improvement'] %}
        case when on_derived then derived_{{ band }} else {{ band }} end as threshold_{{ band }},
        {%- endfor %}
        case when on_derived then 'derived' else 'configured' end as threshold_source
    from thresholds
)

select
    employee_id,
    role,
    period_type,
    period_start,
    metric_key,
    numerator,
    denominator,
    metric_value,
    threshold_exceptional,
    threshold_strong,
    threshold_meets,
    threshold_improvement,
    threshold_source,
    {{ metric_score('metric_value', 'direction', 'threshold_exceptional', 'threshold_strong', 'threshold_meets',
                    'threshold_improvement') }} as metric_score
from chosen
