{# A floating-point number rounded to `digits` decimals, still floating-point (PostgreSQL rounds only numerics). #}
{% macro round_float(value, digits) %}
    {{- return(adapter.dispatch('round_float', 'perfpipe')(value, digits)) -}}
{% endmacro %}

{% macro default__round_float(value, digits) -%}
    round({{ value }}, {{ digits }})
{%- endmacro %}

{% macro postgres__round_float(value, digits) -%}
    cast(round(cast({{ value }} as numeric), {{ digits }}) as double precision)
{%- endmacro %}
