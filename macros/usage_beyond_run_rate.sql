{#-
    TAM quota: the invoiced usage of a month beyond a credit run rate,
    max(0, usage - run rate), exact on decimal money. An empty run rate is 0 (no
    contract in force), so a monthly customer's whole usage counts.
-#}
{% macro usage_beyond_run_rate(invoiced_usage, run_rate) -%}
    case
        when ({{ invoiced_usage }}) > coalesce({{ run_rate }}, 0)
            then ({{ invoiced_usage }}) - coalesce({{ run_rate }}, 0)
        else cast(0 as decimal(18, 2))
    end
{%- endmacro %}
