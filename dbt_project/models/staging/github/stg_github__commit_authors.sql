{{ config(materialized='incremental', unique_key='pull_request_id', incremental_strategy='delete+insert') }}
{#- Keyed by pull request: a changed pull request's commit authors are all replaced. #}
{%- set fields = {
    "commits": {"nodes": [{"commit": {"author": {"email": "VARCHAR", "name": "VARCHAR", "user": {"login": "VARCHAR"}}}}]}
} -%}
{%- set node = fields.commits.nodes[0] %}

-- Who authored the commits of each pull request, as GitHub records it: the email of the commit and
-- the login GitHub linked that email to (null when it could not). A commit's email belongs to the
-- commit's own author, who is not always the pull request's: reviewers push fixups.
with source as (

    select
        {{ json_record('payload', fields) }} as record,
        id,
        _loaded_at
    from {{ raw_or_empty('github_pull_requests') }}
    {{ loaded_since_last_build() }}

),

latest as (

    {{ first_row_per('source', 'id', '_loaded_at desc') }}

),

commits as (

    select id as pull_request_id, {{ json_elements(json_field(fields, 'commits.nodes')) }} as node, _loaded_at
    from latest

)

select distinct
    pull_request_id,
    nullif(lower(trim({{ json_field(node, 'commit.author.user.login', 'node') }})), '') as login,
    nullif(lower(trim({{ json_field(node, 'commit.author.email', 'node') }})), '') as email,
    nullif(trim({{ json_field(node, 'commit.author.name', 'node') }}), '') as author_name,
    _loaded_at as loaded_at
from commits
where {{ json_field(node, 'commit.author.email', 'node') }} is not null
