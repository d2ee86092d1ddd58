{{ config(materialized='incremental', unique_key='rating_id', incremental_strategy='delete+insert') }}
{%- set fields = {
    "ticket_id": "VARCHAR",
    "assignee_id": "VARCHAR",
    "requester_id": "VARCHAR",
    "score": "VARCHAR",
    "comment": "VARCHAR",
    "created_at": "TIMESTAMPTZ",
    "updated_at": "TIMESTAMPTZ"
} -%}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('zendesk_satisfaction_ratings') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as rating_id,
        {{ json_field(fields, 'ticket_id') }} as ticket_id,
        {{ json_field(fields, 'assignee_id') }} as assignee_id,
        {{ json_field(fields, 'requester_id') }} as requester_id,
        nullif(trim({{ json_field(fields, 'score') }}), '') as score,
        -- "offered" and "unoffered" are surveys without an answer: they count neither way.
        trim({{ json_field(fields, 'score') }}) in ('good', 'bad') as is_answered,
        case when trim({{ json_field(fields, 'score') }}) in ('good', 'bad') then trim({{ json_field(fields, 'score') }}) = 'good' end as is_good,
        nullif(trim({{ json_field(fields, 'comment') }}), '') as comment,
        {{ json_field(fields, 'created_at') }} as created_at,
        {{ json_field(fields, 'updated_at') }} as updated_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'rating_id', 'loaded_at desc, updated_at desc') }}

)

select * from deduplicated
