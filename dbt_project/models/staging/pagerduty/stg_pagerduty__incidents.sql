{{ config(materialized='incremental', unique_key='incident_id', incremental_strategy='delete+insert') }}
{%- set fields = {
    "incident_number": "INTEGER",
    "title": "VARCHAR",
    "status": "VARCHAR",
    "urgency": "VARCHAR",
    "service": {"id": "VARCHAR", "summary": "VARCHAR"},
    "created_at": "TIMESTAMPTZ",
    "assignments": [{"assignee": {"id": "VARCHAR"}}],
    "acknowledgements": [{"at": "TIMESTAMPTZ", "acknowledger": {"id": "VARCHAR", "type": "VARCHAR"}}],
    "last_status_change_at": "TIMESTAMPTZ",
    "last_status_change_by": {"id": "VARCHAR", "type": "VARCHAR"}
} -%}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('pagerduty_incidents') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as incident_id,
        {{ json_field(fields, 'incident_number') }} as incident_number,
        nullif(trim({{ json_field(fields, 'title') }}), '') as title,
        nullif(trim({{ json_field(fields, 'status') }}), '') as status,
        nullif(trim({{ json_field(fields, 'urgency') }}), '') as urgency,
        nullif(trim({{ json_field(fields, 'service.id') }}), '') as service_id,
        nullif(trim({{ json_field(fields, 'service.summary') }}), '') as service_name,
        {{ json_field(fields, 'created_at') }} as created_at,
        {{ json_field(fields, 'acknowledgements[1].at') }} as acknowledged_at,
        case when {{ json_field(fields, 'status') }} = 'resolved' then {{ json_field(fields, 'last_status_change_at') }} end as resolved_at,
        -- Resolved incidents carry no assignments: fall back to who acknowledged, then to who
        -- changed the status last; acknowledgers and status changers can be services, not users.
        coalesce(
            {{ json_field(fields, 'assignments[1].assignee.id') }},
            case when {{ json_field(fields, 'acknowledgements[1].acknowledger.type') }} = 'user_reference'
                then {{ json_field(fields, 'acknowledgements[1].acknowledger.id') }} end,
            case when {{ json_field(fields, 'last_status_change_by.type') }} = 'user_reference'
                then {{ json_field(fields, 'last_status_change_by.id') }} end
        ) as responder_user_id,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'incident_id', 'loaded_at desc') }}

)

select * from deduplicated
