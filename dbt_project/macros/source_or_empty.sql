{#
  A source table, or, when it does not exist yet, an empty stand-in with the columns the sources
  yml declares: a source left out of PERFPIPE_SOURCES and never loaded has no raw tables, and a
  warehouse nothing was loaded into has no load ledger (meta.loads). What reads it then finds no
  rows (that source's metrics are missing), and nothing downstream fails on a table that is not there.
#}
{% macro source_or_empty(source_name, table) %}
    {%- set relation = source(source_name, table) -%}
    {%- if not execute or load_relation(relation) is not none -%}
        {{ relation }}
    {%- else -%}
        {%- set columns = graph.sources['source.perfpipe.' ~ source_name ~ '.' ~ table].columns.values() -%}
        (select {% for column in columns -%}
            null::{{ column.data_type }} as {{ column.name }}{{ ", " if not loop.last }}
        {%- endfor %} where false)
    {%- endif -%}
{% endmacro %}

{% macro raw_or_empty(table) %}
    {{- source_or_empty('raw', table) -}}
{% endmacro %}
