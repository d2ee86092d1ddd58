{{ config(materialized='incremental', unique_key='issue_id', incremental_strategy='delete+insert') }}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "key": "VARCHAR",
            "fields": {
                "summary": "VARCHAR",
                "status": {"name": "VARCHAR", "statusCategory": {"key": "VARCHAR"}},
                "issuetype": {"name": "VARCHAR"},
                "assignee": {"accountId": "VARCHAR", "emailAddress": "VARCHAR", "displayName": "VARCHAR"},
                "project": {"key": "VARCHAR"},
                "created": "TIMESTAMPTZ",
                "updated": "TIMESTAMPTZ",
                "resolutiondate": "TIMESTAMPTZ"
            }
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('jira_issues') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as issue_id,
        nullif(trim(record.key), '') as issue_key,
        nullif(trim(record.fields.project.key), '') as project_key,
        nullif(trim(record.fields.summary), '') as summary,
        nullif(trim(record.fields.issuetype.name), '') as issue_type,
        nullif(trim(record.fields.status.name), '') as status_name,
        nullif(trim(record.fields.status.statusCategory.key), '') as status_category,
        record.fields.status.statusCategory.key = 'done' as is_done,
        nullif(trim(record.fields.assignee.accountId), '') as assignee_account_id,
        nullif(lower(trim(record.fields.assignee.emailAddress)), '') as assignee_email,
        nullif(trim(record.fields.assignee.displayName), '') as assignee_name,
        record.fields.created as created_at,
        record.fields.updated as updated_at,
        record.fields.resolutiondate as resolved_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by issue_id order by loaded_at desc, updated_at desc) = 1

)

select * from deduplicated
