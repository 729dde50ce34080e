{#-
    Section 2's per-product MRR of one customer-product-month, from the sums of its
    lines: 0 while a startup plan's credits pay the bill; otherwise the line amounts
    after coupons at their contracts' prices (each account's lines x (1 - the discount
    of the contract whose credits pay that account, 0 on any other account), rounded to
    the cent by the caller), less the refunds issued for the product, never below 0. One
    definition, used for the billed value and for the value left once trial
    organizations' lines are taken out.
-#}
{% macro product_mrr(billing_configuration, amount_at_contract_price_usd, refunded_usd) -%}
    cast(
        case
            when {{ billing_configuration }} = 'startup_plan' then 0
            else greatest(
                cast(0 as decimal(18, 2)),
                cast({{ amount_at_contract_price_usd }} - {{ refunded_usd }} as decimal(18, 2))
            )
        end as decimal(18, 2)
    )
{%- endmacro %}

{#-
    A product's billed value before refunds, at its contracts' prices: what a one-time-credit month
    can give back at most (rule 3.3). 0 while a startup plan's credits pay the bill, as in product_mrr.
    Read by the trial step (with the flagged organizations' lines taken out) and by the one-time-credit
    step for a product-month the trial step does not hold.
-#}
{% macro product_billed_before_refunds(billing_configuration, amount_at_contract_price_usd) -%}
    case
        when {{ billing_configuration }} = 'startup_plan' then cast(0 as decimal(18, 2))
        else {{ amount_at_contract_price_usd }}
    end
{%- endmacro %}
