{{ config(materialized='incremental', unique_key='issue_id', incremental_strategy='delete+insert') }}
{%- set fields = {
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
} -%}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('jira_issues') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as issue_id,
        nullif(trim({{ json_field(fields, 'key') }}), '') as issue_key,
        nullif(trim({{ json_field(fields, 'fields.project.key') }}), '') as project_key,
        nullif(trim({{ json_field(fields, 'fields.summary') }}), '') as summary,
        nullif(trim({{ json_field(fields, 'fields.issuetype.name') }}), '') as issue_type,
        nullif(trim({{ json_field(fields, 'fields.status.name') }}), '') as status_name,
        nullif(trim({{ json_field(fields, 'fields.status.statusCategory.key') }}), '') as status_category,
        {{ json_field(fields, 'fields.status.statusCategory.key') }} = 'done' as is_done,
        nullif(trim({{ json_field(fields, 'fields.assignee.accountId') }}), '') as assignee_account_id,
        nullif(lower(trim({{ json_field(fields, 'fields.assignee.emailAddress') }})), '') as assignee_email,
        nullif(trim({{ json_field(fields, 'fields.assignee.displayName') }}), '') as assignee_name,
        {{ json_field(fields, 'fields.created') }} as created_at,
        {{ json_field(fields, 'fields.updated') }} as updated_at,
        {{ json_field(fields, 'fields.resolutiondate') }} as resolved_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'issue_id', 'loaded_at desc, updated_at desc') }}

)

select * from deduplicated
