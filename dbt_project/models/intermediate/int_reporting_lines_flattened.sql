-- Every (manager, report) pair of the hierarchy, direct or not, with the distance between
-- them (1 = direct report). The depth cap stops a cycle in bad HRIS data from looping forever.
with recursive lines (manager_id, employee_id, distance) as (
    select manager_id, employee_id, 1
    from {{ ref('stg_bamboohr__employees') }}
    where manager_id is not null
    union all
    select e.manager_id, lines.employee_id, lines.distance + 1
    from lines
    join {{ ref('stg_bamboohr__employees') }} as e on e.employee_id = lines.manager_id
    where e.manager_id is not null and lines.distance < 32
)

select manager_id, employee_id, distance from lines
