{#- The grain test: no two rows share the same values of `combination_of_columns`. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as count_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
),

duplicated as (
    select * from grouped
    where count_rows > 1
)

select * from duplicated

{% endtest %}
