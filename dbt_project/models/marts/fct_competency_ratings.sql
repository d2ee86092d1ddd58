-- 360 competency ratings per employee, review cycle and competency: self, peers and manager
-- apart, and the gap to what the employee's next level requires.
with ratings as (
    select
        cycle, employee_id, competency,
        cast(avg(level) filter (where rater_type = 'self') as double precision) as self_level,
        cast(avg(level) filter (where rater_type = 'peer') as double precision) as peer_level,
        cast(avg(level) filter (where rater_type = 'manager') as double precision) as manager_level,
        cast(avg(level) filter (where rater_type <> 'self') as double precision) as others_level,
        count(*) filter (where rater_type <> 'self') as other_raters
    from {{ ref('stg_reviews__competency_ratings') }}
    group by cycle, employee_id, competency
)

select
    r.cycle,
    {{ cycle_quarter_start('r.cycle') }} as quarter_start,
    r.employee_id,
    r.competency,
    d.competency_name,
    r.self_level,
    r.peer_level,
    r.manager_level,
    r.others_level,
    r.other_raters,
    n.next_level,
    n.required_level as next_level_required,
    greatest(n.required_level - r.others_level, 0) as gap_to_next_level
from ratings as r
join {{ ref('int_employees_classified') }} as e on e.employee_id = r.employee_id
left join (select distinct competency, competency_name from {{ ref('competency_definitions') }}) as d
    on d.competency = r.competency
left join {{ ref('next_level_requirements') }} as n
    on n.level = e.level and n.competency = r.competency
