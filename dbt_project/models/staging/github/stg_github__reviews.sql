{{ config(materialized='incremental', unique_key='pull_request_id', incremental_strategy='delete+insert') }}
{#- Keyed by pull request: a changed pull request's reviews are all replaced. #}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        from_json(payload, '{
            "author": {"login": "VARCHAR"},
            "repository": "VARCHAR",
            "reviews": {"nodes": [{"author": {"login": "VARCHAR"}, "state": "VARCHAR", "submittedAt": "TIMESTAMPTZ"}]}
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('github_pull_requests') }}
    {{ loaded_since_last_build() }}
    -- Keep only the latest version of each pull request before unnesting its reviews.
    qualify row_number() over (partition by id order by _loaded_at desc) = 1

),

reviews as (

    -- The GraphQL payload carries no review ids: a review is identified by its position,
    -- which is stable because GitHub lists reviews in submission order.
    select
        id as pull_request_id,
        record.repository,
        record.author.login as pr_author_login,
        unnest(record.reviews.nodes) as review,
        generate_subscripts(record.reviews.nodes, 1) as review_number,
        _loaded_at
    from source

),

renamed as (

    select
        pull_request_id || '/reviews/' || review_number as review_id,
        pull_request_id,
        nullif(trim(repository), '') as repository,
        -- GitHub logins are case-insensitive: lower-case them so joins across models match.
        nullif(lower(trim(review.author.login)), '') as reviewer_login,
        nullif(lower(trim(pr_author_login)), '') as pr_author_login,
        nullif(trim(review.state), '') as review_state,
        review.submittedAt as submitted_at,
        _loaded_at as loaded_at
    from reviews

)

select * from renamed
