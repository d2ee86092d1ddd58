-- Individual metric values scored 0-100 against their thresholds (see macros/metric_score.sql).
select
    v.employee_id,
    e.role,
    v.period_type,
    v.period_start,
    v.metric_key,
    v.numerator,
    v.denominator,
    v.metric_value,
    {{ metric_score('v.metric_value', 'd.direction', 'd.exceptional', 'd.strong', 'd.meets', 'd.improvement') }} as metric_score
from {{ ref('int_metric_values_aggregated') }} as v
join {{ ref('int_employees_classified') }} as e on e.employee_id = v.employee_id
join {{ ref('metric_definitions') }} as d on d.role = e.role and d.metric_key = v.metric_key
