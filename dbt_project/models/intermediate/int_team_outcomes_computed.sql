-- Team outcome, the impact metric: for an individual contributor the mean objective score of
-- their team (their manager's direct reports), for a manager or senior leader the mean over
-- their whole reporting line. Objective scores exclude impact, so nothing is recursive.
with people as (
    select p.employee_id, p.period_type, p.period_start, e.role, e.level_group, e.manager_id
    from {{ ref('int_employee_periods_enumerated') }} as p
    join {{ ref('int_employees_classified') }} as e on e.employee_id = p.employee_id
),

objective as (
    select o.*, e.manager_id
    from {{ ref('int_objective_scores_weighted') }} as o
    join {{ ref('int_employees_classified') }} as e on e.employee_id = o.employee_id
),

teams as (
    select p.employee_id, p.period_type, p.period_start, avg(o.objective_score) as team_score, count(*) as team_size
    from people as p
    join objective as o
        on o.manager_id = p.manager_id and o.period_type = p.period_type and o.period_start = p.period_start
    where p.level_group = 'IC'
    group by p.employee_id, p.period_type, p.period_start
),

lines as (
    select p.employee_id, p.period_type, p.period_start, avg(o.objective_score) as team_score, count(*) as team_size
    from people as p
    join {{ ref('int_reporting_lines_flattened') }} as l on l.manager_id = p.employee_id
    join objective as o
        on o.employee_id = l.employee_id and o.period_type = p.period_type and o.period_start = p.period_start
    where p.level_group <> 'IC'
    group by p.employee_id, p.period_type, p.period_start
)

select p.employee_id, p.period_type, p.period_start, p.role, t.team_score, t.team_size
from people as p
join (select * from teams union all select * from lines) as t
    on t.employee_id = p.employee_id and t.period_type = p.period_type and t.period_start = p.period_start
