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

    select *
    from renamed
    qualify row_number() over (partition by cycle, employee_id order by loaded_at desc) = 1

)

select * from deduplicated
