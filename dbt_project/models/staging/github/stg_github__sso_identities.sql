-- The org's SAML/SCIM identities: the email the identity provider holds for each linked login.
{% set fields = {
    "samlIdentity": {"nameId": "VARCHAR", "username": "VARCHAR"},
    "scimIdentity": {"username": "VARCHAR"}
} -%}
with source as (

    select
        {{ json_record('payload', fields) }} as record,
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
            {%- for path in ['scimIdentity.username', 'samlIdentity.nameId', 'samlIdentity.username'] %}
            case when {{ json_field(fields, path) }} like '%@%' then {{ json_field(fields, path) }} end
            {{- ',' if not loop.last }}
            {%- endfor %}
        ))) as email,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'organization, login', 'loaded_at desc') }}

)

select * from deduplicated
