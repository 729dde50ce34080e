{#-
    The number of whole calendar months from the month of `start_date` to the
    month of `end_date` (both truncated to months), portable through dbt's
    cross-database macros.
-#}
{% macro months_between(start_date, end_date) -%}
    {{ dbt.datediff(dbt.date_trunc('month', start_date), dbt.date_trunc('month', end_date), 'month') }}
{%- endmacro %}
