{#
  A cast that gives null where the value does not fit the type. DuckDB has try_cast; PostgreSQL
  (15 has no pg_input_is_valid) casts the text through one small function per type that catches
  the cast's error, created before every run by the on-run-start hook create_try_cast_functions.
#}
{% macro try_cast(value, type) %}
    {{- return(adapter.dispatch('try_cast', 'perfpipe')(value, type)) -}}
{% endmacro %}

{% macro default__try_cast(value, type) -%}
    try_cast({{ value }} as {{ type }})
{%- endmacro %}

{% macro postgres__try_cast(value, type) -%}
    {#- the function of each type (decimal(p, s) is cast from numeric's) -#}
    {%- set functions = {
        'date': 'date', 'timestamptz': 'timestamptz', 'timestamp with time zone': 'timestamptz',
        'integer': 'integer', 'bigint': 'bigint', 'decimal': 'numeric', 'numeric': 'numeric',
        'double': 'double_precision', 'double precision': 'double_precision', 'boolean': 'boolean'} -%}
    {%- set base = type.split('(')[0] | trim | lower -%}
    {%- if base in ('varchar', 'text') -%}
        cast({{ value }} as text)
    {%- elif base not in functions -%}
        {{ exceptions.raise_compiler_error("try_cast: no PostgreSQL function for type " ~ type) }}
    {%- elif '(' in type -%}
        cast({{ target.schema }}.perfpipe_try_{{ functions[base] }}(cast({{ value }} as text)) as {{ type }})
    {%- else -%}
        {{ target.schema }}.perfpipe_try_{{ functions[base] }}(cast({{ value }} as text))
    {%- endif -%}
{%- endmacro %}

{% macro create_try_cast_functions() %}
    {{- return(adapter.dispatch('create_try_cast_functions', 'perfpipe')()) -}}
{% endmacro %}

{% macro default__create_try_cast_functions() -%}
{%- endmacro %}

{% macro postgres__create_try_cast_functions() -%}
    {%- for type in ['date', 'timestamptz', 'integer', 'bigint', 'numeric', 'double precision', 'boolean'] %}
    create or replace function {{ target.schema }}.perfpipe_try_{{ type | replace(' ', '_') }}(value text)
    returns {{ type }} language plpgsql stable as $$
    begin
        return cast(value as {{ type }});
    exception when others then
        return null;
    end $$;
    {%- endfor %}
{%- endmacro %}
