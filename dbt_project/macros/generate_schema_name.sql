{# Use the configured schema name as is ("staging", not "main_staging"): analysts query
   raw, staging, intermediate, marts and analytics by those names. With the var seed_schema,
   seeds are written there instead (the candidate framework checked before a build). #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if node.resource_type == 'seed' and var('seed_schema', none) -%}
        {{ var('seed_schema') }}
    {%- else -%}
        {{ custom_schema_name if custom_schema_name else target.schema }}
    {%- endif -%}
{%- endmacro %}
