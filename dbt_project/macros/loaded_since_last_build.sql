{#
  Activity staging models are incremental: a nightly build parses only the raw rows dlt loaded
  since the last build (the connectors merge on keys and stamp every row they touch with
  _loaded_at), and delete+insert on the model's unique key replaces the older version.
  Parsing the JSON payloads is most of the build's cost at scale.
#}
{% macro loaded_since_last_build(loaded_at='_loaded_at') %}
    {%- if is_incremental() %}
    where {{ loaded_at }} > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    {%- endif %}
{% endmacro %}
