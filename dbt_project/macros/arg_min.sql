{#
  The aggregate arg_min: `value` of the row with the smallest `key` among the group's rows that
  meet `where` (SQL, optional). DuckDB has arg_min; PostgreSQL takes the first of the values ordered
  by key. Rows tied on the smallest key may give any of their values.
#}
{% macro arg_min(value, key, where=none) %}
    {{- return(adapter.dispatch('arg_min', 'perfpipe')(value, key, where)) -}}
{% endmacro %}

{% macro default__arg_min(value, key, where) -%}
    arg_min({{ value }}, {{ key }}){% if where %} filter (where {{ where }}){% endif %}
{%- endmacro %}

{% macro postgres__arg_min(value, key, where) -%}
    (array_agg({{ value }} order by {{ key }}) filter (where {{ key }} is not null {%- if where %} and {{ where }}{% endif %}))[1]
{%- endmacro %}
