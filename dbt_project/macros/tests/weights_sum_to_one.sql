{# Fails with one row per group whose weights do not add up to 1, showing the sum. #}
{% test weights_sum_to_one(model, weight, group_by) %}
select
    {% for expression in group_by %}{{ expression }} as group_{{ loop.index }}, {% endfor %}
    sum({{ weight }}) as total_weight
from {{ model }}
{% if group_by %}group by {{ group_by | join(', ') }}{% endif %}
having abs(sum({{ weight }}) - 1) > 1e-6
{% endtest %}
