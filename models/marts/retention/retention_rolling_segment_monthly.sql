with

base_customers_segmented as (
    select * from {{ ref('int_rolling_retention_base_customers_segmented') }}
),

aggregated_to_segments as (
    select
        month,
        lookback_months,
        base_month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        is_provisional,
        count(*) as base_customers,
        count(case when is_churned then 1 end) as churned_base_customers,
        cast(sum(base_mrr_usd) as decimal(18, 2)) as base_mrr_usd,
        cast(sum(current_mrr_usd) as decimal(18, 2)) as current_mrr_usd,
        cast(sum(capped_mrr_usd) as decimal(18, 2)) as capped_mrr_usd,
        cast(min(base_mrr_usd) as decimal(18, 2)) as smallest_base_mrr_usd
    from base_customers_segmented
    group by
        month,
        lookback_months,
        base_month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        is_provisional
),

published as (
    select
        month,
        lookback_months,
        base_month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        base_customers,
        churned_base_customers,
        base_mrr_usd,
        current_mrr_usd,
        capped_mrr_usd,
        {{ mrr_to_arr('base_mrr_usd') }} as base_arr_usd,
        {{ mrr_to_arr('current_mrr_usd') }} as current_arr_usd,
        {{ mrr_to_arr('capped_mrr_usd') }} as capped_arr_usd,
        smallest_base_mrr_usd,
        cast(current_mrr_usd as double) / nullif(cast(base_mrr_usd as double), 0) as ndr,
        cast(capped_mrr_usd as double) / nullif(cast(base_mrr_usd as double), 0) as gdr,
        is_provisional
    from aggregated_to_segments
)

select * from published
