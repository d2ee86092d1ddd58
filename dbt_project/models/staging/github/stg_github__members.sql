with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "name": "VARCHAR",
            "email": "VARCHAR",
            "organization": "VARCHAR"
        }') as record,
        login,
        _loaded_at
    from {{ source('raw', 'github_members') }}

),

renamed as (

    select
        -- GitHub logins are case-insensitive: lower-case them so joins across models match.
        lower(trim(login)) as login,
        nullif(trim(record.name), '') as full_name,
        nullif(lower(trim(record.email)), '') as email,
        nullif(trim(record.organization), '') as organization,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by login order by loaded_at desc) = 1

)

select * from deduplicated
