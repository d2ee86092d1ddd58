{#
  The 0-100 score of a metric value: piecewise linear through (improvement, 30), (meets, 60),
  (strong, 80), (exceptional, 100); below improvement the improvement-meets slope continues
  down to 0; clamped to [0, 100]. For lower-is-better metrics values and thresholds are
  negated, so the same ladder reads in the metric's direction. Null value, null score.
#}
{% macro metric_score(value, direction, exceptional, strong, meets, improvement) %}
{%- set sign = "(case when " ~ direction ~ " = 'lower' then -1 else 1 end)" -%}
{%- set v = "(" ~ sign ~ " * " ~ value ~ ")" -%}
{%- set e = "(" ~ sign ~ " * " ~ exceptional ~ ")" -%}
{%- set s = "(" ~ sign ~ " * " ~ strong ~ ")" -%}
{%- set m = "(" ~ sign ~ " * " ~ meets ~ ")" -%}
{%- set i = "(" ~ sign ~ " * " ~ improvement ~ ")" -%}
case
    when {{ value }} is null then null
    when {{ v }} >= {{ e }} then 100.0
    when {{ v }} >= {{ s }} then 80 + 20 * ({{ v }} - {{ s }}) / ({{ e }} - {{ s }})
    when {{ v }} >= {{ m }} then 60 + 20 * ({{ v }} - {{ m }}) / ({{ s }} - {{ m }})
    when {{ v }} >= {{ i }} then 30 + 30 * ({{ v }} - {{ i }}) / ({{ m }} - {{ i }})
    else greatest(0.0, 30 - 30 * ({{ i }} - {{ v }}) / ({{ m }} - {{ i }}))
end
{% endmacro %}
