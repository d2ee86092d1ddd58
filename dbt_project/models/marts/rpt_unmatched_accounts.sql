-- Source accounts that map to no employee, each with the employee whose name is most like the
-- account's (a suggestion only: HR confirms it by adding an identity_overrides row).
with unmatched as (
    select source, account_id, account_name, account_email, unmatched_reason
    from {{ ref('int_accounts_resolved') }}
    where employee_id is null
),

unclaimed as (
    -- employees no account of that source maps to yet
    select s.source, e.employee_id, e.full_name
    from {{ ref('stg_bamboohr__employees') }} as e
    cross join (select distinct source from unmatched) as s
    where e.full_name is not null
      and not exists (
          select 1 from {{ ref('int_accounts_resolved') }} as r
          where r.source = s.source and r.employee_id = e.employee_id
      )
),

suggestions as (
    select
        u.source,
        u.account_id,
        c.employee_id,
        c.full_name,
        {{ jaro_winkler_similarity('lower(u.account_name)', 'lower(c.full_name)') }} as similarity
    from unmatched as u
    join unclaimed as c on c.source = u.source
    where u.account_name is not null
),

best_suggestions as (
    {{ first_row_per('suggestions', 'source, account_id', 'similarity desc, employee_id') }}
)

select
    u.*,
    s.employee_id as suggested_employee_id,
    s.full_name as suggested_employee_name,
    {{ round_float('s.similarity', 3) }} as suggestion_similarity
from unmatched as u
left join best_suggestions as s
    on s.source = u.source and s.account_id = u.account_id
    and s.similarity >= (select value from {{ ref('scoring_parameters') }} where parameter = 'name_suggestion_min_similarity')
