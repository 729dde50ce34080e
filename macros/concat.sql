{#-
    dbt.concat, as this project means it on every engine: the pieces joined, a null
    piece skipped (rule_inputs texts list what is known; one missing value must not
    blank the whole text). dbt's own default renders `a || b`, which is null when a
    piece is null, and Spark's concat is too; DuckDB's concat and Spark's concat_ws
    with an empty separator skip nulls. Found before dbt's through the dispatch
    order in dbt_project.yml.
-#}
{% macro default__concat(fields) -%}
    concat({{ fields | join(', ') }})
{%- endmacro %}

{% macro spark__concat(fields) -%}
    concat_ws('', {{ fields | join(', ') }})
{%- endmacro %}
