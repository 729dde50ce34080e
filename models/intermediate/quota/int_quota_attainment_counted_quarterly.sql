-- TAM quota, what each book account counts for its owner: one row per account and quarter
-- of int_tam_books_quarterly (its one owner), with the account's quota ARR and like-for-like
-- attainment (0 for an account not invoiced yet; empty in the first reported quarter) and
-- the exceptions:
--   grace          assigned with no previous owner and churned within var
--                  quota_grace_period_months months of the owner's first assignment to
--                  the account in any segment (a churn date from the first day of the
--                  assignment month to the assignment date + the grace period)
--                                                             -> max(0, attainment)
--   optimization   an approved usage_optimizations row for the account and quarter
--                                                             -> max(0, attainment)
-- What counts for commission is the next step (int_quota_attainment_commissionable_quarterly).

with

books as (
    select * from {{ ref('int_tam_books_quarterly') }}
),

quota_arr as (
    select * from {{ ref('int_quota_arr_quarterly') }}
),

quarters as (
    select * from {{ ref('int_quota_quarters') }}
),

usage_optimizations as (
    select * from {{ ref('stg_crm__usage_optimizations') }}
),

organizations_consolidated as (
    select * from {{ ref('int_organizations_consolidated') }}
),

approved_optimizations as (
    select distinct
        organizations_consolidated.consolidated_organization_id as organization_id,
        usage_optimizations.quarter
    from usage_optimizations
    inner join organizations_consolidated
        on usage_optimizations.organization_id = organizations_consolidated.organization_id
    where usage_optimizations.is_approved
),

joined as (
    select
        books.owner_id,
        books.organization_id,
        books.quarter,
        books.quarter_start_month,
        quarters.is_quarter_in_progress,
        quarters.is_first_reported_quarter,
        quarters.attainment_empty_reason,
        quarters.payment_cutoff_date,
        books.ownership_basis,
        books.book_stint_start_date,
        books.assigned_date,
        books.previous_owner_id,
        books.has_previous_owner,
        coalesce(quota_arr.invoiced_usage_usd, 0) as invoiced_usage_usd,
        coalesce(quota_arr.contract_run_rate_usd, 0) as contract_run_rate_usd,
        coalesce(quota_arr.usage_beyond_run_rate_usd, 0) as usage_beyond_run_rate_usd,
        coalesce(quota_arr.quota_invoice_amount_usd, 0) as quota_invoice_amount_usd,
        coalesce(quota_arr.count_invoiced_months, 0) as count_invoiced_months,
        coalesce(quota_arr.previous_quarter_own_run_rate_usd, 0) as previous_quarter_own_run_rate_usd,
        coalesce(quota_arr.previous_invoiced_usage_usd, 0) as previous_invoiced_usage_usd,
        coalesce(quota_arr.previous_usage_beyond_run_rate_usd, 0) as previous_usage_beyond_run_rate_usd,
        coalesce(quota_arr.previous_quota_invoice_amount_usd, 0) as previous_quota_invoice_amount_usd,
        coalesce(quota_arr.quota_arr_usd, 0) as quota_arr_usd,
        case
            when not quarters.is_first_reported_quarter then coalesce(quota_arr.previous_quota_arr_usd, 0)
        end as previous_quota_arr_usd,
        case
            when not quarters.is_first_reported_quarter then coalesce(quota_arr.previous_quota_arr_as_reported_usd, 0)
        end as previous_quota_arr_as_reported_usd,
        case
            when not quarters.is_first_reported_quarter then coalesce(quota_arr.attainment_usd, 0)
        end as attainment_usd,
        coalesce(quota_arr.is_new_customer, false) as is_new_customer,
        coalesce(quota_arr.is_new_customer_previous_quarter, false) as is_new_customer_previous_quarter,
        coalesce(quota_arr.is_churned, false) as is_churned,
        coalesce(quota_arr.is_churned_previous_quarter, false) as is_churned_previous_quarter,
        coalesce(quota_arr.is_cancelled, false) as is_cancelled,
        quota_arr.churn_date,
        coalesce(quota_arr.has_annual_contract, false) as has_annual_contract,
        approved_optimizations.organization_id is not null as optimization_excluded
    from books
    inner join quarters
        on books.quarter = quarters.quarter
    left join quota_arr
        on
            books.organization_id = quota_arr.organization_id
            and books.quarter = quota_arr.quarter
    left join approved_optimizations
        on
            books.organization_id = approved_optimizations.organization_id
            and books.quarter = approved_optimizations.quarter
),

with_grace as (
    select
        *,
        coalesce(
            not has_previous_owner
            and is_churned
            and churn_date >= cast({{ dbt.date_trunc('month', 'assigned_date') }} as date)
            and churn_date
            <= cast({{ dbt.dateadd('month', var('quota_grace_period_months'), 'assigned_date') }} as date),
            false
        ) as in_grace_period
    from joined
),

counted as (
    select
        *,
        case
            when (in_grace_period or optimization_excluded) and attainment_usd < 0 then cast(0 as decimal(18, 2))
            else attainment_usd
        end as counted_attainment_usd
    from with_grace
)

select * from counted
