with

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

published as (
    select
        organization_id,
        month,
        billing_configuration,
        cast(mrr_usd as decimal(18, 2)) as mrr_usd,
        cast(adjusted_mrr_usd as decimal(18, 2)) as adjusted_mrr_usd,
        is_provisional,
        cast(own_mrr_usd as decimal(18, 2)) as own_mrr_usd,
        cast(mrr_after_trials_usd as decimal(18, 2)) as mrr_after_trials_usd,
        cast(mrr_after_one_time_credits_usd as decimal(18, 2)) as mrr_after_one_time_credits_usd,
        cast(mrr_after_spikes_usd as decimal(18, 2)) as mrr_after_spikes_usd,
        is_trial_month,
        is_one_time_credit_month,
        is_spike_month,
        is_discounted_contract_month,
        cast(contract_discount as double) as contract_discount,
        has_undecided_rule,
        {{ mrr_to_arr('mrr_usd') }} as arr_usd,
        {{ mrr_to_arr('adjusted_mrr_usd') }} as adjusted_arr_usd,
        cast(mrr_after_constant_currency_usd as decimal(18, 2)) as mrr_after_constant_currency_usd,
        is_restated_to_constant_currency
    from customer_months_adjusted
)

select * from published
