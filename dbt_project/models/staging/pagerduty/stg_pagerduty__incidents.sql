{{ config(materialized='incremental', unique_key='incident_id', incremental_strategy='delete+insert') }}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
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
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('pagerduty_incidents') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as incident_id,
        record.incident_number,
        nullif(trim(record.title), '') as title,
        nullif(trim(record.status), '') as status,
        nullif(trim(record.urgency), '') as urgency,
        nullif(trim(record.service.id), '') as service_id,
        nullif(trim(record.service.summary), '') as service_name,
        record.created_at,
        record.acknowledgements[1].at as acknowledged_at,
        case when record.status = 'resolved' then record.last_status_change_at end as resolved_at,
        -- Resolved incidents carry no assignments: fall back to who acknowledged, then to who
        -- changed the status last; acknowledgers and status changers can be services, not users.
        coalesce(
            record.assignments[1].assignee.id,
            case when record.acknowledgements[1].acknowledger.type = 'user_reference'
                then record.acknowledgements[1].acknowledger.id end,
            case when record.last_status_change_by.type = 'user_reference'
                then record.last_status_change_by.id end
        ) as responder_user_id,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by incident_id order by loaded_at desc) = 1

)

select * from deduplicated
