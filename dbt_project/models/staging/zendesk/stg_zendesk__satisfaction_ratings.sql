{{ config(materialized='incremental', unique_key='rating_id', incremental_strategy='delete+insert') }}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "ticket_id": "VARCHAR",
            "assignee_id": "VARCHAR",
            "requester_id": "VARCHAR",
            "score": "VARCHAR",
            "comment": "VARCHAR",
            "created_at": "TIMESTAMPTZ",
            "updated_at": "TIMESTAMPTZ"
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('zendesk_satisfaction_ratings') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as rating_id,
        record.ticket_id,
        record.assignee_id,
        record.requester_id,
        nullif(trim(record.score), '') as score,
        -- "offered" and "unoffered" are surveys without an answer: they count neither way.
        trim(record.score) in ('good', 'bad') as is_answered,
        case when trim(record.score) in ('good', 'bad') then trim(record.score) = 'good' end as is_good,
        nullif(trim(record.comment), '') as comment,
        record.created_at,
        record.updated_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by rating_id order by loaded_at desc, updated_at desc) = 1

)

select * from deduplicated
