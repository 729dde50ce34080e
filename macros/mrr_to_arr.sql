{#-
    ARR is 12 × MRR: a money expression annualised, exact on decimal(18, 2) (a multiplication by a
    whole number never rounds).
-#}
{% macro mrr_to_arr(mrr_usd) -%}
    cast(({{ mrr_usd }}) * 12 as decimal(18, 2))
{%- endmacro %}
