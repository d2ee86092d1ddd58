{{ config(materialized='incremental', unique_key='pull_request_id', incremental_strategy='delete+insert') }}
{#- Keyed by pull request: a changed pull request's reviews are all replaced. #}
{%- set fields = {
    "author": {"login": "VARCHAR"},
    "repository": "VARCHAR",
    "reviews": {"nodes": [{"author": {"login": "VARCHAR"}, "state": "VARCHAR", "submittedAt": "TIMESTAMPTZ"}]}
} -%}
{%- set review = fields.reviews.nodes[0] %}

with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('github_pull_requests') }}
    {{ loaded_since_last_build() }}

),

latest as (

    -- Keep only the latest version of each pull request before unnesting its reviews.
    {{ first_row_per('source', 'id', '_loaded_at desc') }}

),

reviews as (

    -- The GraphQL payload carries no review ids: a review is identified by its position,
    -- which is stable because GitHub lists reviews in submission order.
    select
        id as pull_request_id,
        {{ json_field(fields, 'repository') }} as repository,
        {{ json_field(fields, 'author.login') }} as pr_author_login,
        {{ json_elements(json_field(fields, 'reviews.nodes')) }} as review,
        {{ json_element_positions(json_field(fields, 'reviews.nodes')) }} as review_number,
        _loaded_at
    from latest

),

renamed as (

    select
        pull_request_id || '/reviews/' || review_number as review_id,
        pull_request_id,
        nullif(trim(repository), '') as repository,
        -- GitHub logins are case-insensitive: lower-case them so joins across models match.
        nullif(lower(trim({{ json_field(review, 'author.login', 'review') }})), '') as reviewer_login,
        nullif(lower(trim(pr_author_login)), '') as pr_author_login,
        nullif(trim({{ json_field(review, 'state', 'review') }}), '') as review_state,
        {{ json_field(review, 'submittedAt', 'review') }} as submitted_at,
        _loaded_at as loaded_at
    from reviews

)

select * from renamed
