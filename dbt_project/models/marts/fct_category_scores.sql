-- Category scores per employee and period: output, quality and efficiency (own metrics for
-- individual contributors, the reporting line's for managers) and impact (team outcome).
select
    employee_id, period_type, period_start, category, category_score,
    metrics_scored, metrics_defined, headcount, basis
from {{ ref('int_category_scores_rolled_up') }}
union all
select
    employee_id, period_type, period_start, 'impact', metric_score,
    cast(case when metric_score is not null then 1 else 0 end as bigint), 1, cast(denominator as bigint), 'team outcome'
from {{ ref('fct_metric_scores') }}
where metric_key = 'team_outcome'
