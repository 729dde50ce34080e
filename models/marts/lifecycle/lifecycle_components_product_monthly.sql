with

product_lifecycle_components as (
    select * from {{ ref('int_product_lifecycle_components_aggregated_to_months') }}
),

published as (
    select
        product_key,
        month,
        baseline_mrr_usd,
        new_mrr_usd,
        cross_sell_mrr_usd,
        reactivated_mrr_usd,
        retained_mrr_usd,
        expansion_mrr_usd,
        contraction_mrr_usd,
        churned_mrr_usd,
        total_mrr_usd,
        net_change_mrr_usd,
        new_rate_pct,
        reactivated_rate_pct,
        expansion_rate_pct,
        contraction_rate_pct,
        churn_rate_pct,
        new_customers,
        cross_sell_customers,
        reactivated_customers,
        flat_customers,
        growing_customers,
        shrinking_customers,
        churned_customers,
        active_customers,
        baseline_customers,
        is_provisional,
        is_in_analysis_window,
        {{ lifecycle_components_arr() }}
    from product_lifecycle_components
)

select * from published
