with

accounts_commissionable as (
    select * from {{ ref('int_quota_attainment_commissionable_quarterly') }}
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
        cast(count_invoiced_months as integer) as count_invoiced_months,
        attainment_empty_reason,
        ownership_basis,
        book_stint_start_date,
        cast(contract_run_rate_usd as decimal(18, 2)) as contract_run_rate_usd,
        cast(usage_beyond_run_rate_usd as decimal(18, 2)) as usage_beyond_run_rate_usd,
        cast(previous_quarter_own_run_rate_usd as decimal(18, 2)) as previous_quarter_own_run_rate_usd,
        cast(previous_invoiced_usage_usd as decimal(18, 2)) as previous_invoiced_usage_usd,
        cast(previous_usage_beyond_run_rate_usd as decimal(18, 2)) as previous_usage_beyond_run_rate_usd,
        cast(previous_quota_invoice_amount_usd as decimal(18, 2)) as previous_quota_invoice_amount_usd,
        cast(previous_quota_arr_as_reported_usd as decimal(18, 2)) as previous_quota_arr_as_reported_usd,
        is_new_customer_previous_quarter,
        is_churned_previous_quarter,
        has_paid_enough_invoices,
        is_paid_by_cutoff,
        payment_cutoff_date,
        invoices_settled_at,
        cast(held_back_attainment_usd as decimal(18, 2)) as held_back_attainment_usd,
        held_back_paid_in_quarter
    from accounts_commissionable
)

select * from published
