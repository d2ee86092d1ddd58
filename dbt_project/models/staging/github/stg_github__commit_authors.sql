{{ config(materialized='incremental', unique_key='pull_request_id', incremental_strategy='delete+insert') }}
{#- Keyed by pull request: a changed pull request's commit authors are all replaced. #}

-- Who authored the commits of each pull request, as GitHub records it: the email of the commit and
-- the login GitHub linked that email to (null when it could not). A commit's email belongs to the
-- commit's own author, who is not always the pull request's: reviewers push fixups.
with source as (

    select
        from_json(payload, '{
            "commits": {"nodes": [{"commit": {"author": {"email": "VARCHAR", "name": "VARCHAR", "user": {"login": "VARCHAR"}}}}]}
        }') as record,
        id,
        _loaded_at
    from {{ raw_or_empty('github_pull_requests') }}
    {{ loaded_since_last_build() }}
    qualify row_number() over (partition by id order by _loaded_at desc) = 1

),

commits as (

    select id as pull_request_id, unnest(record.commits.nodes).commit.author as author, _loaded_at
    from source

)

select distinct
    pull_request_id,
    nullif(lower(trim(author.user.login)), '') as login,
    nullif(lower(trim(author.email)), '') as email,
    nullif(trim(author.name), '') as author_name,
    _loaded_at as loaded_at
from commits
where author.email is not null
