{#-
    The first on-run-start hook: engine settings a run needs that a profile cannot
    give. dbt-spark forces spark.sql.ansi.enabled=false in the session it creates;
    ANSI mode makes Spark raise on a decimal overflow or an invalid cast, as DuckDB
    does, instead of returning null (the whole project builds and tests under it).
-#}
{% macro set_session_options() %}
    {{ return(adapter.dispatch('set_session_options', 'revops')()) }}
{% endmacro %}

{% macro default__set_session_options() %}
{% endmacro %}

{% macro spark__set_session_options() %}
    set spark.sql.ansi.enabled = true
{% endmacro %}
