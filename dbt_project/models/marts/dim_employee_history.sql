-- Every version of each employee's HRIS record (from the snapshot), with the level group and role
-- it implies: the org of any date since history began. The earliest version is marked, because
-- before it the HRIS history is not known (a fresh install starts its snapshots on its first build).
select
    s.employee_id,
    s.dbt_valid_from as valid_from,
    s.dbt_valid_to as valid_to,
    s.dbt_valid_to is null as is_current,
    row_number() over (partition by s.employee_id order by s.dbt_valid_from) = 1 as is_earliest,
    s.department,
    lower(s.department) as role,
    s.job_title,
    s.level,
    l.level_group,
    s.manager_id,
    s.location,
    s.is_active,
    s.termination_date,
    s.salary,
    s.pay_currency,
    s.pay_range_min,
    s.pay_range_midpoint,
    s.pay_range_max,
    cast(s.salary as double precision) / nullif(s.pay_range_midpoint, 0) as compa_ratio
from {{ ref('snp_bamboohr__employees') }} as s
left join {{ ref('levels') }} as l on l.level = s.level
