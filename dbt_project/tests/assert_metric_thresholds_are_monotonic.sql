-- Thresholds must run from improvement to exceptional in the metric's direction:
-- exceptional > strong > meets > improvement when higher is better, the reverse when lower.
select role, metric_key, direction, exceptional, strong, meets, improvement
from {{ ref('metric_definitions') }}
where not (
    (direction = 'higher' and exceptional > strong and strong > meets and meets > improvement)
    or (direction = 'lower' and exceptional < strong and strong < meets and meets < improvement)
)
