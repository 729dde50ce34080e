-- Section 3, per product: one row per customer, product and month with its unadjusted
-- and its adjusted per-product MRR, the value after the last product-level step of
-- macros/revenue_adjustment_steps.sql (int_product_mrr_adjusted_for_trials,
-- _for_one_time_credits, _for_spikes, _for_annual_plans say how each step treats a
-- product; each reads the one before). A step holds only the product-months it or a step
-- before it applies to (macros/product_months_in_step.sql), so the last step holds every
-- product-month a step changed, and any other keeps the spine's mrr_usd.

{%- set last_step_model = (revenue_adjustment_steps() | selectattr('product_model') | list)[-1].product_model %}

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

after_last_step as (
    select * from {{ ref(last_step_model) }}
),

adjusted as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.usage_units,
        product_months.mrr_usd,
        coalesce(after_last_step.mrr_after_usd, product_months.mrr_usd) as adjusted_mrr_usd
    from product_months
    left join after_last_step
        on
            product_months.organization_id = after_last_step.organization_id
            and product_months.product_key = after_last_step.product_key
            and product_months.month = after_last_step.month
)

select * from adjusted
