-- How each metric's configured thresholds fit the company, per review cycle and role, with the
-- thresholds derived from the role's own values and which ones the scores used.
select
    t.cycle,
    t.role,
    t.metric_key,
    d.metric_name,
    d.unit,
    d.direction,
    t.people,
    t.share_scored_0,
    t.share_scored_100,
    t.median_value,
    t.configured_meets,
    d.exceptional as configured_exceptional,
    d.strong as configured_strong,
    d.improvement as configured_improvement,
    t.derived_exceptional,
    t.derived_strong,
    t.derived_meets,
    t.derived_improvement,
    t.is_uninformative,
    t.is_derivable,
    case when t.is_uninformative and t.is_derivable and p.value = 1 then 'derived' else 'configured' end as scored_on
from {{ ref('int_metric_thresholds_derived') }} as t
join {{ ref('metric_definitions') }} as d on d.role = t.role and d.metric_key = t.metric_key
cross join (select value from {{ ref('scoring_parameters') }} where parameter = 'score_uninformative_on_derived') as p
