{#- Every row (optionally those matching `where`) satisfies `expression`; failing rows are returned. -#}
{% test expression_is_true(model, expression, column_name=none) %}

with

failing as (
    select * from {{ model }}
    where not coalesce(({{ expression }}), false)
)

select * from failing

{% endtest %}
