-- The process survey: how likely each respondent is to recommend the review process (0-10).
select cycle, response_id, employee_id, score, submitted_at
from {{ ref('stg_reviews__survey_responses') }}
