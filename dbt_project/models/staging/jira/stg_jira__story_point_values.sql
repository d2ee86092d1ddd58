{{ config(materialized='incremental', unique_key='issue_id', incremental_strategy='delete+insert') }}
{#- Keyed by issue: a changed issue's values are all replaced. -#}

-- Every story-point field of the site that holds a value on an issue, one row each. Which field
-- counts for a project is decided from how its issues fill them (int_story_point_fields_ranked).
with source as (

    select
        id,
        payload ->> '$.fields.project.key' as project_key,
        -- A list of candidate field ids (older loads recorded one id as a string).
        coalesce(
            try_cast(payload -> '$.custom_field_ids.story_points' as varchar[]),
            [payload ->> '$.custom_field_ids.story_points']
        ) as field_ids,
        payload,
        _loaded_at
    from {{ raw_or_empty('jira_issues') }}
    {{ loaded_since_last_build() }}
    qualify row_number() over (partition by id order by _loaded_at desc) = 1

),

values_per_field as (

    select
        id as issue_id,
        nullif(trim(project_key), '') as project_key,
        unnest(list_transform(field_ids, lambda f: {
            'field_id': f,
            'story_points': try_cast(json_extract_string(payload, '$.fields."' || f || '"') as double)
        })) as value,
        _loaded_at as loaded_at
    from source

)

select issue_id, project_key, value.field_id as field_id, value.story_points as story_points, loaded_at
from values_per_field
where value.field_id is not null and value.story_points is not null
