with

rolling_retention as (
    select * from {{ ref('int_rolling_retention_aggregated_to_months') }}
),

published as (
    select
        month,
        lookback_months,
        base_month,
        base_customers,
        churned_base_customers,
        base_mrr_usd,
        current_mrr_usd,
        capped_mrr_usd,
        smallest_base_mrr_usd,
        ndr,
        gdr,
        is_provisional,
        {{ mrr_to_arr('base_mrr_usd') }} as base_arr_usd,
        {{ mrr_to_arr('current_mrr_usd') }} as current_arr_usd,
        {{ mrr_to_arr('capped_mrr_usd') }} as capped_arr_usd
    from rolling_retention
)

select * from published
