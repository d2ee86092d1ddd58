{{ config(materialized='incremental', unique_key='issue_id', incremental_strategy='delete+insert') }}
{#- Keyed by issue: a changed issue's values are all replaced. -#}

-- Every story-point field of the site that holds a value on an issue, one row each. Which field
-- counts for a project is decided from how its issues fill them (int_story_point_fields_ranked).
with source as (

    select
        id,
        {{ json_text_at('payload', ["'fields'", "'project'", "'key'"]) }} as project_key,
        payload,
        _loaded_at
    from {{ raw_or_empty('jira_issues') }}
    {{ loaded_since_last_build() }}

),

latest as (

    {{ first_row_per('source', 'id', '_loaded_at desc') }}

),

candidate_fields as (

    -- A list of candidate field ids (older loads recorded one id as a string).
    select
        id,
        project_key,
        {{ json_strings(json_at('payload', ["'custom_field_ids'", "'story_points'"])) }} as field_id,
        payload,
        _loaded_at
    from latest

),

values_per_field as (

    select
        id as issue_id,
        nullif(trim(project_key), '') as project_key,
        field_id,
        {{ try_cast(json_text_at('payload', ["'fields'", 'field_id']), 'double precision') }} as story_points,
        _loaded_at as loaded_at
    from candidate_fields

)

select issue_id, project_key, field_id, story_points, loaded_at
from values_per_field
where field_id is not null and story_points is not null
