with

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

published as (
    select
        organization_id,
        month,
        billing_configuration,
        mrr_usd,
        adjusted_mrr_usd,
        is_provisional,
        own_mrr_usd,
        mrr_after_trials_usd,
        mrr_after_one_time_credits_usd,
        mrr_after_spikes_usd,
        is_trial_month,
        is_one_time_credit_month,
        is_spike_month,
        is_discounted_contract_month,
        contract_discount,
        has_undecided_rule
    from customer_months_adjusted
)

select * from published
