{# Use the configured schema name as is ("staging", not "main_staging"): analysts query
   raw, staging, intermediate, marts and analytics by those names. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}
