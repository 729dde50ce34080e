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

one_time_credit_months as (
    select
        organization_id,
        month
    from customer_months_adjusted
    where is_one_time_credit_month
),

-- Each product's value of m - 1, looked up for the few one-time credit months only. The product
-- spine is gap-free, so no row for m - 1 means the product starts in m: its m - 1 is 0.
previous_month_values as (
    select
        after_trials.organization_id,
        after_trials.product_key,
        one_time_credit_months.month,
        after_trials.mrr_after_trials_usd as previous_month_mrr_usd
    from one_time_credit_months
    inner join after_trials
        on
            one_time_credit_months.organization_id = after_trials.organization_id
            and cast({{ dbt.dateadd('month', -1, 'one_time_credit_months.month') }} as date) = after_trials.month
),

after_one_time_credits as (
    select
        after_trials.*,
        case
            when after_trials.is_one_time_credit_month
                then coalesce(previous_month_values.previous_month_mrr_usd, cast(0 as decimal(18, 2)))
            else after_trials.mrr_after_trials_usd
        end as mrr_after_one_time_credits_usd
    from after_trials
    left join previous_month_values
        on
            after_trials.organization_id = previous_month_values.organization_id
            and after_trials.product_key = previous_month_values.product_key
            and after_trials.month = previous_month_values.month
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
