-- The review tool's exports arrive typed and validated (sources/reviews.py).
with source as (

    select * from {{ raw_or_empty('review_competency_ratings') }}

),

renamed as (

    select
        cycle,
        employee_id,
        rater_id,
        rater_type,
        competency,
        level,
        nullif(trim(comment), '') as comment,
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    select *
    from renamed
    qualify row_number() over (partition by cycle, employee_id, rater_id, competency order by loaded_at desc) = 1

)

select * from deduplicated
