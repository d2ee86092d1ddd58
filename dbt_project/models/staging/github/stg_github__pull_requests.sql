{{ config(materialized='incremental', unique_key='pull_request_id', incremental_strategy='delete+insert') }}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "number": "INTEGER",
            "title": "VARCHAR",
            "state": "VARCHAR",
            "author": {"login": "VARCHAR"},
            "repository": "VARCHAR",
            "createdAt": "TIMESTAMPTZ",
            "updatedAt": "TIMESTAMPTZ",
            "mergedAt": "TIMESTAMPTZ",
            "closedAt": "TIMESTAMPTZ"
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('github_pull_requests') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as pull_request_id,
        nullif(trim(record.repository), '') as repository,
        record.number as pull_request_number,
        nullif(trim(record.title), '') as title,
        nullif(trim(record.state), '') as state,
        -- GitHub logins are case-insensitive: lower-case them so joins across models match.
        nullif(lower(trim(record.author.login)), '') as author_login,
        record.mergedAt is not null as is_merged,
        record.createdAt as created_at,
        record.updatedAt as updated_at,
        record.mergedAt as merged_at,
        record.closedAt as closed_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by pull_request_id order by loaded_at desc, updated_at desc) = 1

)

select * from deduplicated
