-- The calibration meeting's decisions (optional export; empty when a company has none).
with source as (

    select * from {{ raw_or_empty('review_calibration_decisions') }}

),

renamed as (

    select
        cycle,
        employee_id,
        final_rating,
        nullif(trim(reason), '') as reason,
        decided_by,
        decided_at,
        closed_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'cycle, employee_id', 'loaded_at desc') }}

)

select * from deduplicated
