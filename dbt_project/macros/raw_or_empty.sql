{#
  A raw table, or, when its source is not in use (PERFPIPE_SOURCES) and it was never loaded,
  an empty stand-in with the columns the source's yml declares: that source's metrics are then
  missing, and nothing downstream fails on a table that is not there.
#}
{% macro raw_or_empty(table) %}
    {%- set relation = source('raw', table) -%}
    {%- if not execute or load_relation(relation) is not none -%}
        {{ relation }}
    {%- else -%}
        {%- set columns = graph.sources['source.perfpipe.raw.' ~ table].columns.values() -%}
        (select {% for column in columns -%}
            null::{{ column.data_type }} as {{ column.name }}{{ ", " if not loop.last }}
        {%- endfor %} where false)
    {%- endif -%}
{% endmacro %}
