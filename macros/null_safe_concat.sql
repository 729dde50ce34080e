{#-
    Concatenates text parts, a null part counting as empty text: DuckDB's concat skips
    nulls, Spark's returns null, so every part that is not a string literal is coalesced.
-#}
{% macro null_safe_concat(parts) -%}
    concat(
        {%- for part in parts -%}
            {%- if part.startswith("'") %}{{ part }}{% else %}coalesce({{ part }}, ''){% endif %}
            {%- if not loop.last %}, {% endif %}
        {%- endfor -%}
    )
{%- endmacro %}
