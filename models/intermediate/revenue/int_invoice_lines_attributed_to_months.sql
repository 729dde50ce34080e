-- Section 2, per product: each product line of a recognised usage invoice
-- (int_invoices_recognised) counts in the month its billing period starts, at its
-- amount after coupons, less the refunds issued against that invoice for that product
-- ("refunds reduce the product they were issued for"), the refunds with a reason that
-- triggers the one-time-credit rule kept apart as well (they are added back to the
-- product in a one-time-credit month). A line billed on a contract's usage account in
-- a month the contract is in force carries that contract's discount
-- (int_usage_accounts_under_contracts_monthly; 0 on any other account). Billing
-- configurations then decide what of it is MRR; a line of an invoice paid by startup
-- credits (is_paid_by_startup_credits, decided per account) is worth 0 whatever the
-- customer's configuration. Invoices of months after the reporting month are left out.
-- Currencies: lines and refunds are in the invoice's currency. Each invoice and product's
-- exact line amounts are converted, then rounded once: at the month's own rate (the `_usd`
-- columns, unadjusted) and at the reporting month's rate (the `constant_` columns, which
-- adjusted MRR starts from); `amount_after_coupons_in_currency` keeps the original, and
-- `amount_after_coupons_exact` the exact amount, for a conversion at another rate (quota).

with

invoices_recognised as (
    select * from {{ ref('int_invoices_recognised') }}
),

invoice_line_items as (
    select * from {{ ref('stg_billing__invoice_line_items') }}
),

refunds as (
    select * from {{ ref('stg_billing__refunds') }}
),

credit_reasons as (
    select * from {{ ref('credit_reasons') }}
),

months as (
    select * from {{ ref('int_months') }}
),

fx_rates_monthly as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

usage_accounts_under_contracts as (
    select * from {{ ref('int_usage_accounts_under_contracts_monthly') }}
),

usage_invoices as (
    select * from invoices_recognised
    where is_usage_invoice
),

refunds_per_invoice_product as (
    select
        refunds.invoice_id,
        refunds.product_key,
        sum(refunds.amount_usd) as refunded_usd,
        sum(
            case when credit_reasons.triggers_one_time_credit_adjustment then refunds.amount_usd else 0 end
        ) as qualifying_refunded_usd
    from refunds
    left join credit_reasons
        on refunds.reason = credit_reasons.reason
    group by refunds.invoice_id, refunds.product_key
),

lines_per_invoice_product as (
    select
        invoice_id,
        product_key,
        sum(usage_units) as usage_units,
        -- Lines can carry fractions of a cent: rounded once per invoice and product, not per
        -- line, after the conversion below.
        sum(amount_usd) as amount_exact,
        sum(amount_usd - discount_usd) as amount_after_coupons_exact
    from invoice_line_items
    group by invoice_id, product_key
),

attributed as (
    select
        usage_invoices.invoice_id,
        usage_invoices.billing_customer_id,
        usage_invoices.source_organization_id,
        usage_invoices.organization_id,
        lines_per_invoice_product.product_key,
        usage_invoices.period_start_month as month,
        coalesce(usage_invoices.is_paid_by_startup_credits, false) as is_paid_by_startup_credits,
        usage_invoices.currency,
        {{ usd_per_unit('usage_invoices.currency', 'fx_rates_monthly.usd_per_unit') }} as usd_per_unit,
        {{ usd_per_unit('usage_invoices.currency', 'fx_rates_monthly.reporting_usd_per_unit') }}
            as reporting_usd_per_unit,
        lines_per_invoice_product.usage_units,
        lines_per_invoice_product.amount_exact,
        lines_per_invoice_product.amount_after_coupons_exact,
        coalesce(refunds_per_invoice_product.refunded_usd, 0) as refunded_in_currency,
        coalesce(refunds_per_invoice_product.qualifying_refunded_usd, 0) as qualifying_refunded_in_currency
    from usage_invoices
    inner join lines_per_invoice_product
        on usage_invoices.invoice_id = lines_per_invoice_product.invoice_id
    left join fx_rates_monthly
        on
            usage_invoices.currency = fx_rates_monthly.currency
            and usage_invoices.period_start_month = fx_rates_monthly.month
    left join refunds_per_invoice_product
        on
            lines_per_invoice_product.invoice_id = refunds_per_invoice_product.invoice_id
            and lines_per_invoice_product.product_key = refunds_per_invoice_product.product_key
),

converted as (
    select
        invoice_id,
        billing_customer_id,
        source_organization_id,
        organization_id,
        product_key,
        month,
        is_paid_by_startup_credits,
        usage_units,
        {{ convert_to_cents('amount_exact', 'currency', 'usd_per_unit') }} as amount_usd,
        {{ convert_to_cents('amount_after_coupons_exact', 'currency', 'usd_per_unit') }} as amount_after_coupons_usd,
        {{ convert_to_cents('refunded_in_currency', 'currency', 'usd_per_unit') }} as refunded_usd,
        {{ convert_to_cents('qualifying_refunded_in_currency', 'currency', 'usd_per_unit') }}
            as qualifying_refunded_usd,
        currency,
        usd_per_unit,
        reporting_usd_per_unit,
        {{ to_cents('amount_after_coupons_exact') }} as amount_after_coupons_in_currency,
        amount_after_coupons_exact,
        {{ convert_to_cents('amount_after_coupons_exact', 'currency', 'reporting_usd_per_unit') }}
            as constant_amount_after_coupons_usd,
        {{ convert_to_cents('refunded_in_currency', 'currency', 'reporting_usd_per_unit') }} as constant_refunded_usd,
        {{ convert_to_cents('qualifying_refunded_in_currency', 'currency', 'reporting_usd_per_unit') }}
            as constant_qualifying_refunded_usd
    from attributed
),

with_contract_discounts as (
    select
        converted.*,
        usage_accounts_under_contracts.contract_id,
        coalesce(usage_accounts_under_contracts.contract_discount, 0) as contract_discount
    from converted
    left join usage_accounts_under_contracts
        on
            converted.billing_customer_id = usage_accounts_under_contracts.billing_customer_id
            and converted.month = usage_accounts_under_contracts.month
),

up_to_the_reporting_month as (
    select with_contract_discounts.*
    from with_contract_discounts
    inner join months
        on with_contract_discounts.month = months.month
)

select * from up_to_the_reporting_month
