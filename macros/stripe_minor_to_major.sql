{#-
    A Stripe amount (a whole number of the currency's minor unit) in major units, as decimal(18, 2):
    cents / 100 for most currencies, as is for zero-decimal ones (JPY), / 1000 for three-decimal
    ones (vars stripe_zero_decimal_currencies, stripe_three_decimal_currencies). Multiplied by a
    decimal factor, never divided: an integer divided by 100 is a double on DuckDB, and money stays
    out of doubles.
-#}
{% macro stripe_minor_to_major(amount, currency) -%}
    cast(
        cast({{ amount }} as decimal(18, 0))
        * case
            when lower({{ currency }}) in ('{{ var("stripe_zero_decimal_currencies") | join("', '") }}') then 1
            when lower({{ currency }}) in ('{{ var("stripe_three_decimal_currencies") | join("', '") }}') then 0.001
            else 0.01
        end
        as decimal(18, 2)
    )
{%- endmacro %}
