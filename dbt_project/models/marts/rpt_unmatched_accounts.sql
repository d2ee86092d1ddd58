-- Source accounts that map to no employee (neither the HRIS work email nor an override):
-- their activity counts for nobody until someone adds them to the identity_overrides seed.
select source, account_id, account_name, account_email, unmatched_reason
from {{ ref('int_accounts_resolved') }}
where employee_id is null
