{#
  The rows of `relation`, one per value of `key` (SQL expressions, comma-separated): the first by
  `order_by`. DuckDB (like Snowflake and BigQuery) filters with qualify; PostgreSQL has no qualify
  and keeps the first row of each key with distinct on.
#}
{% macro first_row_per(relation, key, order_by) %}
    {{- return(adapter.dispatch('first_row_per', 'perfpipe')(relation, key, order_by)) -}}
{% endmacro %}

{% macro default__first_row_per(relation, key, order_by) -%}
    select *
    from {{ relation }}
    qualify row_number() over (partition by {{ key }} order by {{ order_by }}) = 1
{%- endmacro %}

{% macro postgres__first_row_per(relation, key, order_by) -%}
    select distinct on ({{ key }}) *
    from {{ relation }}
    order by {{ key }}, {{ order_by }}
{%- endmacro %}
