{#-
    The product-months a product-level adjustment step after the first holds
    (macros/revenue_adjustment_steps.sql): those of the step before it, which hold every
    product-month an earlier step applied to, and every product-month of the customer-months
    this step applies to. Any other product-month has not been changed by a step so far and
    keeps the spine's mrr_usd, so a step table holds a part of the spine (an eighth to a sixth of
    it at 1,000,000 generated customers), not all of it.
    The arguments name CTEs of the calling model: the step before (its keys), the customer-level
    step with its flag, and the spine, `product_months`.
-#}
{% macro product_months_in_step(product_step_before, customer_step, flag) -%}
    select
        organization_id,
        product_key,
        month
    from {{ product_step_before }}
    union
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month
    from product_months
    inner join {{ customer_step }}
        on
            product_months.organization_id = {{ customer_step }}.organization_id
            and product_months.month = {{ customer_step }}.month
    where {{ customer_step }}.{{ flag }}
{%- endmacro %}
