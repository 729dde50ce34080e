-- Section 3, per product: one row per customer, product and month with its unadjusted
-- and its adjusted per-product MRR, the value after the last product-level step of
-- macros/revenue_adjustment_steps.sql (int_product_mrr_adjusted_for_trials,
-- _for_one_time_credits, _for_spikes, _for_annual_plans say how each step treats a
-- product; each reads the one before). The values between the steps are in the step
-- models. The last step carries the spine's usage_units and unadjusted mrr_usd (it joins
-- the spine for its own rule), so this is a view of it: a step added after it carries
-- them on.

{%- set last_step_model = (revenue_adjustment_steps() | selectattr('product_model') | list)[-1].product_model %}

with

after_last_step as (
    select * from {{ ref(last_step_model) }}
),

renamed as (
    select
        organization_id,
        product_key,
        month,
        usage_units,
        mrr_usd,
        mrr_after_usd as adjusted_mrr_usd
    from after_last_step
)

select * from renamed
