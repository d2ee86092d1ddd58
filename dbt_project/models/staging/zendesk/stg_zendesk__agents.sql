with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "name": "VARCHAR",
            "email": "VARCHAR",
            "role": "VARCHAR",
            "active": "BOOLEAN"
        }') as record,
        id,
        _loaded_at
    from {{ source('raw', 'zendesk_agents') }}

),

renamed as (

    select
        id as agent_id,
        nullif(trim(record.name), '') as full_name,
        nullif(lower(trim(record.email)), '') as email,
        nullif(trim(record.role), '') as role,
        record.active as is_active,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by agent_id order by loaded_at desc) = 1

)

select * from deduplicated
