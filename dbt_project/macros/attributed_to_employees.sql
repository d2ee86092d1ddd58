{#
  Every stream of activity credited to people: the model holding it, the system of its accounts,
  the column naming the account, the record's key, and the day of the person's own part in it
  (an expression over the record `r`): an issue resolved, a pull request opened (its merge is a
  reviewer's act), a review submitted, an incident paged, a deal closed (opened, while open), a
  ticket solved, and for a satisfaction rating the solve of the ticket it rates (the customer may
  rate weeks later).

  That day must fall within the person's employment, from the HRIS hire date to the termination
  date: a record dated before the hire or after the exit is not theirs to count (an account
  handed on, a deal closed by the team after its owner left, a date wrong in one system), so it
  is held back and listed with its reason in rpt_quarantined_activity. A record with no such day
  yet (an open issue, an unsolved ticket) counts nowhere and is kept.
#}
{% macro activity_streams() %}
    {{ return({
        'jira_issues': {'model': 'int_jira_issues_estimated', 'source': 'jira', 'account': 'assignee_account_id',
            'key': 'issue_id', 'day': 'r.resolved_at'},
        'github_pull_requests': {'model': 'stg_github__pull_requests', 'source': 'github', 'account': 'author_login',
            'key': 'pull_request_id', 'day': 'r.created_at'},
        'github_reviews': {'model': 'stg_github__reviews', 'source': 'github', 'account': 'reviewer_login',
            'key': 'review_id', 'day': 'r.submitted_at'},
        'pagerduty_incidents': {'model': 'stg_pagerduty__incidents', 'source': 'pagerduty',
            'account': 'responder_user_id', 'key': 'incident_id', 'day': 'r.created_at'},
        'salesforce_opportunities': {'model': 'stg_salesforce__opportunities', 'source': 'salesforce',
            'account': 'owner_id', 'key': 'opportunity_id',
            'day': 'case when r.is_closed then r.close_date else r.created_at end'},
        'zendesk_tickets': {'model': 'stg_zendesk__tickets', 'source': 'zendesk', 'account': 'assignee_id',
            'key': 'ticket_id', 'day': 'r.solved_at'},
        'zendesk_satisfaction_ratings': {'model': 'stg_zendesk__satisfaction_ratings', 'source': 'zendesk',
            'account': 'assignee_id', 'key': 'rating_id',
            'day': '(select t.solved_at from ' ~ ref('stg_zendesk__tickets') ~ ' as t where t.ticket_id = r.ticket_id)'}
    }) }}
{% endmacro %}

{# The records of a stream joined to the employee their account resolves to (`a`, `e`). #}
{% macro _stream_with_employees(stream) %}
    {%- set s = activity_streams()[stream] -%}
    from {{ ref(s.model) }} as r
    join {{ ref('int_accounts_resolved') }} as a
        on a.source = '{{ s.source }}' and a.account_id = r.{{ s.account }}
    join {{ ref('stg_bamboohr__employees') }} as e on e.employee_id = a.employee_id
{% endmacro %}

{# Why a record falls outside its person's employment, or null when it does not. #}
{% macro outside_employment(stream) %}
    {%- set day = 'cast(' ~ activity_streams()[stream].day ~ ' as date)' -%}
    case
        when {{ day }} < e.hire_date then 'activity before the hire'
        when {{ day }} > e.termination_date then 'activity after the exit'
    end
{% endmacro %}

{# The records of a stream credited to their employee, with that employee_id: how every metric
   attributes source activity to people. #}
{% macro attributed_to_employees(stream) %}
    select r.*, a.employee_id
    {{ _stream_with_employees(stream) }}
    where {{ outside_employment(stream) }} is null
{% endmacro %}

{# The records of a stream held back because they fall outside their person's employment. #}
{% macro quarantined_activity(stream) %}
    {%- set s = activity_streams()[stream] -%}
    select
        '{{ s.source }}' as source,
        '{{ stream }}' as table_name,
        cast(r.{{ s.key }} as {{ dbt.type_string() }}) as record_key,
        a.employee_id,
        cast({{ s.day }} as date) as activity_date,
        e.hire_date,
        e.termination_date,
        {{ outside_employment(stream) }} as reason,
        {{ row_as_json('r') }} as record,
        r.loaded_at
    {{ _stream_with_employees(stream) }}
    where {{ outside_employment(stream) }} is not null
{% endmacro %}
