-- Per source system: how many of its accounts map to an employee, and how much of its activity
-- could be credited to anyone. Records of unmatched accounts (and of bots, deleted users or nobody)
-- count for no one: a low credited share means that source's metrics undercount people.
with activity as (
    select 'jira' as source, assignee_account_id as account_id from {{ ref('stg_jira__issues') }}
    union all
    select 'github', author_login from {{ ref('stg_github__pull_requests') }}
    union all
    select 'github', reviewer_login from {{ ref('stg_github__reviews') }}
    union all
    select 'salesforce', owner_id from {{ ref('stg_salesforce__opportunities') }}
    union all
    select 'zendesk', assignee_id from {{ ref('stg_zendesk__tickets') }}
    union all
    select 'pagerduty', responder_user_id from {{ ref('stg_pagerduty__incidents') }}
),

credited as (
    select a.source, count(*) as records, count(r.employee_id) as credited_records
    from activity as a
    left join {{ ref('int_accounts_resolved') }} as r on r.source = a.source and r.account_id = a.account_id
    group by a.source
),

accounts as (
    select source, count(*) as accounts, count(employee_id) as matched_accounts
    from {{ ref('int_accounts_resolved') }}
    group by source
)

select
    coalesce(a.source, c.source) as source,
    coalesce(a.accounts, 0) as accounts,
    coalesce(a.matched_accounts, 0) as matched_accounts,
    coalesce(c.records, 0) as activity_records,
    coalesce(c.credited_records, 0) as credited_records,
    1 - cast(c.credited_records as double precision) / nullif(c.records, 0) as uncredited_share
from accounts as a
full join credited as c using (source)
