-- The 360 comments others wrote about an employee (self-assessments left out), by competency;
-- who wrote them is not kept here.
select
    c.cycle,
    c.employee_id,
    c.rater_type,
    d.competency_name,
    c.comment
from {{ ref('stg_reviews__competency_ratings') }} as c
join (select distinct competency, competency_name from {{ ref('competency_definitions') }}) as d
    using (competency)
where c.comment is not null and c.rater_type <> 'self'
