-- Activity credited to a person but dated before their hire or after their exit: held back from
-- every metric and listed here with its reason and the record as it was read, for the person who
-- fixes it in the source system or the HRIS (macros/attributed_to_employees.sql holds the rule).
{% for stream in activity_streams() %}
{{ quarantined_activity(stream) }}
{% if not loop.last %}union all{% endif %}
{% endfor %}
