{#- The audit text of one currency's restatement in a month: "eur 1000.00 at 1.085 restated at 1.2". -#}
{% macro currency_restatement(amount_in_currency) -%}
    {%- set string_type = dbt.type_string() -%}
    {{ null_safe_concat([
        'currency',
        "' '",
        'cast(cast(' ~ amount_in_currency ~ ' as decimal(18, 2)) as ' ~ string_type ~ ')',
        "' at '",
        'cast(usd_per_unit as ' ~ string_type ~ ')',
        "' restated at '",
        'cast(reporting_usd_per_unit as ' ~ string_type ~ ')',
    ]) }}
{%- endmacro %}
