-- Section 3, per product: the customer's per-product values follow its total.
--   trial month              every product 0
--   one-time credit month    every product takes its value of m - 1 (after trials): credits
--                            are not deducted per product, so "the same factor" as the total
--                            would inflate them; the rule's own reading, "set m to m - 1",
--                            is applied per product instead (docs/decisions.md)
--   spike month              every product x (total after / total before)
--   discounted contract      every product / (1 - discount)
-- Each step rounds to the cent, half away from zero (exactly: macros/divide_to_cents).

with

product_months as (
    select * from {{ ref('int_customer_product_months_spined') }}
),

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

after_trials as (
    select
        product_months.organization_id,
        product_months.product_key,
        product_months.month,
        product_months.usage_units,
        product_months.mrr_usd,
        customer_months_adjusted.is_trial_month,
        customer_months_adjusted.is_one_time_credit_month,
        customer_months_adjusted.is_spike_month,
        customer_months_adjusted.mrr_after_one_time_credits_usd as total_before_spike_usd,
        customer_months_adjusted.mrr_after_spikes_usd as total_after_spike_usd,
        customer_months_adjusted.contract_discount,
        case
            when customer_months_adjusted.is_trial_month then cast(0 as decimal(18, 2))
            else product_months.mrr_usd
        end as mrr_after_trials_usd
    from product_months
    inner join customer_months_adjusted
        on
            product_months.organization_id = customer_months_adjusted.organization_id
            and product_months.month = customer_months_adjusted.month
),

after_one_time_credits as (
    select
        *,
        case
            when is_one_time_credit_month
                then coalesce(
                    lag(mrr_after_trials_usd, 1) over (partition by organization_id, product_key order by month),
                    cast(0 as decimal(18, 2))
                )
            else mrr_after_trials_usd
        end as mrr_after_one_time_credits_usd
    from after_trials
),

after_spikes as (
    select
        *,
        case
            when is_spike_month
                then {{ divide_to_cents(
                    'mrr_after_one_time_credits_usd * total_after_spike_usd', 'total_before_spike_usd'
                ) }}
            else mrr_after_one_time_credits_usd
        end as mrr_after_spikes_usd
    from after_one_time_credits
),

after_annual_plans as (
    select
        organization_id,
        product_key,
        month,
        usage_units,
        mrr_usd,
        mrr_after_trials_usd,
        mrr_after_one_time_credits_usd,
        mrr_after_spikes_usd,
        case
            when contract_discount > 0
                then {{ divide_to_cents('mrr_after_spikes_usd', '1 - contract_discount') }}
            else mrr_after_spikes_usd
        end as adjusted_mrr_usd
    from after_spikes
)

select * from after_annual_plans
