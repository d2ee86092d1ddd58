{{ config(materialized='incremental', unique_key='issue_id', incremental_strategy='delete+insert') }}
{#- Keyed by issue: a changed issue's sprint rows are all replaced. An issue taken out of every
    sprint has no new rows, so its old ones stay until a full refresh. #}

with source as (

    select
        id,
        -- The sprint field's id differs per Jira site; the connector records it on each row.
        json_extract(payload, '$.fields."' || (payload ->> '$.custom_field_ids.sprint') || '"') as sprint_field,
        _loaded_at
    from {{ raw_or_empty('jira_issues') }}
    {{ loaded_since_last_build() }}
    -- Keep only the latest version of each issue before unnesting its sprints.
    qualify row_number() over (partition by id order by _loaded_at desc) = 1

),

sprints as (

    select
        id as issue_id,
        unnest(from_json(sprint_field, '[{
            "id": "VARCHAR",
            "name": "VARCHAR",
            "state": "VARCHAR",
            "startDate": "TIMESTAMPTZ",
            "endDate": "TIMESTAMPTZ",
            "completeDate": "TIMESTAMPTZ"
        }]')) as sprint,
        _loaded_at
    from source

),

renamed as (

    select
        issue_id,
        sprint.id as sprint_id,
        nullif(trim(sprint.name), '') as sprint_name,
        nullif(trim(sprint.state), '') as sprint_state,
        sprint.startDate as sprint_started_at,
        sprint.endDate as sprint_ended_at,
        sprint.completeDate as sprint_completed_at,
        _loaded_at as loaded_at
    from sprints

),

deduplicated as (

    -- A sprint listed twice on one issue counts once.
    select *
    from renamed
    qualify row_number() over (partition by issue_id, sprint_id order by loaded_at desc) = 1

)

select * from deduplicated
