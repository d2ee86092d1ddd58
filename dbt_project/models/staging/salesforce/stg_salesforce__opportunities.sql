{{ config(materialized='incremental', unique_key='opportunity_id', incremental_strategy='delete+insert') }}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
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
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('salesforce_opportunities') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        id as opportunity_id,
        nullif(trim(record.Name), '') as opportunity_name,
        nullif(trim(record.AccountId), '') as account_id,
        nullif(trim(record.OwnerId), '') as owner_id,
        record.Amount as amount,
        nullif(trim(record.StageName), '') as stage_name,
        nullif(trim(record.Type), '') as opportunity_type,
        trim(record.Type) = 'Renewal' as is_renewal,
        record.IsWon as is_won,
        record.IsClosed as is_closed,
        record.CloseDate as close_date,
        record.CreatedDate as created_at,
        record.LastModifiedDate as last_modified_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by opportunity_id order by loaded_at desc, last_modified_at desc) = 1

)

select * from deduplicated
