{#
  JSON payloads, parsed once per row. A model declares the fields it reads as a schema (a dict of
  field -> type, nested for objects, [ ... ] for lists) and reads them by path:

      {% set fields = {"key": "VARCHAR", "fields": {"created": "TIMESTAMPTZ"}} %}
      select {{ json_record('payload', fields) }} as record ...
      select {{ json_field(fields, 'fields.created') }} as created_at ... from source

  A value that does not fit its declared type is null (like try_cast). On DuckDB the record is a
  struct (from_json) and a field is a struct path; on PostgreSQL the record is the jsonb document
  and a field is its text at the path, cast safely to the declared type. A path may index a list
  (`assignments[1].assignee.id`, 1-based); a path to an object or a list gives the JSON itself.
#}
{% macro json_record(column, fields) %}
    {{- return(adapter.dispatch('json_record', 'perfpipe')(column, fields)) -}}
{% endmacro %}

{% macro default__json_record(column, fields) -%}
    from_json({{ column }}, '{{ tojson(fields) }}')
{%- endmacro %}

{% macro postgres__json_record(column, fields) -%}
    cast({{ column }} as jsonb)
{%- endmacro %}


{% macro json_field(fields, path, record='record') %}
    {{- return(adapter.dispatch('json_field', 'perfpipe')(fields, path, record)) -}}
{% endmacro %}

{% macro default__json_field(fields, path, record) -%}
    {{ record }}.{{ path }}
{%- endmacro %}

{% macro postgres__json_field(fields, path, record) -%}
    {%- set keys = [] -%}
    {%- set declared = namespace(type=fields) -%}
    {%- for segment in path.split('.') -%}
        {%- set name = segment.split('[')[0] -%}
        {%- do keys.append(name) -%}
        {%- set declared.type = declared.type[name] -%}
        {%- if '[' in segment -%}
            {%- do keys.append(segment.split('[')[1].rstrip(']') | int - 1) -%}
            {%- set declared.type = declared.type[0] -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set at = "'{" ~ keys | join(',') ~ "}'" -%}
    {%- if declared.type is string -%}
        {{ try_cast(record ~ ' #>> ' ~ at, declared.type) }}
    {%- else -%}
        ({{ record }} #> {{ at }})
    {%- endif -%}
{%- endmacro %}


{#- One row per element of a JSON list (a set-returning expression of the select list; no rows for
    null or a value that is not a list), and beside it, in step, each element's 1-based position. #}
{% macro json_elements(list) %}
    {{- return(adapter.dispatch('json_elements', 'perfpipe')(list)) -}}
{% endmacro %}

{% macro default__json_elements(list) -%}
    unnest({{ list }})
{%- endmacro %}

{% macro postgres__json_elements(list) -%}
    jsonb_array_elements(case when jsonb_typeof({{ list }}) = 'array' then {{ list }} end)
{%- endmacro %}

{% macro json_element_positions(list) %}
    {{- return(adapter.dispatch('json_element_positions', 'perfpipe')(list)) -}}
{% endmacro %}

{% macro default__json_element_positions(list) -%}
    generate_subscripts({{ list }}, 1)
{%- endmacro %}

{% macro postgres__json_element_positions(list) -%}
    generate_series(1, jsonb_array_length(case when jsonb_typeof({{ list }}) = 'array' then {{ list }} end))
{%- endmacro %}


{#- The JSON at a path whose keys are SQL expressions (field ids that differ per site), and its text. #}
{% macro json_at(document, keys) %}
    {{- return(adapter.dispatch('json_at', 'perfpipe')(document, keys)) -}}
{% endmacro %}

{% macro default__json_at(document, keys) -%}
    json_extract({{ document }}, '$' {%- for key in keys %} || '."' || {{ key }} || '"' {%- endfor %})
{%- endmacro %}

{% macro postgres__json_at(document, keys) -%}
    (cast({{ document }} as jsonb) {%- for key in keys %} -> {{ key }} {%- endfor %})
{%- endmacro %}

{% macro json_text_at(document, keys) %}
    {{- return(adapter.dispatch('json_text_at', 'perfpipe')(document, keys)) -}}
{% endmacro %}

{% macro default__json_text_at(document, keys) -%}
    json_extract_string({{ document }}, '$' {%- for key in keys %} || '."' || {{ key }} || '"' {%- endfor %})
{%- endmacro %}

{% macro postgres__json_text_at(document, keys) -%}
    (cast({{ document }} as jsonb) {%- for key in keys[:-1] %} -> {{ key }} {%- endfor %} ->> {{ keys[-1] }})
{%- endmacro %}


{#- One row per string of a JSON value that is a list of strings or one string (a set-returning
    expression of the select list). #}
{% macro json_strings(value) %}
    {{- return(adapter.dispatch('json_strings', 'perfpipe')(value)) -}}
{% endmacro %}

{% macro default__json_strings(value) -%}
    unnest(coalesce(try_cast({{ value }} as varchar[]), [{{ value }} ->> '$']))
{%- endmacro %}

{% macro postgres__json_strings(value) -%}
    jsonb_array_elements_text(
        case when jsonb_typeof({{ value }}) = 'array' then {{ value }} else jsonb_build_array({{ value }}) end
    )
{%- endmacro %}


{# A whole row of the relation aliased `alias` as JSON text (a quarantined record kept as it was read). #}
{% macro row_as_json(alias) %}
    {{- return(adapter.dispatch('row_as_json', 'perfpipe')(alias)) -}}
{% endmacro %}

{% macro default__row_as_json(alias) -%}
    cast(to_json({{ alias }}) as varchar)
{%- endmacro %}

{% macro postgres__row_as_json(alias) -%}
    cast(row_to_json({{ alias }}) as text)
{%- endmacro %}
