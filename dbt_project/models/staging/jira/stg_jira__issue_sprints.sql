{{ config(materialized='incremental', unique_key='issue_id', incremental_strategy='delete+insert') }}
{#- Keyed by issue: a changed issue's sprint rows are all replaced. An issue taken out of every
    sprint has no new rows, so its old ones stay until a full refresh. #}
{%- set sprints = [{
    "id": "VARCHAR",
    "name": "VARCHAR",
    "state": "VARCHAR",
    "startDate": "TIMESTAMPTZ",
    "endDate": "TIMESTAMPTZ",
    "completeDate": "TIMESTAMPTZ"
}] -%}
{%- set sprint = sprints[0] %}

with source as (

    select
        id,
        -- The sprint field's id differs per Jira site; the connector records it on each row.
        {{ json_at('payload', ["'fields'", json_text_at('payload', ["'custom_field_ids'", "'sprint'"])]) }} as sprint_field,
        _loaded_at
    from {{ raw_or_empty('jira_issues') }}
    {{ loaded_since_last_build() }}

),

latest as (

    -- Keep only the latest version of each issue before unnesting its sprints.
    {{ first_row_per('source', 'id', '_loaded_at desc') }}

),

sprints as (

    select
        id as issue_id,
        {{ json_elements(json_record('sprint_field', sprints)) }} as sprint,
        _loaded_at
    from latest

),

renamed as (

    select
        issue_id,
        {{ json_field(sprint, 'id', 'sprint') }} as sprint_id,
        nullif(trim({{ json_field(sprint, 'name', 'sprint') }}), '') as sprint_name,
        nullif(trim({{ json_field(sprint, 'state', 'sprint') }}), '') as sprint_state,
        {{ json_field(sprint, 'startDate', 'sprint') }} as sprint_started_at,
        {{ json_field(sprint, 'endDate', 'sprint') }} as sprint_ended_at,
        {{ json_field(sprint, 'completeDate', 'sprint') }} as sprint_completed_at,
        _loaded_at as loaded_at
    from sprints

),

deduplicated as (

    -- A sprint listed twice on one issue counts once.
    {{ first_row_per('renamed', 'issue_id, sprint_id', 'loaded_at desc') }}

)

select * from deduplicated
