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
        {{ try_cast('date', 'timestamptz') }} as measured_at,
        {{ try_cast('value', 'double precision') }} as value,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'component_key, metric_key, measured_at', 'loaded_at desc') }}

)

select * from deduplicated
