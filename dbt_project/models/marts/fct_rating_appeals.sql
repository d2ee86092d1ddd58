-- Appeals filed against ratings, with their outcome.
select cycle, appeal_id, employee_id, filed_at, status, reason
from {{ ref('stg_reviews__appeals') }}
