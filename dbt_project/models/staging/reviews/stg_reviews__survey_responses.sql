-- The review tool's exports arrive typed and validated (sources/reviews.py).
with source as (

    select * from {{ raw_or_empty('review_survey_responses') }}

),

renamed as (

    select
        response_id,
        cycle,
        employee_id,
        score,
        submitted_at,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', 'response_id', 'loaded_at desc') }}

)

select * from deduplicated
