{#-
    The text value of `key` in a JSON object held as text (Stripe's `metadata` column); null when the
    text is null or has no such key. Engine-specific: DuckDB's json_extract_string, Spark's (and
    the default) get_json_object.
-#}
{% macro json_text_value(column, key) -%}
    {{ return(adapter.dispatch('json_text_value', 'revops')(column, key)) }}
{%- endmacro %}

{% macro duckdb__json_text_value(column, key) -%}
    json_extract_string({{ column }}, '$."{{ key }}"')
{%- endmacro %}

{% macro default__json_text_value(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}
