-- The review tool's exports arrive typed and validated (sources/reviews.py).
with source as (

    select * from {{ raw_or_empty('review_manager_ratings') }}

),

renamed as (

    select
        cycle,
        employee_id,
        manager_id,
        rating,
        submitted_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by cycle, employee_id order by loaded_at desc) = 1

)

select * from deduplicated
