{#-
    The USD value of one unit of `currency` from a rate column of int_fx_rates_monthly
    joined with a left join: 1 for usd whether or not a rate row is there (USD needs no
    rate, and a build without fx_rates leaves USD amounts exactly as billed), the joined
    rate for any other currency. An exact decimal, so amount x rate rounds exactly.
-#}
{% macro usd_per_unit(currency, rate) -%}
    cast(case when {{ currency }} = 'usd' then 1 else {{ rate }} end as decimal(18, 8))
{%- endmacro %}
