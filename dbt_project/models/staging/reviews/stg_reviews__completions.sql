-- The review tool's exports arrive typed and validated (sources/reviews.py).
with source as (

    select * from {{ raw_or_empty('review_completions') }}

),

renamed as (

    select
        cycle,
        employee_id,
        reviewer_id,
        started_at,
        finished_at,
        finished_at is not null as is_finished,
        active_minutes,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'cycle, employee_id, reviewer_id', 'loaded_at desc') }}

)

select * from deduplicated
