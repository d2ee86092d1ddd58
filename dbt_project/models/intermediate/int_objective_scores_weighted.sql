-- The objective score before impact: output, quality and efficiency scores weighted by the
-- level group's balance row, renormalised over the categories that have a score.
select
    c.employee_id,
    c.period_type,
    c.period_start,
    sum(w.weight * c.category_score) / sum(w.weight) as objective_score
from {{ ref('int_category_scores_rolled_up') }} as c
join {{ ref('int_employees_classified') }} as e on e.employee_id = c.employee_id
join {{ ref('level_category_weights') }} as w on w.level_group = e.level_group and w.category = c.category
where c.category_score is not null
group by c.employee_id, c.period_type, c.period_start
