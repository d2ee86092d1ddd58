with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "emailAddress": "VARCHAR",
            "displayName": "VARCHAR",
            "active": "BOOLEAN"
        }') as record,
        account_id,
        _loaded_at
    from {{ source('raw', 'jira_users') }}

),

renamed as (

    select
        account_id,
        nullif(trim(record.displayName), '') as full_name,
        nullif(lower(trim(record.emailAddress)), '') as email,
        record.active as is_active,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by account_id order by loaded_at desc) = 1

)

select * from deduplicated
