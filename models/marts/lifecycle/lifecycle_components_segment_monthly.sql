with

lifecycle_stages_segmented as (
    select * from {{ ref('int_customer_lifecycle_stages_segmented') }}
),

aggregated_to_segments as (
    select
        month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        is_provisional,
        is_in_analysis_window,
        {{ lifecycle_components() }}
    from lifecycle_stages_segmented
    group by
        month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        is_provisional,
        is_in_analysis_window
),

with_rates as (
    select
        *,
        {{ lifecycle_rates() }}
    from aggregated_to_segments
),

published as (
    select
        month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        baseline_mrr_usd,
        new_mrr_usd,
        reactivated_mrr_usd,
        retained_mrr_usd,
        expansion_mrr_usd,
        contraction_mrr_usd,
        churned_mrr_usd,
        total_mrr_usd,
        net_change_mrr_usd,
        {{ lifecycle_components_arr() }},
        new_rate_pct,
        reactivated_rate_pct,
        expansion_rate_pct,
        contraction_rate_pct,
        churn_rate_pct,
        new_customers,
        reactivated_customers,
        flat_customers,
        growing_customers,
        shrinking_customers,
        churned_customers,
        active_customers,
        baseline_customers,
        is_provisional,
        is_in_analysis_window
    from with_rates
)

select * from published
