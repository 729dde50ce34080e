-- TAM quota, quota invoice amount: one row per customer and month with invoiced usage.
--   invoiced usage     Σ product line amounts after coupons of the month's recognised
--                      usage invoices (before credits, tax and refunds)
--   paid product       a primary-for-quota product whose month amount (after coupons)
--                      is above var quota_paid_product_min_usd ($200.00 is not paid)
--   multiplier         var quota_base_multiplier (0.7) for one paid product, plus
--                      var quota_multiplier_per_extra_product (0.2) for each one above
--                      one; a month with usage but no paid product uses the base
--   run rate           in a month with credit contracts in force only the usage beyond
--                      their run rate counts: max(0, usage - run rate), the run rate
--                      being the sum over the contracts in force
--                      (int_quota_contract_run_rates_monthly)
--   quota amount       usage beyond the month's own run rate x multiplier, in cents
-- The quarter's comparison with the previous quarter measures the previous quarter's
-- usage against this quarter's run rates (int_quota_arr_quarterly), with the same
-- usage and multiplier.
-- The multiplier is decimal, not double, so the amounts are exact.

with

book_invoice_lines as (
    select * from {{ ref('int_quota_book_invoice_lines') }}
),

product_catalogue as (
    select * from {{ ref('product_catalogue') }}
),

contract_run_rates as (
    select * from {{ ref('int_quota_contract_run_rates_monthly') }}
),

product_amounts_monthly as (
    select
        organization_id,
        month,
        product_key,
        sum(amount_after_coupons_usd) as amount_usd
    from book_invoice_lines
    group by organization_id, month, product_key
),

products_classified as (
    select
        product_amounts_monthly.organization_id,
        product_amounts_monthly.month,
        product_amounts_monthly.product_key,
        product_amounts_monthly.amount_usd,
        coalesce(product_catalogue.is_primary_for_quota, false)
        and product_amounts_monthly.amount_usd > {{ var('quota_paid_product_min_usd') }} as is_paid_product
    from product_amounts_monthly
    left join product_catalogue
        on product_amounts_monthly.product_key = product_catalogue.product_key
),

account_months as (
    select
        organization_id,
        month,
        cast(sum(amount_usd) as decimal(18, 2)) as invoiced_usage_usd,
        sum(case when is_paid_product then 1 else 0 end) as count_paid_products
    from products_classified
    group by organization_id, month
),

beyond_run_rate as (
    select
        account_months.organization_id,
        account_months.month,
        account_months.invoiced_usage_usd,
        account_months.count_paid_products,
        contract_run_rates.organization_id is not null as has_annual_contract,
        coalesce(contract_run_rates.count_contracts_in_force, 0) as count_contracts_in_force,
        cast(coalesce(contract_run_rates.run_rate_usd, 0) as decimal(18, 2)) as contract_run_rate_usd,
        {{ usage_beyond_run_rate(
            'account_months.invoiced_usage_usd', 'contract_run_rates.run_rate_usd'
        ) }} as counted_usage_usd
    from account_months
    left join contract_run_rates
        on
            account_months.organization_id = contract_run_rates.organization_id
            and account_months.month = contract_run_rates.month
),

multiplied as (
    select
        *,
        {{ quota_multiplier('count_paid_products') }} as quota_multiplier
    from beyond_run_rate
),

quota_amounts as (
    select
        *,
        cast(counted_usage_usd * quota_multiplier as decimal(18, 2)) as quota_invoice_amount_usd
    from multiplied
)

select * from quota_amounts
