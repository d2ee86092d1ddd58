-- Every employee's measured months and the quarters those months fall in: the rows every
-- score is computed for.
select employee_id, 'month' as period_type, month_start as period_start
from {{ ref('int_employee_months_prorated') }}
where is_measured
union all
select distinct employee_id, 'quarter', quarter_start
from {{ ref('int_employee_months_prorated') }}
where is_measured
