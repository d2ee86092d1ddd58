-- The org's SAML/SCIM identities: the email the identity provider holds for each linked login.
with source as (

    select
        from_json(payload, '{
            "samlIdentity": {"nameId": "VARCHAR", "username": "VARCHAR"},
            "scimIdentity": {"username": "VARCHAR"}
        }') as record,
        organization,
        login,
        _loaded_at
    from {{ raw_or_empty('github_sso_identities') }}

),

renamed as (

    select
        lower(trim(login)) as login,
        organization,
        -- SCIM usernames and SAML NameIDs are usually the work email; keep the first that is one.
        lower(trim(coalesce(
            if(record.scimIdentity.username like '%@%', record.scimIdentity.username, null),
            if(record.samlIdentity.nameId like '%@%', record.samlIdentity.nameId, null),
            if(record.samlIdentity.username like '%@%', record.samlIdentity.username, null)
        ))) as email,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by organization, login order by loaded_at desc) = 1

)

select * from deduplicated
