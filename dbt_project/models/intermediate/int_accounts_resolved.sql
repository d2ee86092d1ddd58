-- Every account in every source system, mapped to one employee, by the strongest evidence:
-- 1. an identity_overrides row (a person's decision beats every automatic match);
-- 2. GitHub's SSO identity, the email the identity provider holds for the login;
-- 3. the email the account itself shows (HRIS work email, compared case-insensitively);
-- 4. GitHub commit emails: the addresses the login's own commits were authored with, when they
--    point at exactly one employee (noreply addresses tell nothing).
-- Accounts that map to nobody keep a reason and a name-similarity suggestion for HR to confirm in
-- rpt_unmatched_accounts; a suggestion is never applied by itself.
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
),

sso as (
    select s.login as account_id, min(h.employee_id) as employee_id
    from {{ ref('stg_github__sso_identities') }} as s
    join hris as h on h.work_email = s.email
    group by s.login
    having count(distinct h.employee_id) = 1
),

commit_emails as (
    select c.login as account_id, min(h.employee_id) as employee_id, count(distinct h.employee_id) as employees
    from {{ ref('stg_github__commit_authors') }} as c
    join hris as h on h.work_email = c.email
    where c.login is not null and c.email not like '%@users.noreply.github.com'
    group by c.login
),

matched as (
    select
        a.*,
        o.employee_id as override_employee_id,
        s.employee_id as sso_employee_id,
        h.employee_id as email_employee_id,
        case when a.source = 'github' and c.employees = 1 then c.employee_id end as commit_employee_id,
        a.source = 'github' and c.employees > 1 as commit_emails_ambiguous
    from accounts as a
    left join {{ ref('identity_overrides') }} as o on o.source = a.source and o.account_id = a.account_id
    left join sso as s on a.source = 'github' and s.account_id = a.account_id
    left join hris as h on h.work_email = a.email
    left join commit_emails as c on a.source = 'github' and c.account_id = a.account_id
)

select
    source,
    account_id,
    account_name,
    email as account_email,
    coalesce(override_employee_id, sso_employee_id, email_employee_id, commit_employee_id) as employee_id,
    case
        when override_employee_id is not null then 'override'
        when sso_employee_id is not null then 'sso identity'
        when email_employee_id is not null then 'email'
        when commit_employee_id is not null then 'commit email'
    end as match_method,
    case
        when coalesce(override_employee_id, sso_employee_id, email_employee_id, commit_employee_id) is null
            then case
                when commit_emails_ambiguous then 'commit emails point at several employees'
                when email is null then 'no email in ' || source
                else 'email not in the HRIS'
            end
    end as unmatched_reason
from matched
