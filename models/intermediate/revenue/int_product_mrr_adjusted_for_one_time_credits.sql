-- Section 3, adjustment 3 per product (int_mrr_adjusted_for_one_time_credits is the
-- customer's): in a one-time-credit month products keep their billed values (credits
-- are not per product), except that a qualifying refund issued against a product is
-- added back to that product; so a product billed for the first time that month keeps
-- its NEW and cross-sell month. Only what the refunds took off the product comes back:
-- the value is the product's billed value less its other (non-qualifying) refunds,
-- never below 0, so a refund that also paid back tax cannot lift the product above
-- what it billed. It holds the product-months of the step before and those of one-time-credit
-- months (macros/product_months_in_step.sql); a product-month the trial step does not hold
-- takes the spine's values, which the trial step would have kept (no lines removed).

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

product_after_trials as (
    select * from {{ ref('int_product_mrr_adjusted_for_trials') }}
),

customer_after_one_time_credits as (
    select * from {{ ref('int_mrr_adjusted_for_one_time_credits') }}
),

product_months_in_step as (
    {{ product_months_in_step('product_after_trials', 'customer_after_one_time_credits', 'is_one_time_credit_month') }}
),

product_months_before as (
    select
        product_months_in_step.organization_id,
        product_months_in_step.product_key,
        product_months_in_step.month,
        coalesce(product_after_trials.mrr_after_usd, product_months.mrr_usd) as mrr_before_usd,
        coalesce(product_after_trials.qualifying_refunded_usd, product_months.constant_qualifying_refunded_usd)
            as qualifying_refunded_usd,
        coalesce(product_after_trials.refunded_usd, product_months.constant_refunded_usd) as refunded_usd,
        coalesce(
            product_after_trials.billed_before_refunds_usd,
            {{ product_billed_before_refunds(
                'product_months.billing_configuration', 'product_months.constant_amount_at_contract_price_usd'
            ) }}
        ) as billed_before_refunds_usd
    from product_months_in_step
    inner join product_months
        on
            product_months_in_step.organization_id = product_months.organization_id
            and product_months_in_step.product_key = product_months.product_key
            and product_months_in_step.month = product_months.month
    left join product_after_trials
        on
            product_months_in_step.organization_id = product_after_trials.organization_id
            and product_months_in_step.product_key = product_after_trials.product_key
            and product_months_in_step.month = product_after_trials.month
),

adjusted as (
    select
        product_months_before.organization_id,
        product_months_before.product_key,
        product_months_before.month,
        product_months_before.mrr_before_usd,
        customer_after_one_time_credits.is_one_time_credit_month,
        cast(
            case
                when
                    customer_after_one_time_credits.is_one_time_credit_month
                    and product_months_before.qualifying_refunded_usd > 0
                    and product_months_before.billed_before_refunds_usd
                    - (product_months_before.refunded_usd - product_months_before.qualifying_refunded_usd) > 0
                    then
                        product_months_before.billed_before_refunds_usd
                        - (product_months_before.refunded_usd - product_months_before.qualifying_refunded_usd)
                when
                    customer_after_one_time_credits.is_one_time_credit_month
                    and product_months_before.qualifying_refunded_usd > 0
                    then 0
                else product_months_before.mrr_before_usd
            end as decimal(18, 2)
        ) as mrr_after_usd,
        case
            when customer_after_one_time_credits.is_one_time_credit_month
                then 'one-time-credit month: the product''s qualifying refunds added back'
        end as rule_inputs
    from product_months_before
    inner join customer_after_one_time_credits
        on
            product_months_before.organization_id = customer_after_one_time_credits.organization_id
            and product_months_before.month = customer_after_one_time_credits.month
)

select * from adjusted
