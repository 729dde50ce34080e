{#-
    Section 2's per-product MRR of one customer-product-month, from the sums of its
    lines: 0 while a startup plan's credits pay the bill; otherwise the line amounts
    after coupons x (1 - the contract's discount, 0 without a contract), rounded to
    the cent, less the refunds issued for the product, never below 0. One definition,
    used for the billed value and for the value left once trial organizations' lines
    are taken out.
-#}
{% macro product_mrr(billing_configuration, amount_after_coupons_usd, contract_discount, refunded_usd) -%}
    cast(
        case
            when {{ billing_configuration }} = 'startup_plan' then 0
            else greatest(
                cast(0 as decimal(18, 2)),
                cast(
                    cast({{ amount_after_coupons_usd }} * (1 - {{ contract_discount }}) as decimal(18, 2))
                    - {{ refunded_usd }} as decimal(18, 2)
                )
            )
        end as decimal(18, 2)
    )
{%- endmacro %}
