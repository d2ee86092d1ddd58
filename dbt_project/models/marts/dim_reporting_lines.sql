-- Every (manager, report) pair of the current hierarchy, direct or not: 1 = direct report.
select manager_id, employee_id, distance
from {{ ref('int_reporting_lines_flattened') }}
