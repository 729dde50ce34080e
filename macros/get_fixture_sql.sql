{#-
    The rows of a unit test's input (dbt's get_fixture_sql, which writes them as one
    `select ... union all select ...` per row). On Spark each of those selects is a
    partition of its own, so a 40-row fixture is scanned by 40 tasks, again at every
    step of a recursive CTE: there the rows are coalesced into one partition first
    (the same rows; a hint other engines would not read).
-#}
{% macro get_fixture_sql(rows, column_name_to_data_types) %}
    {{ return(adapter.dispatch('fixture_sql', 'revops')(rows, column_name_to_data_types)) }}
{% endmacro %}

{% macro default__fixture_sql(rows, column_name_to_data_types) %}
    {{ return(dbt.get_fixture_sql(rows, column_name_to_data_types)) }}
{% endmacro %}

{% macro spark__fixture_sql(rows, column_name_to_data_types) %}
select /*+ COALESCE(1) */ * from (
{{ dbt.get_fixture_sql(rows, column_name_to_data_types) }}
) as fixture_rows
{% endmacro %}
