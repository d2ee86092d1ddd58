{{ config(materialized='incremental', unique_key='ticket_id', incremental_strategy='delete+insert') }}
{%- set fields = {
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
} -%}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    -- metric_set is null when Zendesk sent no metrics, and each minute count is null until its event.
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('zendesk_tickets') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as ticket_id,
        nullif(trim({{ json_field(fields, 'status') }}), '') as status,
        {{ json_field(fields, 'assignee_id') }} as assignee_id,
        {{ json_field(fields, 'requester_id') }} as requester_id,
        nullif(trim({{ json_field(fields, 'via.channel') }}), '') as channel,
        {{ json_field(fields, 'created_at') }} as created_at,
        {{ json_field(fields, 'updated_at') }} as updated_at,
        {{ json_field(fields, 'metric_set.solved_at') }} as solved_at,
        {{ json_field(fields, 'metric_set.reply_time_in_minutes.calendar') }} as first_reply_minutes,
        {{ json_field(fields, 'metric_set.reply_time_in_minutes.business') }} as first_reply_business_minutes,
        {{ json_field(fields, 'metric_set.full_resolution_time_in_minutes.calendar') }} as full_resolution_minutes,
        {{ json_field(fields, 'metric_set.full_resolution_time_in_minutes.business') }} as full_resolution_business_minutes,
        {{ json_field(fields, 'metric_set.reopens') }} as reopens,
        {{ json_field(fields, 'metric_set.replies') }} as replies,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'ticket_id', 'loaded_at desc, updated_at desc') }}

)

select * from deduplicated
