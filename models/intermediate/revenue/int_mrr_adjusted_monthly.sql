-- Section 3: one row per customer-month with the value after each adjustment, in
-- the spec's order (consolidation, trials, one-time credits, spikes, annual plan),
-- the flags that say which rule moved it, and the inputs each rule looked at.
-- mrr_monthly publishes it; revenue_adjustments unpivots it into one row per change.

with

customer_months as (
    select * from {{ ref('int_customer_months_spined') }}
),

configurations as (
    select * from {{ ref('int_billing_configurations_monthly') }}
),

after_trials as (
    select * from {{ ref('int_mrr_adjusted_for_trials') }}
),

after_one_time_credits as (
    select * from {{ ref('int_mrr_adjusted_for_one_time_credits') }}
),

after_spikes as (
    select * from {{ ref('int_mrr_adjusted_for_spikes') }}
),

after_annual_plans as (
    select * from {{ ref('int_mrr_adjusted_for_annual_plans') }}
),

joined as (
    select
        customer_months.organization_id,
        customer_months.month,
        configurations.billing_configuration,
        customer_months.own_mrr_usd,
        customer_months.rolled_up_organization_ids,
        customer_months.mrr_usd,
        after_trials.is_trial_month,
        after_trials.trial_organization_ids,
        after_trials.trial_mrr_usd,
        after_trials.mrr_after_usd as mrr_after_trials_usd,
        after_one_time_credits.is_one_time_credit_month,
        after_one_time_credits.qualifying_credit_usd,
        after_one_time_credits.mrr_after_usd as mrr_after_one_time_credits_usd,
        after_spikes.is_spike_month,
        after_spikes.prior_month_mrr_usd as spike_prior_month_mrr_usd,
        after_spikes.second_prior_month_mrr_usd as spike_second_prior_month_mrr_usd,
        after_spikes.next_month_mrr_usd as spike_next_month_mrr_usd,
        after_spikes.prior_two_month_average_usd as spike_prior_average_usd,
        after_spikes.mrr_after_usd as mrr_after_spikes_usd,
        after_annual_plans.is_discounted_contract_month,
        after_annual_plans.contract_id,
        after_annual_plans.contract_discount,
        after_annual_plans.mrr_after_usd as adjusted_mrr_usd,
        customer_months.is_newest_month as is_provisional,
        after_one_time_credits.is_undecided or after_spikes.is_undecided as has_undecided_rule,
        after_one_time_credits.prior_month_mrr_usd as credit_prior_month_mrr_usd,
        after_one_time_credits.second_prior_month_mrr_usd as credit_second_prior_month_mrr_usd,
        after_one_time_credits.next_month_mrr_usd as credit_next_month_mrr_usd
    from customer_months
    inner join configurations
        on
            customer_months.organization_id = configurations.organization_id
            and customer_months.month = configurations.month
    inner join after_trials
        on
            customer_months.organization_id = after_trials.organization_id
            and customer_months.month = after_trials.month
    inner join after_one_time_credits
        on
            customer_months.organization_id = after_one_time_credits.organization_id
            and customer_months.month = after_one_time_credits.month
    inner join after_spikes
        on
            customer_months.organization_id = after_spikes.organization_id
            and customer_months.month = after_spikes.month
    inner join after_annual_plans
        on
            customer_months.organization_id = after_annual_plans.organization_id
            and customer_months.month = after_annual_plans.month
)

select * from joined
