{{ config(materialized='incremental', unique_key='ticket_id', incremental_strategy='delete+insert') }}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    -- metric_set is null when Zendesk sent no metrics, and each minute count is null until its event.
    select
        from_json(payload, '{
            "status": "VARCHAR",
            "assignee_id": "VARCHAR",
            "requester_id": "VARCHAR",
            "via": {"channel": "VARCHAR"},
            "created_at": "TIMESTAMPTZ",
            "updated_at": "TIMESTAMPTZ",
            "metric_set": {
                "solved_at": "TIMESTAMPTZ",
                "reply_time_in_minutes": {"calendar": "INTEGER", "business": "INTEGER"},
                "full_resolution_time_in_minutes": {"calendar": "INTEGER", "business": "INTEGER"},
                "reopens": "INTEGER",
                "replies": "INTEGER"
            }
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('zendesk_tickets') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as ticket_id,
        nullif(trim(record.status), '') as status,
        record.assignee_id,
        record.requester_id,
        nullif(trim(record.via.channel), '') as channel,
        record.created_at,
        record.updated_at,
        record.metric_set.solved_at,
        record.metric_set.reply_time_in_minutes.calendar as first_reply_minutes,
        record.metric_set.reply_time_in_minutes.business as first_reply_business_minutes,
        record.metric_set.full_resolution_time_in_minutes.calendar as full_resolution_minutes,
        record.metric_set.full_resolution_time_in_minutes.business as full_resolution_business_minutes,
        record.metric_set.reopens,
        record.metric_set.replies,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by ticket_id order by loaded_at desc, updated_at desc) = 1

)

select * from deduplicated
