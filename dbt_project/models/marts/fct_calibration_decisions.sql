-- The calibration meeting's decisions: the final rating per cycle and employee, who decided, when, why.
select cycle, employee_id, final_rating, reason, decided_by, decided_at
from {{ ref('stg_reviews__calibration_decisions') }}
