{%- set string_type = dbt.type_string() -%}

with

customer_months_adjusted as (
    select * from {{ ref('int_mrr_adjusted_monthly') }}
),

product_months_adjusted as (
    select * from {{ ref('int_product_mrr_adjusted_monthly') }}
),

customer_changes as (
    select
        organization_id,
        month,
        cast(null as {{ string_type }}) as product_key,
        'consolidation' as adjustment_type,
        1 as adjustment_order,
        own_mrr_usd as mrr_before_usd,
        mrr_usd as mrr_after_usd,
        {{ dbt.concat(["'rolled up: '", 'rolled_up_organization_ids']) }} as rule_inputs
    from customer_months_adjusted
    where mrr_usd <> own_mrr_usd

    union all

    select
        organization_id,
        month,
        cast(null as {{ string_type }}) as product_key,
        'trial' as adjustment_type,
        2 as adjustment_order,
        mrr_usd as mrr_before_usd,
        mrr_after_trials_usd as mrr_after_usd,
        {{ dbt.concat([
            "'trial organizations '", 'trial_organization_ids',
            "' (flagged in the CRM); their own revenue removed '", 'cast(trial_mrr_usd as ' ~ string_type ~ ')',
        ]) }} as rule_inputs
    from customer_months_adjusted
    where is_trial_month and mrr_after_trials_usd <> mrr_usd

    union all

    select
        organization_id,
        month,
        cast(null as {{ string_type }}) as product_key,
        'one_time_credit' as adjustment_type,
        3 as adjustment_order,
        mrr_after_trials_usd as mrr_before_usd,
        mrr_after_one_time_credits_usd as mrr_after_usd,
        {{ dbt.concat([
            "'qualifying credits and refunds '", 'cast(qualifying_credit_usd as ' ~ string_type ~ ')',
            "'; prior month '", 'cast(credit_prior_month_mrr_usd as ' ~ string_type ~ ')',
            "'; month before '",
            'coalesce(cast(credit_second_prior_month_mrr_usd as ' ~ string_type ~ "), 'none (before the first month)')",
            "'; next month '", 'cast(credit_next_month_mrr_usd as ' ~ string_type ~ ')',
        ]) }} as rule_inputs
    from customer_months_adjusted
    where is_one_time_credit_month and mrr_after_one_time_credits_usd <> mrr_after_trials_usd

    union all

    select
        organization_id,
        month,
        cast(null as {{ string_type }}) as product_key,
        'spike' as adjustment_type,
        4 as adjustment_order,
        mrr_after_one_time_credits_usd as mrr_before_usd,
        mrr_after_spikes_usd as mrr_after_usd,
        {{ dbt.concat([
            "'prior month '", 'cast(spike_prior_month_mrr_usd as ' ~ string_type ~ ')',
            "'; month before '",
            'coalesce(cast(spike_second_prior_month_mrr_usd as ' ~ string_type ~ "), 'none (before the first month)')",
            "'; average '", 'cast(spike_prior_average_usd as ' ~ string_type ~ ')',
            "'; next month '", 'cast(spike_next_month_mrr_usd as ' ~ string_type ~ ')',
        ]) }} as rule_inputs
    from customer_months_adjusted
    where is_spike_month and mrr_after_spikes_usd <> mrr_after_one_time_credits_usd

    union all

    select
        organization_id,
        month,
        cast(null as {{ string_type }}) as product_key,
        'annual_plan' as adjustment_type,
        5 as adjustment_order,
        mrr_after_spikes_usd as mrr_before_usd,
        adjusted_mrr_usd as mrr_after_usd,
        {{ dbt.concat([
            "'contract '", 'contract_id', "'; discount '", 'cast(contract_discount as ' ~ string_type ~ ')',
        ]) }} as rule_inputs
    from customer_months_adjusted
    where is_discounted_contract_month and adjusted_mrr_usd <> mrr_after_spikes_usd
),

product_steps as (
    select
        organization_id,
        month,
        product_key,
        'trial' as adjustment_type,
        2 as adjustment_order,
        mrr_usd as mrr_before_usd,
        mrr_after_trials_usd as mrr_after_usd,
        'the trial organizations'' own lines of the product removed' as rule_inputs
    from product_months_adjusted

    union all

    select
        organization_id,
        month,
        product_key,
        'one_time_credit' as adjustment_type,
        3 as adjustment_order,
        mrr_after_trials_usd as mrr_before_usd,
        mrr_after_one_time_credits_usd as mrr_after_usd,
        'one-time-credit month: the product''s qualifying refunds added back' as rule_inputs
    from product_months_adjusted

    union all

    select
        organization_id,
        month,
        product_key,
        'spike' as adjustment_type,
        4 as adjustment_order,
        mrr_after_one_time_credits_usd as mrr_before_usd,
        mrr_after_spikes_usd as mrr_after_usd,
        'spike month: scaled by the customer total''s factor' as rule_inputs
    from product_months_adjusted

    union all

    select
        organization_id,
        month,
        product_key,
        'annual_plan' as adjustment_type,
        5 as adjustment_order,
        mrr_after_spikes_usd as mrr_before_usd,
        adjusted_mrr_usd as mrr_after_usd,
        'discounted contract: valued at list price' as rule_inputs
    from product_months_adjusted
),

product_changes as (
    select
        organization_id,
        month,
        product_key,
        adjustment_type,
        adjustment_order,
        mrr_before_usd,
        mrr_after_usd,
        rule_inputs
    from product_steps
    where mrr_before_usd <> mrr_after_usd
),

all_changes as (
    select * from customer_changes
    union all
    select * from product_changes
),

published as (
    select
        organization_id,
        month,
        cast(product_key as {{ string_type }}) as product_key,
        adjustment_type,
        cast(adjustment_order as integer) as adjustment_order,
        cast(mrr_before_usd as decimal(18, 2)) as mrr_before_usd,
        cast(mrr_after_usd as decimal(18, 2)) as mrr_after_usd,
        cast(mrr_after_usd - mrr_before_usd as decimal(18, 2)) as mrr_change_usd,
        rule_inputs
    from all_changes
)

select * from published
