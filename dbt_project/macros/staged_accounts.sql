{#
  The staging model of a source's user accounts, one row per account: its key, full name and
  email (trimmed, lower-case) plus any extra text or yes/no fields, the latest load winning.
  Every account model has this shape; identity resolution reads them all alike.
  `text_fields` and `flag_fields` map a payload field to its column name.
#}
{% macro staged_accounts(table, key, name_field, email_field, key_alias=none, key_expression=none,
                         text_fields={}, flag_fields={}) %}
{%- set alias = key_alias or key -%}
{%- set schema = {name_field: 'VARCHAR', email_field: 'VARCHAR'} -%}
{%- for field in text_fields %}{% do schema.update({field: 'VARCHAR'}) %}{% endfor -%}
{%- for field in flag_fields %}{% do schema.update({field: 'BOOLEAN'}) %}{% endfor -%}
with source as (

    -- One parse per row; a value that does not fit its declared type becomes null (like try_cast).
    select
        {{ json_record('payload', schema) }} as record,
        {{ key }},
        _loaded_at
    from {{ raw_or_empty(table) }}

),

renamed as (

    select
        {{ key_expression or key }} as {{ alias }},
        nullif(trim({{ json_field(schema, name_field) }}), '') as full_name,
        nullif(lower(trim({{ json_field(schema, email_field) }})), '') as email,
        {%- for field, column in text_fields.items() %}
        nullif(trim({{ json_field(schema, field) }}), '') as {{ column }},
        {%- endfor %}
        {%- for field, column in flag_fields.items() %}
        {{ json_field(schema, field) }} as {{ column }},
        {%- endfor %}
        _loaded_at as loaded_at
    from source

),

deduplicated as (

    {{ first_row_per('renamed', alias, 'loaded_at desc') }}

)

select * from deduplicated
{% endmacro %}
