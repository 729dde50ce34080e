{#-
    dbt-spark's listagg drops the order by (a warning, and rows in any order);
    Spark 4 has the standard listagg ... within group (order by ...). Found
    before dbt-spark's through the project's dispatch order (dbt_project.yml).
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error('listagg with limit_num has no Spark version in this project.') }}
    {%- endif -%}
    listagg({{ measure }}, {{ delimiter_text }})
    {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
