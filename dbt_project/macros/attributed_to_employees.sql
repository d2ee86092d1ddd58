{# The rows of a staging relation whose account (in `source`) resolves to an employee, with
   that employee_id: how every metric attributes source activity to people. #}
{% macro attributed_to_employees(relation, source, account_column) %}
    select r.*, a.employee_id
    from {{ relation }} as r
    join {{ ref('int_accounts_resolved') }} as a
        on a.source = '{{ source }}' and a.account_id = r.{{ account_column }}
    where a.employee_id is not null
{% endmacro %}
