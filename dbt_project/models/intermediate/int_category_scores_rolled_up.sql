-- Output, quality and efficiency scores per employee and period. An individual
-- contributor's is the weighted mean of their scored metrics in the category (weights
-- renormalised over the metrics that have a value); a manager's or senior leader's is the
-- headcount-weighted mean over the individual contributors of their whole reporting line.
with metric_scores as (
    select s.employee_id, s.period_type, s.period_start, d.category, d.weight, s.metric_score
    from {{ ref('int_metric_values_scored') }} as s
    join {{ ref('metric_definitions') }} as d on d.role = s.role and d.metric_key = s.metric_key
    where d.category <> 'impact'
),

individual as (
    select
        employee_id, period_type, period_start, category,
        sum(weight * metric_score) / nullif(sum(weight) filter (where metric_score is not null), 0) as category_score,
        count(metric_score) as metrics_scored,
        count(*) as metrics_defined,
        1 as headcount
    from metric_scores
    group by employee_id, period_type, period_start, category
),

rolled_up as (
    select
        l.manager_id as employee_id, i.period_type, i.period_start, i.category,
        avg(i.category_score) as category_score,
        sum(i.metrics_scored) as metrics_scored,
        sum(i.metrics_defined) as metrics_defined,
        count(*) as headcount
    from {{ ref('int_reporting_lines_flattened') }} as l
    join individual as i on i.employee_id = l.employee_id
    where i.category_score is not null
    group by l.manager_id, i.period_type, i.period_start, i.category
)

select *, 'individual' as basis from individual
union all
select *, 'reporting line' from rolled_up
