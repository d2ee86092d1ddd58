{{ config(materialized='incremental', unique_key='pull_request_id', incremental_strategy='delete+insert') }}
{%- set fields = {
    "number": "INTEGER",
    "title": "VARCHAR",
    "state": "VARCHAR",
    "author": {"login": "VARCHAR"},
    "repository": "VARCHAR",
    "createdAt": "TIMESTAMPTZ",
    "updatedAt": "TIMESTAMPTZ",
    "mergedAt": "TIMESTAMPTZ",
    "closedAt": "TIMESTAMPTZ"
} -%}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('github_pull_requests') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as pull_request_id,
        nullif(trim({{ json_field(fields, 'repository') }}), '') as repository,
        {{ json_field(fields, 'number') }} as pull_request_number,
        nullif(trim({{ json_field(fields, 'title') }}), '') as title,
        nullif(trim({{ json_field(fields, 'state') }}), '') as state,
        -- GitHub logins are case-insensitive: lower-case them so joins across models match.
        nullif(lower(trim({{ json_field(fields, 'author.login') }})), '') as author_login,
        {{ json_field(fields, 'mergedAt') }} is not null as is_merged,
        {{ json_field(fields, 'createdAt') }} as created_at,
        {{ json_field(fields, 'updatedAt') }} as updated_at,
        {{ json_field(fields, 'mergedAt') }} as merged_at,
        {{ json_field(fields, 'closedAt') }} as closed_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'pull_request_id', 'loaded_at desc, updated_at desc') }}

)

select * from deduplicated
