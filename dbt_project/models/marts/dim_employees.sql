-- One row per employee (leavers included) with current attributes, the level group and role
-- that pick their weights and metrics, pay position (compa-ratio) and place in the hierarchy.
with lines as (
    select
        employee_id,
        max(distance) as depth,
        string_agg(manager_id, ' > ' order by distance desc) as management_chain
    from {{ ref('int_reporting_lines_flattened') }}
    group by employee_id
),

spans as (
    select
        manager_id as employee_id,
        count(*) filter (where distance = 1) as direct_reports,
        count(*) as total_reports
    from {{ ref('int_reporting_lines_flattened') }}
    group by manager_id
)

select
    e.employee_id,
    e.full_name,
    e.work_email,
    e.department,
    c.role,
    e.job_title,
    e.level,
    c.level_group,
    c.level_rank,
    e.manager_id,
    m.full_name as manager_name,
    coalesce(l.depth, 0) as depth,
    l.management_chain,
    coalesce(s.direct_reports, 0) as direct_reports,
    coalesce(s.total_reports, 0) as total_reports,
    e.location,
    e.gender,
    e.hire_date,
    e.termination_date,
    e.is_active,
    e.is_regrettable_termination,
    e.salary,
    e.pay_currency,
    e.pay_range_min,
    e.pay_range_midpoint,
    e.pay_range_max,
    cast(e.salary as double precision) / nullif(e.pay_range_midpoint, 0) as compa_ratio
from {{ ref('stg_bamboohr__employees') }} as e
join {{ ref('int_employees_classified') }} as c on c.employee_id = e.employee_id
left join {{ ref('stg_bamboohr__employees') }} as m on m.employee_id = e.manager_id
left join lines as l on l.employee_id = e.employee_id
left join spans as s on s.employee_id = e.employee_id
