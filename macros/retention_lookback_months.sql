{#-
    The lookbacks of rolling retention, in months: 3, 6 and 12, fixed by the rules (section 5)
    and named by the semantic layer's metrics (ndr_3m ...) and the report. Defined once here,
    not as a project variable, because a variable would only look configurable
    (docs/decisions.md).
-#}
{% macro retention_lookback_months() %}
    {{ return([3, 6, 12]) }}
{% endmacro %}
