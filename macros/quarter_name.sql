{#-
    The calendar quarter of a date, named like `2025-Q2` (the quarter strings of
    the CRM's quotas and usage_optimizations files), portable through dbt's
    cross-database macros.
-#}
{% macro quarter_name(date_expression) -%}
    {{ dbt.concat([
        dbt.cast('extract(year from ' ~ date_expression ~ ')', dbt.type_string()),
        "'-Q'",
        dbt.cast('extract(quarter from ' ~ date_expression ~ ')', dbt.type_string()),
    ]) }}
{%- endmacro %}
