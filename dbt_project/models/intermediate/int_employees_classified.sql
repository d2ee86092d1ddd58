-- Each employee with the role whose metrics apply (the department) and the level group
-- whose category weights apply (from the levels seed).
select
    e.employee_id,
    lower(e.department) as role,
    e.level,
    l.level_group,
    l.level_rank,
    e.manager_id,
    e.hire_date,
    e.termination_date
from {{ ref('stg_bamboohr__employees') }} as e
left join {{ ref('levels') }} as l on l.level = e.level
