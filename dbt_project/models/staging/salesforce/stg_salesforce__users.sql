with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "Name": "VARCHAR",
            "Email": "VARCHAR"
        }') as record,
        id,
        _loaded_at
    from {{ source('raw', 'salesforce_users') }}

),

renamed as (

    select
        id as user_id,
        nullif(trim(record.Name), '') as full_name,
        nullif(lower(trim(record.Email)), '') as email,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by user_id order by loaded_at desc) = 1

)

select * from deduplicated
