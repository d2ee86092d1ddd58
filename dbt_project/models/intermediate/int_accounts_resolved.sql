-- Every account in every source system, mapped to one employee: an explicit override first
-- (a person's correction beats an automatic match), else the HRIS work email. Accounts that
-- map to nobody keep a reason and are reported in rpt_unmatched_accounts.
with accounts as (
    select 'jira' as source, account_id, full_name as account_name, email from {{ ref('stg_jira__users') }}
    union all
    select 'github', login, full_name, email from {{ ref('stg_github__members') }}
    union all
    select 'salesforce', user_id, full_name, email from {{ ref('stg_salesforce__users') }}
    union all
    select 'zendesk', agent_id, full_name, email from {{ ref('stg_zendesk__agents') }}
    union all
    select 'pagerduty', user_id, full_name, email from {{ ref('stg_pagerduty__users') }}
),

hris as (
    select work_email, min(employee_id) as employee_id
    from {{ ref('stg_bamboohr__employees') }}
    where work_email is not null
    group by work_email
)

select
    a.source,
    a.account_id,
    a.account_name,
    a.email as account_email,
    coalesce(o.employee_id, h.employee_id) as employee_id,
    case
        when o.employee_id is not null then 'override'
        when h.employee_id is not null then 'email'
    end as match_method,
    case
        when o.employee_id is null and h.employee_id is null
            then if(a.email is null, 'no email in ' || a.source, 'email not in the HRIS')
    end as unmatched_reason
from accounts as a
left join {{ ref('identity_overrides') }} as o
    on o.source = a.source and o.account_id = a.account_id
left join hris as h
    on h.work_email = a.email
