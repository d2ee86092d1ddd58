{{ config(materialized='incremental', unique_key='opportunity_id', incremental_strategy='delete+insert') }}
{%- set fields = {
    "Name": "VARCHAR",
    "AccountId": "VARCHAR",
    "Amount": "DECIMAL(18,2)",
    "StageName": "VARCHAR",
    "IsWon": "BOOLEAN",
    "IsClosed": "BOOLEAN",
    "CloseDate": "DATE",
    "OwnerId": "VARCHAR",
    "Type": "VARCHAR",
    "CreatedDate": "TIMESTAMPTZ",
    "LastModifiedDate": "TIMESTAMPTZ"
} -%}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('salesforce_opportunities') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as opportunity_id,
        nullif(trim({{ json_field(fields, 'Name') }}), '') as opportunity_name,
        nullif(trim({{ json_field(fields, 'AccountId') }}), '') as account_id,
        nullif(trim({{ json_field(fields, 'OwnerId') }}), '') as owner_id,
        {{ json_field(fields, 'Amount') }} as amount,
        nullif(trim({{ json_field(fields, 'StageName') }}), '') as stage_name,
        nullif(trim({{ json_field(fields, 'Type') }}), '') as opportunity_type,
        trim({{ json_field(fields, 'Type') }}) = 'Renewal' as is_renewal,
        {{ json_field(fields, 'IsWon') }} as is_won,
        {{ json_field(fields, 'IsClosed') }} as is_closed,
        {{ json_field(fields, 'CloseDate') }} as close_date,
        {{ json_field(fields, 'CreatedDate') }} as created_at,
        {{ json_field(fields, 'LastModifiedDate') }} as last_modified_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'opportunity_id', 'loaded_at desc, last_modified_at desc') }}

)

select * from deduplicated
