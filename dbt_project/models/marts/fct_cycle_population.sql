-- Everyone employed at the end of each review cycle's quarter, rated or not, and for those not
-- rated the reason: so nobody silently falls out of calibration, merit or promotion. Their org
-- (department, level, level group, manager) is the one of the quarter's end from the HRIS history,
-- or the earliest version known where the history began after it (org_as_of says which).
with cutoff as (
    select value::integer as days from {{ ref('calibration_parameters') }} where parameter = 'rating_cutoff_days'
),

employed as (
    select c.cycle, c.quarter_end, e.employee_id, e.hire_date
    from {{ ref('dim_review_cycles') }} as c
    join {{ ref('dim_employees') }} as e
        on e.hire_date <= c.quarter_end
        and (e.termination_date is null or e.termination_date > c.quarter_end)
),

population as (
    select
        p.*,
        h.department,
        h.level,
        h.level_group,
        h.manager_id,
        case when h.valid_from <= p.quarter_end then 'quarter end' else 'earliest known' end as org_as_of
    from employed as p
    join {{ ref('dim_employee_history') }} as h
        on h.employee_id = p.employee_id
        and (
            (h.valid_from <= p.quarter_end and (h.valid_to is null or h.valid_to > p.quarter_end))
            or (h.is_earliest and h.valid_from > p.quarter_end)
        )
),

outstanding as (
    select cycle, employee_id, min(reviewer_id) as reviewer_id
    from {{ ref('fct_review_completions') }}
    where not is_finished
    group by cycle, employee_id
)

select
    p.cycle,
    p.employee_id,
    p.manager_id,
    p.department,
    p.level,
    p.level_group,
    p.org_as_of,
    r.employee_id is not null as is_rated,
    case
        when r.employee_id is not null then null
        when p.manager_id is null then 'no manager to rate them'
        when p.hire_date > p.quarter_end - (select days from cutoff) then
            'joined after the cut-off (' || (select days from cutoff) || ' days before the quarter ended)'
        when o.employee_id is not null then 'review outstanding with ' || o.reviewer_id
        else 'no rating submitted by ' || p.manager_id
    end as unrated_reason
from population as p
left join {{ ref('fct_manager_ratings') }} as r on r.cycle = p.cycle and r.employee_id = p.employee_id
left join outstanding as o on o.cycle = p.cycle and o.employee_id = p.employee_id
