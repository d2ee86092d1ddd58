-- The review tool's exports arrive typed and validated (sources/reviews.py).
with source as (

    select * from {{ raw_or_empty('review_appeals') }}

),

renamed as (

    select
        appeal_id,
        cycle,
        employee_id,
        filed_at,
        status,
        nullif(trim(reason), '') as reason,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'appeal_id', 'loaded_at desc') }}

)

select * from deduplicated
