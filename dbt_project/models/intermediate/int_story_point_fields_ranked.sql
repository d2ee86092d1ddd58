-- Per Jira project and story-point field: how many of the project's issues it holds a value for.
-- The field its issues fill most is the one that counts for the project (ties: the lower field id),
-- so a site whose team-managed projects fill "Story point estimate" and company-managed ones
-- "Story Points" is read right in both.
with issues as (
    select project_key, count(*) as project_issues
    from {{ ref('stg_jira__issues') }}
    group by project_key
),

filled as (
    select project_key, field_id, count(*) as filled_issues
    from {{ ref('stg_jira__story_point_values') }}
    group by project_key, field_id
)

select
    f.project_key,
    f.field_id,
    f.filled_issues,
    i.project_issues,
    cast(f.filled_issues as double precision) / i.project_issues as fill_share,
    row_number() over (partition by f.project_key order by f.filled_issues desc, f.field_id) = 1 as is_chosen
from filled as f
join issues as i using (project_key)
