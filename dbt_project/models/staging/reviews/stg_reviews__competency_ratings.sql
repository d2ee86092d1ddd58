-- The review tool's exports arrive typed and validated (sources/reviews.py), competency keys among
-- them: each is a framework competency or one of its aliases (competency_aliases), named here by
-- the framework's key.
with source as (

    select * from {{ raw_or_empty('review_competency_ratings') }}

),

renamed as (

    select
        s.cycle,
        s.employee_id,
        s.rater_id,
        s.rater_type,
        coalesce(a.competency, s.competency) as competency,
        s.level,
        nullif(trim(s.comment), '') as comment,
        s._loaded_at as loaded_at
    from source as s
    left join {{ ref('competency_aliases') }} as a on a.alias = s.competency

),

deduplicated as (

    {{ first_row_per('renamed', 'cycle, employee_id, rater_id, competency', 'loaded_at desc') }}

)

select * from deduplicated
