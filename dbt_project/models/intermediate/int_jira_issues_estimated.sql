-- Jira issues with their story points: the value of the field their project fills.
select
    i.*,
    v.story_points,
    v.field_id as story_point_field_id
from {{ ref('stg_jira__issues') }} as i
left join {{ ref('int_story_point_fields_ranked') }} as r
    on r.project_key = i.project_key and r.is_chosen
left join {{ ref('stg_jira__story_point_values') }} as v
    on v.issue_id = i.issue_id and v.field_id = r.field_id
