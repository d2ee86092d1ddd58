{{ config(materialized='incremental', unique_key=['component_key', 'metric_key', 'measured_at'], incremental_strategy='delete+insert') }}

with source as (

    select
        component,
        metric,
        date,
        -- SonarQube sends values as strings, and a history point may have none.
        payload ->> 'value' as value,
        _loaded_at
    from {{ raw_or_empty('sonarqube_measures') }}
    {{ loaded_since_last_build() }}

),

renamed as (

    select
        component as component_key,
        metric as metric_key,
        try_cast(date as timestamptz) as measured_at,
        try_cast(value as double) as value,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by component_key, metric_key, measured_at order by loaded_at desc) = 1

)

select * from deduplicated
