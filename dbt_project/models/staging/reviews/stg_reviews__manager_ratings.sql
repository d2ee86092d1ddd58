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

    {{ first_row_per('renamed', 'cycle, employee_id', 'loaded_at desc') }}

)

select * from deduplicated
