{# The first day of a review cycle's quarter: '2026-Q3' -> 2026-07-01. #}
{% macro cycle_quarter_start(cycle) %}
make_date(left({{ cycle }}, 4)::int, 3 * right({{ cycle }}, 1)::int - 2, 1)
{%- endmacro %}
