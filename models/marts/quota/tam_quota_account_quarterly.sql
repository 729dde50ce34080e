with

accounts_counted as (
    select * from {{ ref('int_quota_attainment_counted_quarterly') }}
),

published as (
    select
        owner_id,
        organization_id,
        quarter,
        quarter_start_month,
        is_quarter_in_progress,
        is_first_reported_quarter,
        cast(quota_arr_usd as decimal(18, 2)) as quota_arr_usd,
        cast(previous_quota_arr_usd as decimal(18, 2)) as previous_quota_arr_usd,
        cast(attainment_usd as decimal(18, 2)) as attainment_usd,
        cast(counted_attainment_usd as decimal(18, 2)) as counted_attainment_usd,
        cast(commissionable_attainment_usd as decimal(18, 2)) as commissionable_attainment_usd,
        is_new_customer,
        is_churned,
        has_annual_contract,
        in_grace_period,
        optimization_excluded,
        is_commissionable,
        is_cancelled,
        churn_date,
        assigned_date,
        previous_owner_id,
        cast(invoiced_usage_usd as decimal(18, 2)) as invoiced_usage_usd,
        cast(quota_invoice_amount_usd as decimal(18, 2)) as quota_invoice_amount_usd,
        cast(count_invoiced_months as integer) as count_invoiced_months
    from accounts_counted
)

select * from published
