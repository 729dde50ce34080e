-- Section 3, adjustment 3 per product (int_mrr_adjusted_for_one_time_credits is the
-- customer's): in a one-time-credit month products keep their billed values (credits
-- are not per product), except that a qualifying refund issued against a product is
-- added back to that product; so a product billed for the first time that month keeps
-- its NEW and cross-sell month. Only what the refunds took off the product comes back:
-- the value is the product's billed value less its other (non-qualifying) refunds,
-- never below 0, so a refund that also paid back tax cannot lift the product above
-- what it billed.

with

product_after_trials as (
    select * from {{ ref('int_product_mrr_adjusted_for_trials') }}
),

customer_after_one_time_credits as (
    select * from {{ ref('int_mrr_adjusted_for_one_time_credits') }}
),

adjusted as (
    select
        product_after_trials.organization_id,
        product_after_trials.product_key,
        product_after_trials.month,
        product_after_trials.mrr_after_usd as mrr_before_usd,
        customer_after_one_time_credits.is_one_time_credit_month,
        cast(
            case
                when
                    customer_after_one_time_credits.is_one_time_credit_month
                    and product_after_trials.qualifying_refunded_usd > 0
                    and product_after_trials.billed_before_refunds_usd
                    - (product_after_trials.refunded_usd - product_after_trials.qualifying_refunded_usd) > 0
                    then
                        product_after_trials.billed_before_refunds_usd
                        - (product_after_trials.refunded_usd - product_after_trials.qualifying_refunded_usd)
                when
                    customer_after_one_time_credits.is_one_time_credit_month
                    and product_after_trials.qualifying_refunded_usd > 0
                    then 0
                else product_after_trials.mrr_after_usd
            end as decimal(18, 2)
        ) as mrr_after_usd,
        case
            when customer_after_one_time_credits.is_one_time_credit_month
                then 'one-time-credit month: the product''s qualifying refunds added back'
        end as rule_inputs
    from product_after_trials
    inner join customer_after_one_time_credits
        on
            product_after_trials.organization_id = customer_after_one_time_credits.organization_id
            and product_after_trials.month = customer_after_one_time_credits.month
)

select * from adjusted
