-- When each reviewer opened and submitted each review, and the active minutes where the tool
-- records them.
select cycle, employee_id, reviewer_id, started_at, finished_at, is_finished, active_minutes
from {{ ref('stg_reviews__completions') }}
