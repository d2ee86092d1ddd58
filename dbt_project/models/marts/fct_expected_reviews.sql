-- The manager ratings each review cycle owes: one per employee who had a manager and was
-- employed from before the quarter's end through it.
select
    c.cycle,
    e.employee_id,
    e.manager_id
from {{ ref('dim_review_cycles') }} as c
join {{ ref('dim_employees') }} as e
    on e.manager_id is not null
    and e.hire_date <= c.quarter_end
    and (e.termination_date is null or e.termination_date > c.quarter_end)
