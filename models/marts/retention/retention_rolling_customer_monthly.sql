with

base_customers_segmented as (
    select * from {{ ref('int_rolling_retention_base_customers_segmented') }}
),

published as (
    select
        organization_id,
        month,
        lookback_months,
        base_month,
        region,
        employee_size_band,
        billing_configuration,
        owner_id,
        account_segment,
        cast(base_mrr_usd as decimal(18, 2)) as base_mrr_usd,
        cast(current_mrr_usd as decimal(18, 2)) as current_mrr_usd,
        cast(capped_mrr_usd as decimal(18, 2)) as capped_mrr_usd,
        {{ mrr_to_arr('base_mrr_usd') }} as base_arr_usd,
        {{ mrr_to_arr('current_mrr_usd') }} as current_arr_usd,
        {{ mrr_to_arr('capped_mrr_usd') }} as capped_arr_usd,
        is_churned,
        is_provisional
    from base_customers_segmented
)

select * from published
